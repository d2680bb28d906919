package io.tlscensus.engine;

import io.tlscensus.capture.PacketHandler;
import io.tlscensus.decode.IpAddress;
import io.tlscensus.decode.PacketDecoder;
import io.tlscensus.flow.FlowTable;
import io.tlscensus.flow.IpFragmentReassembler;
import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.quic.QuicConnection;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.DtlsParser;
import io.tlscensus.tls.TlsStreamParser;

import java.nio.ByteBuffer;

/**
 * The offline and live pipeline behind one {@link PacketHandler}: decode in place, find the flow,
 * reassemble and parse only until both hellos are read, then hand the connection to the sink.
 * Single-threaded by design; parallel runs use one engine each and merge their aggregates.
 */
public final class CensusEngine implements PacketHandler {
    private final PacketDecoder decoder = new PacketDecoder();
    private final FlowTable<TlsFlow> flows;
    private final IpFragmentReassembler fragments;
    private final EngineLimits limits;
    private final ConnectionSink sink;
    private final CaptureStats stats = new CaptureStats();
    private final int shard;
    private final int shards;
    private final int maxFlows;
    private String input = "-";
    private long flowsBefore;

    public CensusEngine(EngineLimits limits, ConnectionSink sink) {
        this(limits, sink, 0, 1);
    }

    /**
     * Engine {@code shard} of {@code shards} that all see every packet of the same capture: each
     * follows only the flows whose {@link FlowShards#owner canonical 5-tuple hash} is its own, so
     * the flow work is split while reading is shared. Packets that belong to no flow (non-IP,
     * malformed, other protocols) are counted by shard 0; IP fragments are reassembled by every
     * shard (the datagram's flow is known only afterwards) and counted by shard 0. The shards'
     * connections and statistics add up to exactly those of one engine.
     */
    public CensusEngine(EngineLimits limits, ConnectionSink sink, int shard, int shards) {
        if (shards < 1 || shard < 0 || shard >= shards) throw new IllegalArgumentException("shard " + shard + " of " + shards);
        this.shard = shard;
        this.shards = shards;
        this.limits = limits;
        this.sink = sink;
        // Every shard's table shares the heap: each gets its part of the bound.
        this.maxFlows = Math.min(limits.maxFlows, Math.max(1024, heapBoundFlows(Runtime.getRuntime().maxMemory()) / shards));
        this.flows = new FlowTable<>(maxFlows, limits.idleTimeoutMicros, TlsFlow::new, this::finish);
        this.fragments = new IpFragmentReassembler(limits.maxFragmentedDatagrams, limits.maxFragmentBytes,
                limits.fragmentTimeoutMicros);
    }

    /** Names the capture that the next packets come from (the record's {@code file}). */
    public void beginInput(String name) {
        input = name;
        if (shard == 0) stats.inputs++;
    }

    /**
     * Finishes every flow of the current input. Flows do not continue across files: two captures
     * with the same 5-tuple (common in test suites and from different sensors) stay two connections.
     */
    public void endInput() {
        flows.clear();
        syncTableCounters();
    }

    /** The run's counters so far; flow-table counters are brought up to date first (live runs ask mid-run). */
    public CaptureStats stats() {
        syncTableCounters();
        return stats;
    }

    private void syncTableCounters() {
        stats.flows += flows.created() - flowsBefore;
        flowsBefore = flows.created();
        stats.peakFlows = Math.max(stats.peakFlows, flows.peakSize());
        stats.evictedIdle = flows.evictedIdle();
        stats.evictedForSpace = flows.evictedForSpace();
        if (shard == 0) {
            stats.fragmentsReassembled = fragments.completed();
            stats.fragmentsDropped = fragments.dropped();
        }
    }

    /**
     * A tracked flow costs about {@link #BYTES_PER_FLOW} bytes (the flow, its per-direction arrays
     * and its table slot, measured with a SYN flood); flows in their handshake hold reassembly
     * buffers on top. Half the heap is the most the flow table may take, so a flood of half-open
     * connections (1,000,000 SYNs under the default --max-flows in a 256 MB heap ran out of memory)
     * evicts for space instead: the oldest flows go first, and "evicted for space" counts them.
     */
    static final int BYTES_PER_FLOW = 400;

    static int heapBoundFlows(long maxHeapBytes) {
        return (int) Math.max(1024, Math.min(Integer.MAX_VALUE, maxHeapBytes / 2 / BYTES_PER_FLOW));
    }

    /** Flows tracked at once: --max-flows, lowered to what half the heap holds. */
    public int maxFlows() {
        return maxFlows;
    }

    public int activeFlows() {
        return flows.size();
    }

