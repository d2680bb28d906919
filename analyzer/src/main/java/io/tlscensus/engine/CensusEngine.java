package io.tlscensus.engine;

import io.tlscensus.capture.PacketHandler;
import io.tlscensus.decode.IpAddress;
import io.tlscensus.decode.PacketDecoder;
import io.tlscensus.flow.FlowTable;
import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.tls.ConnectionRecord;
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
    private final EngineLimits limits;
    private final ConnectionSink sink;
    private final CaptureStats stats = new CaptureStats();
    private String input = "-";
    private long flowsBefore;

    public CensusEngine(EngineLimits limits, ConnectionSink sink) {
        this.limits = limits;
        this.sink = sink;
        this.flows = new FlowTable<>(limits.maxFlows, limits.idleTimeoutMicros, TlsFlow::new, this::finish);
    }

    /** Names the capture that the next packets come from (the record's {@code file}). */
    public void beginInput(String name) {
        input = name;
        stats.inputs++;
    }

    /**
     * Finishes every flow of the current input. Flows do not continue across files: two captures
     * with the same 5-tuple (common in test suites and from different sensors) stay two connections.
     */
    public void endInput() {
        flows.clear();
        stats.flows += flows.created() - flowsBefore;
        flowsBefore = flows.created();
        stats.peakFlows = Math.max(stats.peakFlows, flows.peakSize());
        stats.evictedIdle = flows.evictedIdle();
        stats.evictedForSpace = flows.evictedForSpace();
    }

    public CaptureStats stats() {
        return stats;
    }

    public int activeFlows() {
        return flows.size();
    }

    @Override
    public void onPacket(long timestampMicros, int linkType, ByteBuffer buffer, int offset, int capturedLength,
                         int originalLength) {
        stats.packets++;
        stats.bytes += originalLength;
        switch (decoder.decode(linkType, buffer, offset, capturedLength)) {
            case PacketDecoder.TCP:
                stats.tcpPackets++;
                tcp(timestampMicros, buffer);
                break;
            case PacketDecoder.UDP:
                stats.udpPackets++;
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
                break;
            default:
                stats.malformedPackets++;
        }
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
        if (f.vlan < 0) f.vlan = d.vlanId;
        if (syn && !f.synSeen[dir]) {
            f.synSeen[dir] = true;
            f.synSeq[dir] = d.seq;
        }
        if (d.payloadLength > 0 && (f.parsers[dir] == null || !f.parsers[dir].done())) {
            payload(f, dir, buffer);
        }
        if (trackClose(f, dir)) {
            finish(f);
            return;
        }
        if (f.parsers[0] != null && f.parsers[0].done() && f.parsers[1].done()) {
            finish(f);
        }
    }

    /** Notes FIN and RST; true once the connection is over (RST, or FIN both ways). */
    private boolean trackClose(TlsFlow f, int dir) {
        int flags = decoder.tcpFlags;
        if ((flags & PacketDecoder.TCP_RST) != 0) f.closed = true;
        else if ((flags & PacketDecoder.TCP_FIN) != 0) f.finSeen[dir] = true;
        if (f.finSeen[0] && f.finSeen[1]) f.closed = true;
        return f.closed;
    }

    private void payload(TlsFlow f, int dir, ByteBuffer buffer) {
        PacketDecoder d = decoder;
        if (f.record == null) {
            f.record = new ConnectionRecord();
            f.parsers[0] = new TlsStreamParser(f.record, limits.scanLimitBytes);
            f.parsers[1] = new TlsStreamParser(f.record, limits.scanLimitBytes);
        }
        TlsStreamParser parser = f.parsers[dir];
        StreamReassembler stream = f.streams[dir];
        if (stream == null) {
            stream = f.streams[dir] = new StreamReassembler(limits.maxReassemblyBytes);
            if (f.synSeen[dir]) stream.synSeen(f.synSeq[dir]);
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
            if (f.parsers[0].role() == TlsStreamParser.Role.CLIENT) clientSide = 0;
            else if (f.parsers[1].role() == TlsStreamParser.Role.CLIENT) clientSide = 1;
            else clientSide = f.parsers[0].role() == TlsStreamParser.Role.SERVER ? 1 : 0;
            int serverSide = 1 - clientSide;
            r.file = input;
            r.tsMicros = f.firstSeenMicros();
            r.vlan = f.vlan;
            r.client = IpAddress.format(f.addressHi(clientSide), f.addressLo(clientSide));
            r.clientPort = f.port(clientSide);
            r.server = IpAddress.format(f.addressHi(serverSide), f.addressLo(serverSide));
            r.serverPort = f.port(serverSide);
            stats.tlsConnections++;
            sink.accept(r);
        }
        f.release();
    }
}
