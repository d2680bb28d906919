package io.tlscensus.decode;

import io.tlscensus.capture.LinkType;
import io.tlscensus.testing.Packets;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Encapsulations a span port or a cloud mirror delivers: the decoder must reach the inner
 * 5-tuple and keep the outer tunnel id.
 */
class TunnelDecodingTest {
    private static final byte[] OUTER_A = Packets.v4(192, 0, 2, 1);
    private static final byte[] OUTER_B = Packets.v4(192, 0, 2, 2);
    private static final byte[] INNER_CLIENT = Packets.v4(10, 1, 1, 1);
    private static final byte[] INNER_SERVER = Packets.v4(10, 2, 2, 2);

    private final PacketDecoder d = new PacketDecoder();

    private static byte[] innerTcp() {
        return Packets.ipv4(INNER_CLIENT, INNER_SERVER, Packets.PROTO_TCP,
                Packets.tcp(40000, 443, 1000, 0, Packets.SYN, new byte[0]));
    }

    private static byte[] innerEthernet() {
        return Packets.ethernet(Packets.ETHERTYPE_IPV4, innerTcp());
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    private static byte[] gre(int flags, int type, byte[]... fields) {
        return concat(ByteBuffer.allocate(4).putShort((short) flags).putShort((short) type).array(), concat(fields));
    }

    private static byte[] u32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    private int decodeEthernet(byte[] frame) {
        return d.decode(LinkType.ETHERNET, Packets.inBuffer(frame, 3), 3, frame.length);
    }

    private void assertInner(int result, long tunnelId, int depth) {
        assertEquals(PacketDecoder.TCP, result);
        assertEquals(0xffff0a010101L, d.srcLo);
        assertEquals(0xffff0a020202L, d.dstLo);
        assertEquals(40000, d.srcPort);
        assertEquals(443, d.dstPort);
        assertEquals(tunnelId, d.tunnelId);
        assertEquals(depth, d.tunnelDepth);
    }

    @Test
    void greWithKeyCarryingIpv4() {
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4,
                Packets.ipv4(OUTER_A, OUTER_B, 47, gre(0x2000, 0x0800, u32(77), innerTcp())));
        assertInner(decodeEthernet(frame), 77, 1);
    }

    @Test
    void greWithChecksumKeyAndSequenceCarryingEthernet() {
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(OUTER_A, OUTER_B, 47,
                gre(0xb000, 0x6558, u32(0), u32(5), u32(9), innerEthernet())));
        assertInner(decodeEthernet(frame), 5, 1);
    }

    @Test
    void erspanTypeTwoAndThreeGiveTheSessionId() {
        byte[] erspan2 = ByteBuffer.allocate(8).putShort((short) 0x1000).putShort((short) 0x0123).putInt(0).array();
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(OUTER_A, OUTER_B, 47,
                gre(0x1000, 0x88be, u32(1), erspan2, innerEthernet())));
        assertInner(decodeEthernet(frame), 0x123, 1);

        byte[] erspan3 = ByteBuffer.allocate(12).putShort((short) 0x2000).putShort((short) 0x0042).putInt(0)
                .putInt(0).array();
        frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(OUTER_A, OUTER_B, 47,
                gre(0x1000, 0x22eb, u32(1), erspan3, innerEthernet())));
        assertInner(decodeEthernet(frame), 0x42, 1);

        // Type I: no sequence number, no ERSPAN header, Ethernet right after GRE.
        frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(OUTER_A, OUTER_B, 47,
                gre(0x0000, 0x88be, innerEthernet())));
        assertInner(decodeEthernet(frame), -1, 1);
    }

    @Test
    void vxlanOnBothPortsAndGeneveGiveTheVni() {
        for (int port : new int[] {4789, 8472}) {
            byte[] vxlan = concat(new byte[] {0x08, 0, 0, 0}, u32(0x00abcd00L), innerEthernet());
            byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4,
                    Packets.ipv4(OUTER_A, OUTER_B, Packets.PROTO_UDP, Packets.udp(5555, port, vxlan)));
            assertInner(decodeEthernet(frame), 0xabcd, 1);
        }
        byte[] option = new byte[8]; // one 8-byte Geneve option
        byte[] geneve = concat(new byte[] {0x02, 0, 0x65, 0x58}, u32(0x00001200L), option, innerEthernet());
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4,
                Packets.ipv4(OUTER_A, OUTER_B, Packets.PROTO_UDP, Packets.udp(5555, 6081, geneve)));
        assertInner(decodeEthernet(frame), 0x12, 1);
    }

    @Test
    void udpToTheVxlanPortThatIsNotVxlanStaysUdp() {
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4,
                Packets.ipv4(OUTER_A, OUTER_B, Packets.PROTO_UDP, Packets.udp(5555, 4789, new byte[40])));
        assertEquals(PacketDecoder.UDP, decodeEthernet(frame));
        assertEquals(-1, d.tunnelId);
    }

    @Test
    void ipInIpAndIpv6InIpv4() {
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(OUTER_A, OUTER_B, 4, innerTcp()));
        assertInner(decodeEthernet(frame), -1, 1);
        byte[] inner6 = Packets.ipv6(Packets.v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), Packets.v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2),
                Packets.PROTO_TCP, Packets.tcp(40000, 443, 1, 0, Packets.SYN, new byte[0]));
        frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(OUTER_A, OUTER_B, 41, inner6));
        assertEquals(PacketDecoder.TCP, decodeEthernet(frame));
        assertEquals(6, d.ipVersion);
        assertEquals(0x20010db800000000L, d.srcHi);
        assertEquals(1, d.srcLo);
    }

    @Test
    void mplsLabelStackThenIpv4() {
        byte[] labels = ByteBuffer.allocate(8).putInt(100 << 12 | 64).putInt(200 << 12 | 0x100 | 64).array();
        byte[] frame = Packets.ethernet(0x8847, concat(labels, innerTcp()));
        assertInner(decodeEthernet(frame), -1, 1);
    }

    @Test
    void pppoeSession() {
        byte[] pppoe = ByteBuffer.allocate(8).put((byte) 0x11).put((byte) 0).putShort((short) 0x0001)
                .putShort((short) (innerTcp().length + 2)).putShort((short) 0x0021).array();
        byte[] frame = Packets.ethernet(0x8864, concat(pppoe, innerTcp()));
        assertInner(decodeEthernet(frame), -1, 0);
    }

    @Test
    void nestedVxlanInsideGreKeepsTheOutermostIdAndCountsDepth() {
        byte[] vxlan = concat(new byte[] {0x08, 0, 0, 0}, u32(0x00000700L), innerEthernet());
        byte[] middle = Packets.ipv4(Packets.v4(172, 16, 0, 1), Packets.v4(172, 16, 0, 2), Packets.PROTO_UDP,
                Packets.udp(5555, 4789, vxlan));
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4,
                Packets.ipv4(OUTER_A, OUTER_B, 47, gre(0x2000, 0x0800, u32(3), middle)));
        assertInner(decodeEthernet(frame), 3, 2);
    }

    @Test
    void endlessNestingIsMalformedNotAStackOverflow() {
        byte[] packet = innerTcp();
        for (int i = 0; i < 20; i++) packet = Packets.ipv4(OUTER_A, OUTER_B, 4, packet);
        byte[] frame = Packets.ethernet(Packets.ETHERTYPE_IPV4, packet);
        assertEquals(PacketDecoder.MALFORMED, decodeEthernet(frame));
    }
}
