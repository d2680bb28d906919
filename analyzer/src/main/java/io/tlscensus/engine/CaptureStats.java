package io.tlscensus.engine;

/** Counters of one run; mergeable like every aggregate, so threads and files add up the same way. */
public final class CaptureStats {
    public long inputs;
    public long damagedInputs;
    public long packets;
    /** Bytes on the wire (original lengths). */
    public long bytes;
    /** Bytes of capture files read (compressed size for gzip). */
    public long inputBytes;
    public long tcpPackets;
    public long udpPackets;
    public long otherIpPackets;
    public long nonIpPackets;
    public long unsupportedLinkPackets;
    public long fragments;
    public long fragmentsReassembled;
    public long fragmentsDropped;
    public long tunneledPackets;
    public long malformedPackets;
    public long truncatedSegments;
    public long flows;
    public long peakFlows;
    public long evictedIdle;
    public long evictedForSpace;
    public long reassemblyLimitHits;
    /** The run's bounds, shown with the counters they cap: flows at once, bytes of flow state, bytes held per direction. */
    public long flowLimit;
    public long memoryLimitBytes;
    public long reassemblyLimitBytes;
    public long tlsConnections;
    public long tlsMalformed;
    public long elapsedNanos;
    /** Live capture: packets the kernel dropped because the reader fell behind (pcap ps_drop). */
    public long packetsDropped;
    /** Live capture: packets the interface or its driver dropped (pcap ps_ifdrop). */
    public long interfaceDropped;

    public void merge(CaptureStats o) {
        inputs += o.inputs;
        damagedInputs += o.damagedInputs;
        packets += o.packets;
        bytes += o.bytes;
        inputBytes += o.inputBytes;
        tcpPackets += o.tcpPackets;
        udpPackets += o.udpPackets;
        otherIpPackets += o.otherIpPackets;
        nonIpPackets += o.nonIpPackets;
        unsupportedLinkPackets += o.unsupportedLinkPackets;
        fragments += o.fragments;
        fragmentsReassembled += o.fragmentsReassembled;
        fragmentsDropped += o.fragmentsDropped;
        tunneledPackets += o.tunneledPackets;
        malformedPackets += o.malformedPackets;
        truncatedSegments += o.truncatedSegments;
        flows += o.flows;
        peakFlows = Math.max(peakFlows, o.peakFlows);
        evictedIdle += o.evictedIdle;
        evictedForSpace += o.evictedForSpace;
        reassemblyLimitHits += o.reassemblyLimitHits;
        flowLimit = Math.max(flowLimit, o.flowLimit); // the same run-wide bounds in every engine
        memoryLimitBytes = Math.max(memoryLimitBytes, o.memoryLimitBytes);
        reassemblyLimitBytes = Math.max(reassemblyLimitBytes, o.reassemblyLimitBytes);
        tlsConnections += o.tlsConnections;
        tlsMalformed += o.tlsMalformed;
        elapsedNanos = Math.max(elapsedNanos, o.elapsedNanos);
        packetsDropped += o.packetsDropped;
        interfaceDropped += o.interfaceDropped;
    }

    /** One line for the end of a run, as tcpdump and tshark users expect on stderr. */
    public String line() {
        double seconds = elapsedNanos / 1e9;
        double mbps = seconds > 0 ? inputBytes / 1e6 / seconds : 0;
        return String.format(java.util.Locale.ROOT,
                "%d inputs (%d damaged), %d packets (%d TCP, %d UDP, %d tunneled), %d bytes, "
                        + "%d flows (peak %d of at most %d in %d MB, evicted %d idle, %d for space), %d TLS connections; "
                        + "dropped: %d by kernel, %d by interface; skipped: %d non-IP, %d other IP, %d unsupported link; %d IP fragments (%d datagrams "
                        + "reassembled, %d dropped); %d malformed packets, %d malformed TLS, %d truncated segments, "
                        + "%d reassembly limit hits (%d bytes a direction); %.3f s, %.1f MB/s",
                inputs, damagedInputs, packets, tcpPackets, udpPackets, tunneledPackets, bytes, flows, peakFlows,
                flowLimit, memoryLimitBytes >> 20, evictedIdle, evictedForSpace, tlsConnections, packetsDropped, interfaceDropped, nonIpPackets, otherIpPackets, unsupportedLinkPackets,
                fragments, fragmentsReassembled, fragmentsDropped, malformedPackets, tlsMalformed, truncatedSegments,
                reassemblyLimitHits, reassemblyLimitBytes, seconds, mbps);
    }
}