    @Override
    public void onPacket(long timestampMicros, int linkType, ByteBuffer buffer, int offset, int capturedLength,
                         int originalLength) {
        if (shards > 1) {
            int owner = FlowShards.fastOwner(linkType, buffer, offset, capturedLength, shards);
            if (owner >= 0 && owner != shard) return; // another shard's flow: cost is the record walk and a hash
            int decoded = decoder.decode(linkType, buffer, offset, capturedLength);
            if (owner < 0 && !owns(decoded)) {
                if (decoded == PacketDecoder.FRAGMENT) fragment(timestampMicros, buffer); // every shard reassembles
                return;
            }
            stats.packets++;
            stats.bytes += originalLength;
            dispatch(decoded, timestampMicros, buffer);
            return;
        }
        stats.packets++;
        stats.bytes += originalLength;
        dispatch(decoder.decode(linkType, buffer, offset, capturedLength), timestampMicros, buffer);
    }

    /** Sharded: whether this shard follows the decoded packet (its flow's shard; shard 0 for the rest). */
    private boolean owns(int decoded) {
        if (decoded == PacketDecoder.TCP || decoded == PacketDecoder.UDP) {
            PacketDecoder d = decoder;
            return FlowShards.owner(d.srcHi, d.srcLo, d.srcPort, d.dstHi, d.dstLo, d.dstPort, shards) == shard;
        }
        return shard == 0;
    }

    private void dispatch(int decoded, long ts, ByteBuffer buffer) {
        if (decoder.tunnelDepth > 0) stats.tunneledPackets++;
        switch (decoded) {
            case PacketDecoder.TCP:
                stats.tcpPackets++;
                tcp(ts, buffer);
                break;
            case PacketDecoder.UDP:
                stats.udpPackets++;
                udp(ts, buffer);
                break;
            case PacketDecoder.OTHER_IP:
                stats.otherIpPackets++;
                break;
            case PacketDecoder.NOT_IP:
                stats.nonIpPackets++;
                break;
            case PacketDecoder.UNSUPPORTED_LINK:
                stats.unsupportedLinkPackets++;
                break;
            case PacketDecoder.FRAGMENT:
                stats.fragments++;
                fragment(ts, buffer);
                break;
            default:
                stats.malformedPackets++;
        }
    }

    private void fragment(long ts, ByteBuffer buffer) {
        PacketDecoder d = decoder;
        ByteBuffer datagram = fragments.add(ts, d.ipVersion, d.srcHi, d.srcLo, d.dstHi, d.dstLo, d.fragmentId,
                d.fragmentOffset, d.moreFragments, buffer, d.payloadOffset, d.payloadLength);
        if (datagram == null) return;
        int decoded = d.decodeReassembled(datagram, 0, datagram.limit());
        if (decoded != PacketDecoder.FRAGMENT && (shards == 1 || owns(decoded))) dispatch(decoded, ts, datagram);
    }

    private void tcp(long ts, ByteBuffer buffer) {
        PacketDecoder d = decoder;
        TlsFlow f = flows.lookup(d, ts);
        int dir = f.directionOf(d);
        boolean syn = (d.tcpFlags & PacketDecoder.TCP_SYN) != 0;
        if (f.finished) {
            // Port reuse: a new connection on the 5-tuple of one that has ended.
            if (!(syn && (d.tcpFlags & PacketDecoder.TCP_ACK) == 0 && f.closed)) {
                trackClose(f, dir);
                return;
            }
            f.restartAt(ts);
        }
        if (f.record == null) {
            f.vlan = d.vlanId;
            f.tunnelId = d.tunnelId;
        }
        if (syn) {
            if (dir == 0 && !f.synSeen0) {
                f.synSeen0 = true;
                f.synSeq0 = d.seq;
            } else if (dir == 1 && !f.synSeen1) {
                f.synSeen1 = true;
                f.synSeq1 = d.seq;
            }
        }
        if (d.payloadLength > 0) {
            TlsStreamParser parser = f.parser(dir);
            if (parser == null || !parser.done()) payload(f, dir, buffer);
        }
        if (trackClose(f, dir)) {
            finish(f);
            return;
        }
        if (f.parser0 != null && f.parser0.done() && f.parser1.done()) {
            finish(f);
        }
    }

