package io.tlscensus.decode;

import io.tlscensus.capture.LinkType;
import io.tlscensus.testing.Packets;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The decoder reads heap buffers' arrays in place and copies a direct buffer's packet (its first
 * 256 bytes, all of it when a header lies deeper): every kind of buffer must decode alike, also
 * when the headers end past the copied start.
 */
class BufferKindsTest {
    private static final byte[] A = Packets.v4(10, 0, 0, 1);
    private static final byte[] B = Packets.v4(10, 0, 0, 2);
    private static final byte[] A6 = Packets.v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    private static final byte[] B6 = Packets.v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);

    private static byte[] tcp(int payloadBytes) {
        return Packets.tcp(40000, 443, 1000, 2000, Packets.ACK, new byte[payloadBytes]);
    }

    private static Map<String, byte[]> frames() {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("ipv4", Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(A, B, Packets.PROTO_TCP, tcp(600))));
        f.put("ipv6", Packets.ethernet(Packets.ETHERTYPE_IPV6, Packets.ipv6(A6, B6, Packets.PROTO_TCP, tcp(10))));
        // Extension headers of 2 x 400 bytes: the TCP header starts ~850 bytes in, past the copied start.
        f.put("ipv6 deep headers", Packets.ethernet(Packets.ETHERTYPE_IPV6, new Packets.Ipv6(A6, B6)
                .options(0, 49).options(60, 49).build(Packets.PROTO_TCP, tcp(100))));
        byte[] nested = Packets.ipv6(A6, B6, Packets.PROTO_TCP, tcp(50));
        for (int i = 0; i < 7; i++) nested = Packets.ipv6(B6, A6, 41, nested);
        f.put("ipv6 in ipv6, 7 deep", Packets.ethernet(Packets.ETHERTYPE_IPV6, nested));
        byte[] endless = Packets.ipv6(A6, B6, Packets.PROTO_TCP, tcp(50));
        for (int i = 0; i < 12; i++) endless = Packets.ipv6(B6, A6, 41, endless);
        f.put("nesting past the limit", Packets.ethernet(Packets.ETHERTYPE_IPV6, endless));
        f.put("deep header cut by the snaplen", Packets.truncate(f.get("ipv6 deep headers"), 500));
        f.put("vlan", Packets.ethernetTagged(new int[][] {{0x8100, 7}}, Packets.ETHERTYPE_IPV4,
                Packets.ipv4(A, B, Packets.PROTO_UDP, Packets.udp(5353, 53, new byte[30]))));
        return f;
    }

    private static String fields(PacketDecoder d, int result, int base) {
        return result + " v" + d.ipVersion + " " + d.srcHi + "/" + d.srcLo + " " + d.dstHi + "/" + d.dstLo
                + " vlan " + d.vlanId + " tunnel " + d.tunnelId + "/" + d.tunnelDepth + " proto " + d.protocol
                + " ports " + d.srcPort + ">" + d.dstPort + " seq " + d.seq + " ack " + d.ack + " flags " + d.tcpFlags
                + " payload " + (d.payloadOffset - base) + "+" + d.payloadLength + " cut " + d.payloadTruncated;
    }

    @Test
    void heapSliceAndDirectBuffersDecodeAlike() {
        PacketDecoder d = new PacketDecoder();
        for (Map.Entry<String, byte[]> e : frames().entrySet()) {
            byte[] frame = e.getValue();
            int at = 5;
            ByteBuffer heap = Packets.inBuffer(frame, at);
            String expected = fields(d, d.decode(LinkType.ETHERNET, heap, at, frame.length), at);

            ByteBuffer slice = ByteBuffer.wrap(Packets.inBuffer(frame, at + 3).array(), 3, frame.length + at + 16).slice();
            assertEquals(expected, fields(d, d.decode(LinkType.ETHERNET, slice, at, frame.length), at), e.getKey() + ", heap slice");

            ByteBuffer direct = ByteBuffer.allocateDirect(at + frame.length);
            direct.put(at, frame);
            assertEquals(expected, fields(d, d.decode(LinkType.ETHERNET, direct, at, frame.length), at), e.getKey() + ", direct");
            // A shallow packet after a deep one: the copy starts over from the packet's first bytes.
            byte[] small = frames().get("ipv4");
            ByteBuffer next = ByteBuffer.allocateDirect(small.length);
            next.put(0, small);
            String plain = fields(d, d.decode(LinkType.ETHERNET, Packets.inBuffer(small, 0), 0, small.length), 0);
            assertEquals(plain, fields(d, d.decode(LinkType.ETHERNET, next, 0, small.length), 0), "after " + e.getKey());
        }
    }

    @Test
    void deepHeadersAreReallyPastTheCopiedStart() {
        PacketDecoder d = new PacketDecoder();
        byte[] frame = frames().get("ipv6 deep headers");
        ByteBuffer direct = ByteBuffer.allocateDirect(frame.length);
        direct.put(0, frame);
        assertEquals(PacketDecoder.TCP, d.decode(LinkType.ETHERNET, direct, 0, frame.length));
        assertEquals(true, d.payloadOffset > 256, "payload at " + d.payloadOffset);
        assertEquals(100, d.payloadLength);
    }
}
