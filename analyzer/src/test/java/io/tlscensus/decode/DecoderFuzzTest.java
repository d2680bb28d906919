package io.tlscensus.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlscensus.capture.LinkType;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.testing.Fuzzing;

import java.nio.ByteBuffer;

/**
 * Fuzz target for the link/IP/TCP/UDP decoder and its tunnels (MPLS, PPPoE, GRE/ERSPAN, VXLAN,
 * Geneve, IP-in-IP): the first byte picks the link type, the rest is the frame, placed at an odd
 * offset of a buffer that ends where the frame ends. What it reports must lie inside the frame;
 * the frame then goes through an engine (flows, fragments, TLS/DTLS/QUIC detection).
 */
class DecoderFuzzTest {
    static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.RAW, LinkType.LINUX_SLL, LinkType.LINUX_SLL2,
        LinkType.NULL, LinkType.LOOP, LinkType.PPP, LinkType.PPP_HDLC, LinkType.IPV4, LinkType.IPV6, LinkType.DLT_RAW_BSD, 147};

    private final PacketDecoder decoder = new PacketDecoder();

    @FuzzTest(maxDuration = "10s")
    void decodePacket(byte[] data) {
        if (data.length == 0) return;
        int linkType = LINK_TYPES[(data[0] & 0xff) % LINK_TYPES.length];
        int at = 7;
        int len = data.length - 1;
        byte[] frame = java.util.Arrays.copyOfRange(data, 1, data.length);
        ByteBuffer b = Fuzzing.exact(frame, at);
        int result = decoder.decode(linkType, b, at, len);
        check(result, at, len);
        CensusEngine engine = Fuzzing.checkingEngine(Fuzzing.smallLimits());
        engine.beginInput("fuzz");
        engine.onPacket(1_000_000L, linkType, b, at, len, len);
        engine.endInput();
        long counted = engine.stats().tcpPackets + engine.stats().udpPackets + engine.stats().otherIpPackets
                + engine.stats().nonIpPackets + engine.stats().unsupportedLinkPackets + engine.stats().fragments
                + engine.stats().malformedPackets;
        // A lone fragment that is a whole datagram is counted as a fragment and again as what it carries.
        if (counted - engine.stats().fragmentsReassembled != 1) {
            throw new AssertionError("one packet counted " + counted + " times");
        }
    }

    private void check(int result, int at, int len) {
        if (result < PacketDecoder.TCP || result > PacketDecoder.MALFORMED) throw new AssertionError("result " + result);
        if (result == PacketDecoder.TCP || result == PacketDecoder.UDP || result == PacketDecoder.FRAGMENT) {
            // An empty payload may be placed past a frame cut short (the TCP header's data offset
            // points beyond it): nothing is read there, and the segment counts as truncated.
            if (decoder.payloadLength < 0 || decoder.payloadOffset < at
                    || (decoder.payloadLength > 0 && decoder.payloadOffset + decoder.payloadLength > at + len)) {
                throw new AssertionError("payload [" + decoder.payloadOffset + ", +" + decoder.payloadLength
                        + ") outside the frame [" + at + ", +" + len + ")");
            }
        }
        if (decoder.tunnelDepth > 9) throw new AssertionError("tunnel depth " + decoder.tunnelDepth);
    }
}