    /**
     * UDP carries DTLS (also when it shares the port with STUN, as in WebRTC) and QUIC, whose
     * Initial packets are decrypted to reach the hellos. A flow that shows neither within its first
     * datagrams is left alone from then on.
     */
    private void udp(long ts, ByteBuffer buffer) {
        PacketDecoder d = decoder;
        TlsFlow f = flows.lookup(d, ts);
        if (f.finished || d.payloadLength == 0) return;
        int dir = f.directionOf(d);
        int off = d.payloadOffset, len = d.payloadLength;
        if (f.quic != null) {
            f.quic.onDatagram(buffer, off, len, dir);
            if (f.quic.done()) finish(f);
            return;
        }
        if (f.dtls == null && f.record == null && QuicConnection.looksLikeQuic(buffer, off, len)) {
            f.quic = new QuicConnection(startRecord(f, "quic"));
            f.quic.onDatagram(buffer, off, len, dir);
            if (f.quic.done()) finish(f);
            return;
        }
        if (DtlsParser.looksLikeDtls(buffer, off, len)) {
            if (f.dtls == null && f.record == null) f.dtls = new DtlsParser(startRecord(f, "udp"));
            if (f.dtls != null) {
                f.dtls.onDatagram(buffer, off, len, dir);
                if (f.dtls.done()) finish(f);
                return;
            }
        }
        if (++f.datagrams > limits.udpProbeDatagrams && f.record == null) f.release();
    }

    private ConnectionRecord startRecord(TlsFlow f, String transport) {
        f.record = new ConnectionRecord();
        f.record.transport = transport;
        f.vlan = decoder.vlanId;
        f.tunnelId = decoder.tunnelId;
        return f.record;
    }

    /** Notes FIN and RST; true once the connection is over (RST, or FIN both ways). */
    private boolean trackClose(TlsFlow f, int dir) {
        int flags = decoder.tcpFlags;
        if ((flags & PacketDecoder.TCP_RST) != 0) f.closed = true;
        else if ((flags & PacketDecoder.TCP_FIN) != 0) {
            if (dir == 0) f.finSeen0 = true;
            else f.finSeen1 = true;
        }
        if (f.finSeen0 && f.finSeen1) f.closed = true;
        return f.closed;
    }

    private void payload(TlsFlow f, int dir, ByteBuffer buffer) {
        PacketDecoder d = decoder;
        if (f.record == null) {
            f.record = new ConnectionRecord();
            f.vlan = d.vlanId;
            f.tunnelId = d.tunnelId;
            f.parser0 = new TlsStreamParser(f.record, limits.scanLimitBytes);
            f.parser1 = new TlsStreamParser(f.record, limits.scanLimitBytes);
        }
        TlsStreamParser parser = f.parser(dir);
        StreamReassembler stream = f.stream(dir);
        if (stream == null) {
            stream = new StreamReassembler(limits.maxReassemblyBytes);
            if (dir == 0) {
                f.stream0 = stream;
                if (f.synSeen0) stream.synSeen(f.synSeq0);
            } else {
                f.stream1 = stream;
                if (f.synSeen1) stream.synSeen(f.synSeq1);
            }
        }
        stream.accept(d.seq, buffer, d.payloadOffset, d.payloadLength);
        long drop = parser.parse(stream.array(), stream.start(), stream.available());
        stream.skip(drop);
        if (d.payloadTruncated && !parser.done()) {
            // The snaplen cut this segment: the stream has a hole that no retransmission will fill.
            stats.truncatedSegments++;
            parser.finish();
        }
        if (stream.overflowed() && !parser.done()) {
            stats.reassemblyLimitHits++;
            parser.finish();
        }
        if (parser.done()) {
            if (parser.malformed()) stats.tlsMalformed++;
            stream.release();
        }
    }

    /** Emits the connection (once) and drops the flow's buffers; called on close, eviction and end of input. */
    private void finish(TlsFlow f) {
        if (f.finished) return;
        ConnectionRecord r = f.record;
        if (r != null && (r.clientHelloSeen || r.serverHelloSeen)) {
            // The client is the side that sent the ClientHello; failing that, the side a ServerHello went to.
            int clientSide;
            if (f.role(0) == TlsStreamParser.Role.CLIENT) clientSide = 0;
            else if (f.role(1) == TlsStreamParser.Role.CLIENT) clientSide = 1;
            else clientSide = f.role(0) == TlsStreamParser.Role.SERVER ? 1 : 0;
            int serverSide = 1 - clientSide;
            r.file = input;
            r.tsMicros = f.firstSeenMicros();
            r.vlan = f.vlan;
            r.tunnelId = f.tunnelId;
            r.client = IpAddress.format(f.addressHi(clientSide), f.addressLo(clientSide));
            r.clientPort = f.port(clientSide);
            r.server = IpAddress.format(f.addressHi(serverSide), f.addressLo(serverSide));
            r.serverPort = f.port(serverSide);
            stats.tlsConnections++;
            sink.accept(r);
        }
        // Directions that finish parsing count their damage as they finish; these are still open.
        if (f.parser0 != null) {
            if (!f.parser0.done() && f.parser0.malformed()) stats.tlsMalformed++;
            if (!f.parser1.done() && f.parser1.malformed()) stats.tlsMalformed++;
        }
        if (f.dtls != null && f.dtls.malformed()) stats.tlsMalformed++;
        if (f.quic != null) stats.tlsMalformed += f.quic.malformedHellos();
        f.release();
    }
}
