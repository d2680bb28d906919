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
    private final MemoryBudget budget;
    private final Handshakes handshakes;
    private String input = "-";
    private long flowsBefore;
    private long flowsCharged;
    private int capacityCharged;

    public CensusEngine(EngineLimits limits, ConnectionSink sink) {
        this(limits, sink, 0, 1, MemoryBudget.forHeap(limits));
    }

    /**
     * Engine {@code shard} of {@code shards} that read the same capture: each follows only the flows
     * whose {@link FlowShards#owner canonical 5-tuple hash} is its own and ignores any other packet
     * it is given (readers give it only its own, placed by {@link FlowShards#fastOwner}, and those
     * they cannot place without a full decode). Packets that belong to no flow (non-IP,
     * malformed, other protocols) are counted once, by the shard they were placed in or shard 0;
     * IP fragments are reassembled by every shard (the datagram's flow is known only afterwards)
     * and counted by shard 0. The shards'
     * connections and statistics add up to exactly those of one engine. Engines that run at the same
     * time share one {@code budget}.
     */
    public CensusEngine(EngineLimits limits, ConnectionSink sink, int shard, int shards, MemoryBudget budget) {
        if (shards < 1 || shard < 0 || shard >= shards) throw new IllegalArgumentException("shard " + shard + " of " + shards);
        this.shard = shard;
        this.shards = shards;
        this.limits = limits;
        this.sink = sink;
        this.budget = budget;
        this.handshakes = new Handshakes(limits, budget);
        // The run's budget bounds flows and bytes of all engines together; for the flow count, room
        // is made before a new flow goes in, so the engines never hold more than --max-flows.
        this.flows = new FlowTable<>(limits.maxFlows, limits.idleTimeoutMicros, TlsFlow::new, this::evicted);
        this.flows.bound(() -> budget.flows() >= budget.maxFlows());
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
        stats.flowLimit = budget.maxFlows();
        stats.memoryLimitBytes = budget.maxBytes();
        stats.reassemblyLimitBytes = limits.maxReassemblyBytes;
        if (shard == 0) {
            stats.fragmentsReassembled = fragments.completed();
            stats.fragmentsDropped = fragments.dropped();
        }
    }

    /**
     * Counts a flow the table just made and makes room for it: while the run holds more flows or
     * bytes than its budget allows, this engine's least recently active flows (never {@code f}) are
     * finished and evicted for space. So a flood of half-open connections or of handshakes that
     * never complete, whatever they hold, ends in counted evictions, not in an OutOfMemoryError.
     */
    private void account(TlsFlow f) {
        // Only a new flow adds to the budget here (handshake bytes are charged, and room made, where
        // they grow): a packet of a known flow does not read the budget, which other threads write.
        if (flows.created() == flowsCharged) return;
        long n = flows.created() - flowsCharged;
        flowsCharged = flows.created();
        budget.addFlows(n);
        budget.addBytes(n * MemoryBudget.FLOW_BYTES);
        int capacity = flows.capacity(); // it only grows
        budget.addBytes((long) MemoryBudget.REF_BYTES * (capacity - capacityCharged));
        capacityCharged = capacity;
        makeRoom(f);
    }

    private void makeRoom(TlsFlow f) {
        while (budget.over() && flows.evictOldestForSpace(f)) {
            // each eviction gives back the flow and what its handshake held
        }
    }

    /** A flow leaves the table (idle, for space, end of input): emitted if not yet, then uncounted. */
    private void evicted(TlsFlow f) {
        finish(f);
        budget.addFlows(-1);
        budget.addBytes(-MemoryBudget.FLOW_BYTES);
    }

    public int activeFlows() {
        return flows.size();
    }

    @Override
    public void onPacket(long timestampMicros, int linkType, ByteBuffer buffer, int offset, int capturedLength,
                         int originalLength) {
        if (shards > 1) {
            // The readers hand a shard its own packets and those they could not place (tunnels,
            // fragments, non-IP): the decoded 5-tuple tells which are its own.
            int decoded = decoder.decode(linkType, buffer, offset, capturedLength);
            if (!owns(decoded, linkType, buffer, offset, capturedLength)) {
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

    /**
     * Sharded: whether this shard takes the packet. A flow's packet goes to the flow's shard; any
     * other (malformed, non-IP, ...) is counted once, by the shard that the readers placed it in
     * ({@link FlowShards#fastOwner}, which can place a frame that then fails to decode), or shard 0.
     */
    private boolean owns(int decoded, int linkType, ByteBuffer buffer, int offset, int capturedLength) {
        if (decoded == PacketDecoder.TCP || decoded == PacketDecoder.UDP) return owns(decoded);
        int placed = FlowShards.fastOwner(linkType, buffer, offset, capturedLength, shards);
        return (placed >= 0 ? placed : 0) == shard;
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
        account(f);
        int dir = f.directionOf(d);
        boolean syn = (d.tcpFlags & PacketDecoder.TCP_SYN) != 0;
        if (f.finished()) {
            // Port reuse: a new connection on the 5-tuple of one that has ended.
            if (!(syn && (d.tcpFlags & PacketDecoder.TCP_ACK) == 0 && f.is(TlsFlow.CLOSED))) {
                trackClose(f, dir);
                return;
            }
            f.restartAt(ts);
        }
        if (syn && !f.is(TlsFlow.of(TlsFlow.SYN0, dir))) {
            f.set(TlsFlow.of(TlsFlow.SYN0, dir));
            if (!f.is(TlsFlow.of(TlsFlow.STREAM0, dir))) f.seq(dir, d.seq); // once a stream started, seq is its own
        }
        if (d.payloadLength > 0 && !f.is(TlsFlow.of(TlsFlow.DONE0, dir))) payload(f, dir, buffer);
        if (trackClose(f, dir)) {
            finish(f);
            return;
        }
        if (f.is(TlsFlow.DONE0) && f.is(TlsFlow.of(TlsFlow.DONE0, 1))) {
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
        account(f);
        if (f.finished() || d.payloadLength == 0) return;
        int dir = f.directionOf(d);
        int off = d.payloadOffset, len = d.payloadLength;
        Handshake h = (Handshake) f.hs; // UDP handshakes are never parked
        if (h != null && h.quic != null) {
            h.quic.onDatagram(buffer, off, len, dir);
            if (h.quic.done()) finish(f);
            return;
        }
        if (h == null && QuicConnection.looksLikeQuic(buffer, off, len)) {
            h = startRecord(f, "quic");
            h.quic = new QuicConnection(h.record);
            handshakes.recharge(h);
            h.quic.onDatagram(buffer, off, len, dir);
            if (h.quic.done()) finish(f);
            else makeRoom(f);
            return;
        }
        if (DtlsParser.looksLikeDtls(buffer, off, len)) {
            if (h == null) {
                h = startRecord(f, "udp");
                h.dtls = new DtlsParser(h.record);
                handshakes.recharge(h);
            }
            if (h.dtls != null) {
                h.dtls.onDatagram(buffer, off, len, dir);
                if (h.dtls.done()) finish(f);
                else makeRoom(f);
                return;
            }
        }
        if (++f.seq0 > limits.udpProbeDatagrams && h == null) f.set(TlsFlow.FINISHED); // seq0: datagrams looked at
    }

    private Handshake startRecord(TlsFlow f, String transport) {
        Handshake h = handshakes.live(f);
        h.record.transport = transport;
        return h;
    }

    /** Notes FIN and RST; true once the connection is over (RST, or FIN both ways). */
    private boolean trackClose(TlsFlow f, int dir) {
        int flags = decoder.tcpFlags;
        if ((flags & PacketDecoder.TCP_RST) != 0) f.set(TlsFlow.CLOSED);
        else if ((flags & PacketDecoder.TCP_FIN) != 0) f.set(TlsFlow.of(TlsFlow.FIN0, dir));
        if (f.is(TlsFlow.FIN0) && f.is(TlsFlow.of(TlsFlow.FIN0, 1))) f.set(TlsFlow.CLOSED);
        return f.is(TlsFlow.CLOSED);
    }

    private void payload(TlsFlow f, int dir, ByteBuffer buffer) {
        PacketDecoder d = decoder;
        Handshake h = handshakes.live(f);
        TlsStreamParser parser = h.parser(dir);
        if (parser == null) {
            parser = new TlsStreamParser(h.record, limits.scanLimitBytes);
            if (dir == 0) h.parser0 = parser;
            else h.parser1 = parser;
        }
        StreamReassembler stream = h.stream(dir);
        if (stream == null) {
            stream = new StreamReassembler(limits.maxReassemblyBytes);
            if (dir == 0) h.stream0 = stream;
            else h.stream1 = stream;
            if (f.is(TlsFlow.of(TlsFlow.SYN0, dir))) stream.synSeen(f.seq(dir));
            f.set(TlsFlow.of(TlsFlow.STREAM0, dir));
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
            f.set(TlsFlow.of(TlsFlow.DONE0, dir));
        }
        handshakes.parkOrRecharge(f, h);
        makeRoom(f);
    }

    /** Emits the connection (once) and drops the flow's buffers; called on close, eviction and end of input. */
    private void finish(TlsFlow f) {
        if (f.finished()) return;
        ConnectionRecord r = handshakes.record(f);
        if (r != null && (r.clientHelloSeen || r.serverHelloSeen)) {
            // The client is the side that sent the ClientHello; failing that, the side a ServerHello went to.
            int clientSide;
            if (f.role(0) == TlsStreamParser.Role.CLIENT) clientSide = 0;
            else if (f.role(1) == TlsStreamParser.Role.CLIENT) clientSide = 1;
            else clientSide = f.role(0) == TlsStreamParser.Role.SERVER ? 1 : 0;
            int serverSide = 1 - clientSide;
            r.file = input;
            r.tsMicros = f.firstSeenMicros();
            r.vlan = f.vlan();
            r.tunnelId = f.tunnelId();
            r.client = IpAddress.format(f.addressHi(clientSide), f.addressLo(clientSide));
            r.clientPort = f.port(clientSide);
            r.server = IpAddress.format(f.addressHi(serverSide), f.addressLo(serverSide));
            r.serverPort = f.port(serverSide);
            stats.tlsConnections++;
            sink.accept(r);
        }
        // Directions that finish parsing count their damage as they finish; these are still open.
        Object hs = f.hs;
        if (hs instanceof Handshake) {
            Handshake h = (Handshake) hs;
            for (int dir = 0; dir < 2; dir++) {
                TlsStreamParser parser = h.parser(dir);
                if (parser != null && !parser.done() && parser.malformed()) stats.tlsMalformed++;
            }
            if (h.dtls != null && h.dtls.malformed()) stats.tlsMalformed++;
            if (h.quic != null) stats.tlsMalformed += h.quic.malformedHellos();
        } else if (hs instanceof Parked) {
            for (int dir = 0; dir < 2; dir++) {
                long state = ((Parked) hs).state(dir);
                if ((state & Parked.HAS_PARSER) != 0 && !TlsStreamParser.parkedDone(state)
                        && TlsStreamParser.parkedMalformed(state)) {
                    stats.tlsMalformed++;
                }
            }
        }
        handshakes.release(f);
        f.set(TlsFlow.FINISHED);
    }
}
