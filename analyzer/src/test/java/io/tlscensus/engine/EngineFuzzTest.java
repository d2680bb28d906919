package io.tlscensus.engine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlscensus.testing.Fuzzing;
import io.tlscensus.testing.Packets;

import java.nio.ByteBuffer;

/**
 * Fuzz targets for the engine: flows, TCP reassembly, IP fragment reassembly, and the TLS, DTLS
 * and QUIC parsers behind them, fed packets built from the fuzz input.
 */
class EngineFuzzTest {
    private static final int[] LINK_TYPES = {1, 101, 113, 276, 0, 9};

    /**
     * A sequence of whole frames ({@link Fuzzing#chunks} format: the tag picks the link type); the
     * seeds are the packets of capture-samples/, so mutations start from real conversations.
     */
    @FuzzTest(maxDuration = "10s")
    void packetSequence(byte[] data) {
        CensusEngine engine = Fuzzing.checkingEngine(Fuzzing.smallLimits());
        engine.beginInput("fuzz");
        long ts = 1_700_000_000_000_000L;
        for (Fuzzing.Chunk c : Fuzzing.chunks(data, 4096)) {
            int linkType = LINK_TYPES[(c.tag() & 0x7f) % LINK_TYPES.length];
            ts += (c.tag() & 0x80) != 0 ? 3_000_000L : 1_000L; // sometimes past the fragment timeout
            byte[] frame = c.bytes();
            engine.onPacket(ts, linkType, Fuzzing.exact(frame, 3), 3, frame.length, frame.length);
        }
        engine.endInput();
        checkStats(engine.stats());
    }

    /**
     * One TCP connection whose segments the input describes (chunk tag: bit 0 direction, bits
     * 1-3 SYN/FIN/RST, bit 4 "sequence number from the next two bytes", else in order), so that
     * reordering, overlaps with conflicting bytes, retransmissions, gaps and resets reach the
     * reassembler and the TLS parser with payloads that are mostly valid TLS.
     */
    @FuzzTest(maxDuration = "10s")
    void tcpSegments(byte[] data) {
        CensusEngine engine = Fuzzing.checkingEngine(Fuzzing.smallLimits());
        engine.beginInput("fuzz");
        byte[][] ips = {Packets.v4(10, 0, 0, 1), Packets.v4(10, 0, 0, 2)};
        int[] ports = {40000, 443};
        int[] isn = {0x7fffff00, 0xfffffff0}; // both wrap around within a few segments
        int[] next = {isn[0] + 1, isn[1] + 1};
        long ts = 1_700_000_000_000_000L;
        for (Fuzzing.Chunk c : Fuzzing.chunks(data, 512)) {
            int tag = c.tag();
            int dir = tag & 1;
            int flags = Packets.ACK | Packets.PSH;
            if ((tag & 2) != 0) flags = Packets.SYN | (dir == 1 ? Packets.ACK : 0);
            if ((tag & 4) != 0) flags |= Packets.FIN;
            if ((tag & 8) != 0) flags |= Packets.RST;
            byte[] payload = c.bytes();
            int seq;
            if ((flags & Packets.SYN) != 0) {
                seq = isn[dir];
            } else if ((tag & 0x10) != 0 && payload.length >= 2) {
                int delta = (short) (((payload[0] & 0xff) << 8) | (payload[1] & 0xff));
                payload = java.util.Arrays.copyOfRange(payload, 2, payload.length);
                seq = isn[dir] + 1 + delta;
            } else {
                seq = next[dir];
            }
            if ((flags & Packets.SYN) == 0 && seq == next[dir]) next[dir] += payload.length;
            byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(ips[dir], ips[1 - dir],
                    Packets.PROTO_TCP, Packets.tcp(ports[dir], ports[1 - dir], seq, next[1 - dir], flags, payload)));
            ts += 1000;
            engine.onPacket(ts, 1, ByteBuffer.wrap(frame).asReadOnlyBuffer(), 0, frame.length, frame.length);
        }
        engine.endInput();
        checkStats(engine.stats());
        if (engine.stats().malformedPackets != 0) throw new AssertionError("well-formed frames counted malformed");
    }

    private static void checkStats(CaptureStats s) {
        if (s.tlsConnections > s.tcpPackets + s.udpPackets) {
            throw new AssertionError(s.tlsConnections + " TLS connections from " + s.packets + " packets");
        }
        if (s.peakFlows > Fuzzing.smallLimits().maxFlows) throw new AssertionError("peak flows " + s.peakFlows);
    }
}
