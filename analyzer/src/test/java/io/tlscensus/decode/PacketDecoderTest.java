package io.tlscensus.decode;

import io.tlscensus.capture.LinkType;
import io.tlscensus.testing.Packets;
import io.tlscensus.testing.Packets.Ipv4;
import io.tlscensus.testing.Packets.Ipv6;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.tlscensus.testing.Packets.ACK;
import static io.tlscensus.testing.Packets.ETHERTYPE_IPV4;
import static io.tlscensus.testing.Packets.ETHERTYPE_IPV6;
import static io.tlscensus.testing.Packets.PROTO_TCP;
import static io.tlscensus.testing.Packets.PSH;
import static io.tlscensus.testing.Packets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketDecoderTest {
    /** Frames sit at this offset in a junk-filled buffer: the decoder must use absolute offsets. */
    private static final int BASE = 37;

    private static final byte[] CLIENT4 = Packets.v4(10, 0, 0, 1);
    private static final byte[] SERVER4 = Packets.v4(192, 0, 2, 80);
    private static final byte[] CLIENT6 = Packets.v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    private static final byte[] SERVER6 = Packets.v6(0x2001, 0xdb8, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf);
    private static final byte[] PAYLOAD = {1, 2, 3, 4, 5, 6, 7};

    private final PacketDecoder d = new PacketDecoder();

    private static byte[] tcp() {
        // sequence number above 2^31 so a sign mistake shows
        return Packets.tcp(51000, 443, 0xfffffff0, 0x01020304, ACK | PSH, PAYLOAD);
    }

    private static byte[] tcp4() {
        return Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, tcp());
    }

    private static byte[] tcp6() {
        return Packets.ipv6(CLIENT6, SERVER6, PROTO_TCP, tcp());
    }

    private int decode(int linkType, byte[] frame) {
        return d.decode(linkType, Packets.inBuffer(frame, BASE), BASE, frame.length);
    }

    private void assertTcp4(int result, int linkHeaderLength) {
        assertEquals(PacketDecoder.TCP, result);
        assertEquals(4, d.ipVersion);
        assertEquals(0, d.srcHi);
        assertEquals(0x0000_ffff_0a00_0001L, d.srcLo, "IPv4 kept IPv4-mapped");
        assertEquals(0, d.dstHi);
        assertEquals(0x0000_ffff_c000_0250L, d.dstLo);
        assertTcpFields(BASE + linkHeaderLength + 20 + 20);
    }

    private void assertTcp6(int result, int linkHeaderLength, int extensionLength) {
        assertEquals(PacketDecoder.TCP, result);
        assertEquals(6, d.ipVersion);
        assertEquals(0x2001_0db8_0000_0000L, d.srcHi);
        assertEquals(1L, d.srcLo);
        assertEquals(0x2001_0db8_000a_000bL, d.dstHi);
        assertEquals(0x000c_000d_000e_000fL, d.dstLo);
        assertTcpFields(BASE + linkHeaderLength + 40 + extensionLength + 20);
    }

    private void assertTcpFields(int payloadOffset) {
        assertEquals(PROTO_TCP, d.protocol);
        assertEquals(51000, d.srcPort);
        assertEquals(443, d.dstPort);
        assertEquals(0xfffffff0, d.seq);
        assertEquals(0x01020304, d.ack);
        assertEquals(ACK | PSH, d.tcpFlags);
        assertEquals(payloadOffset, d.payloadOffset);
        assertEquals(PAYLOAD.length, d.payloadLength);
        assertFalse(d.payloadTruncated);
    }

    // ---------------------------------------------------------------- link types

    @Test
    void ethernetCarriesIpv4AndIpv6() {
        assertTcp4(decode(LinkType.ETHERNET, Packets.ethernet(ETHERTYPE_IPV4, tcp4())), 14);
        assertEquals(-1, d.vlanId);
        assertTcp6(decode(LinkType.ETHERNET, Packets.ethernet(ETHERTYPE_IPV6, tcp6())), 14, 0);
        assertEquals(-1, d.vlanId);
    }

    @Test
    void singleVlanTagGivesItsIdWithoutPriorityBits() {
        byte[] frame = Packets.ethernetTagged(new int[][] {{0x8100, 100}}, ETHERTYPE_IPV4, tcp4());
        assertTcp4(decode(LinkType.ETHERNET, frame), 18);
        assertEquals(100, d.vlanId);
    }

    @Test
    void stackedQinQKeepsTheOuterVlanId() {
        byte[] frame = Packets.ethernetTagged(new int[][] {{0x88a8, 300}, {0x8100, 42}}, ETHERTYPE_IPV6, tcp6());
        assertTcp6(decode(LinkType.ETHERNET, frame), 22, 0);
        assertEquals(300, d.vlanId);
    }

    @Test
    void oldQinQTagTypeIsAlsoFollowed() {
        byte[] frame = Packets.ethernetTagged(new int[][] {{0x9100, 7}, {0x8100, 8}}, ETHERTYPE_IPV4, tcp4());
        assertTcp4(decode(LinkType.ETHERNET, frame), 22);
        assertEquals(7, d.vlanId);
    }

    @Test
    void vlanIdIsResetForTheNextUntaggedPacket() {
        decode(LinkType.ETHERNET, Packets.ethernetTagged(new int[][] {{0x8100, 5}}, ETHERTYPE_IPV4, tcp4()));
        assertEquals(5, d.vlanId);
        decode(LinkType.ETHERNET, Packets.ethernet(ETHERTYPE_IPV4, tcp4()));
        assertEquals(-1, d.vlanId, "one decoder is reused for every packet");
    }

    @Test
    void tooManyVlanTagsAreMalformed() {
        int[][] tags = new int[9][];
        for (int i = 0; i < tags.length; i++) tags[i] = new int[] {0x8100, i + 1};
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.ethernetTagged(tags, ETHERTYPE_IPV4, tcp4())));
    }

    @Test
    void linuxCookedV1AndV2() {
        assertTcp4(decode(LinkType.LINUX_SLL, Packets.sll(ETHERTYPE_IPV4, tcp4())), 16);
        assertTcp6(decode(LinkType.LINUX_SLL, Packets.sll(ETHERTYPE_IPV6, tcp6())), 16, 0);
        assertTcp4(decode(LinkType.LINUX_SLL2, Packets.sll2(ETHERTYPE_IPV4, tcp4())), 20);
        assertTcp6(decode(LinkType.LINUX_SLL2, Packets.sll2(ETHERTYPE_IPV6, tcp6())), 20, 0);
    }

    @Test
    void bsdNullLoopbackInBothByteOrders() {
        // NULL writes the family in the capturing host's order, which may be either
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            assertTcp4(decode(LinkType.NULL, Packets.loopback(2, order, tcp4())), 4);
            // IPv6 family differs per BSD: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30
            for (int family : new int[] {10, 24, 28, 30}) {
                assertTcp6(decode(LinkType.NULL, Packets.loopback(family, order, tcp6())), 4, 0);
            }
        }
    }

    @Test
    void openBsdLoopIsNetworkOrder() {
        assertTcp4(decode(LinkType.LOOP, Packets.loopback(2, ByteOrder.BIG_ENDIAN, tcp4())), 4);
        assertTcp6(decode(LinkType.LOOP, Packets.loopback(24, ByteOrder.BIG_ENDIAN, tcp6())), 4, 0);
    }

    @Test
    void loopbackWithUnknownFamilyIsNotIp() {
        assertEquals(PacketDecoder.NOT_IP, decode(LinkType.NULL, Packets.loopback(7, ByteOrder.LITTLE_ENDIAN, tcp4())));
    }

    @ParameterizedTest
    @ValueSource(ints = {LinkType.RAW, LinkType.DLT_RAW_BSD, LinkType.DLT_RAW_14, LinkType.IPV4, LinkType.IPV6})
    void rawLinkTypesDispatchOnTheIpVersionNibble(int linkType) {
        assertTcp4(decode(linkType, tcp4()), 0);
        assertTcp6(decode(linkType, tcp6()), 0, 0);
    }

    @Test
    void rawWithNeitherVersionIsMalformed() {
        byte[] frame = tcp4();
        frame[0] = 0x55;
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, frame));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, new byte[0]));
    }

    @Test
    void arpIsNotIp() {
        assertEquals(PacketDecoder.NOT_IP, decode(LinkType.ETHERNET, Packets.ethernet(0x0806, new byte[28])));
        assertEquals(PacketDecoder.NOT_IP, decode(LinkType.LINUX_SLL, Packets.sll(0x0806, new byte[28])));
    }

    @Test
    void unknownLinkTypeIsUnsupported() {
        assertEquals(PacketDecoder.UNSUPPORTED_LINK, decode(127, Packets.ethernet(ETHERTYPE_IPV4, tcp4())));
        assertEquals(PacketDecoder.UNSUPPORTED_LINK, decode(147, tcp4()));
    }

    // ---------------------------------------------------------------- IPv4

    @Test
    void ipv4OptionsMoveTheTransportHeader() {
        // 4 bytes of options (IHL 6) and the maximum 40 bytes (IHL 15)
        byte[] small = new Ipv4(CLIENT4, SERVER4).options(new byte[] {1, 1, 1, 0}).build(PROTO_TCP, tcp());
        assertTcp4(decode(LinkType.RAW, small), 4); // options count like bytes before the IP header
        byte[] large = new Ipv4(CLIENT4, SERVER4).options(new byte[40]).build(PROTO_TCP, tcp());
        assertTcp4(decode(LinkType.RAW, large), 40);
    }

    @Test
    void ethernetPaddingBeyondIpTotalLengthIsNotPayload() {
        // A bare ACK is 54 bytes; Ethernet pads it to 60 (plus trailers): those bytes are not TCP data.
        byte[] ack = Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, Packets.tcp(51000, 443, 1, 1, ACK, new byte[0]));
        assertEquals(PacketDecoder.TCP, decode(LinkType.ETHERNET, Packets.pad(Packets.ethernet(ETHERTYPE_IPV4, ack), 6)));
        assertEquals(0, d.payloadLength);
        assertFalse(d.payloadTruncated);

        byte[] two = Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, Packets.tcp(51000, 443, 1, 1, ACK, new byte[] {9, 9}));
        assertEquals(PacketDecoder.TCP, decode(LinkType.ETHERNET, Packets.pad(Packets.ethernet(ETHERTYPE_IPV4, two), 4)));
        assertEquals(2, d.payloadLength);
        assertFalse(d.payloadTruncated);
    }

    @Test
    void ipv6PaddingBeyondPayloadLengthIsNotPayload() {
        assertEquals(PacketDecoder.TCP, decode(LinkType.ETHERNET, Packets.pad(Packets.ethernet(ETHERTYPE_IPV6, tcp6()), 9)));
        assertEquals(PAYLOAD.length, d.payloadLength);
        assertFalse(d.payloadTruncated);
    }

    @Test
    void ipv4FragmentsAreSkipped() {
        byte[] first = new Ipv4(CLIENT4, SERVER4).fragment(true, 0).build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.FRAGMENT, decode(LinkType.RAW, first));
        byte[] later = new Ipv4(CLIENT4, SERVER4).fragment(false, 185).build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.FRAGMENT, decode(LinkType.RAW, later));
        byte[] middle = new Ipv4(CLIENT4, SERVER4).fragment(true, 1).build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.FRAGMENT, decode(LinkType.RAW, middle));
    }

    @Test
    void dontFragmentFlagAloneIsNotAFragment() {
        // the builder sets DF by default; a cleared DF is also a whole datagram
        assertTcp4(decode(LinkType.RAW, tcp4()), 0);
        byte[] noDf = new Ipv4(CLIENT4, SERVER4).fragment(false, 0).build(PROTO_TCP, tcp());
        assertTcp4(decode(LinkType.RAW, noDf), 0);
    }

    @Test
    void icmpAndUnknownProtocolsAreOtherIp() {
        assertEquals(PacketDecoder.OTHER_IP, decode(LinkType.RAW, Packets.ipv4(CLIENT4, SERVER4, 1, new byte[8])));
        assertEquals(PacketDecoder.OTHER_IP, decode(LinkType.RAW, Packets.ipv4(CLIENT4, SERVER4, 50, new byte[8])));
        assertEquals(PacketDecoder.OTHER_IP, decode(LinkType.RAW, Packets.ipv6(CLIENT6, SERVER6, 58, new byte[8])));
    }

    @Test
    void udpGivesPortsAndPayload() {
        byte[] frame = Packets.ethernet(ETHERTYPE_IPV4, Packets.ipv4(CLIENT4, SERVER4, 17, Packets.udp(5353, 53, PAYLOAD)));
        assertEquals(PacketDecoder.UDP, decode(LinkType.ETHERNET, frame));
        assertEquals(5353, d.srcPort);
        assertEquals(53, d.dstPort);
        assertEquals(BASE + 14 + 20 + 8, d.payloadOffset);
        assertEquals(PAYLOAD.length, d.payloadLength);
    }

    // ---------------------------------------------------------------- IPv6 extension headers

    @Test
    void ipv6ExtensionHeaderChainIsWalked() {
        byte[] packet = new Ipv6(CLIENT6, SERVER6)
                .options(0, 0)    // hop-by-hop, 8 bytes
                .options(43, 1)   // routing, 16 bytes
                .options(60, 2)   // destination options, 24 bytes
                .build(PROTO_TCP, tcp());
        assertTcp6(decode(LinkType.RAW, packet), 0, 8 + 16 + 24);
    }

    @Test
    void ipv6AuthenticationHeaderUsesFourByteUnits() {
        byte[] packet = new Ipv6(CLIENT6, SERVER6).authentication(4).build(PROTO_TCP, tcp());
        assertTcp6(decode(LinkType.RAW, packet), 0, 24);
    }

    @Test
    void ipv6AtomicFragmentIsDecodedButRealFragmentsAreNot() {
        byte[] atomic = new Ipv6(CLIENT6, SERVER6).fragment(0, false, 77).build(PROTO_TCP, tcp());
        assertTcp6(decode(LinkType.RAW, atomic), 0, 8);

        byte[] first = new Ipv6(CLIENT6, SERVER6).fragment(0, true, 77).build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.FRAGMENT, decode(LinkType.RAW, first));
        byte[] last = new Ipv6(CLIENT6, SERVER6).fragment(100, false, 77).build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.FRAGMENT, decode(LinkType.RAW, last));
        byte[] afterOptions = new Ipv6(CLIENT6, SERVER6).options(0, 0).fragment(3, true, 77).build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.FRAGMENT, decode(LinkType.RAW, afterOptions));
    }

    @Test
    void endlessIpv6ExtensionChainIsMalformed() {
        Ipv6 packet = new Ipv6(CLIENT6, SERVER6);
        for (int i = 0; i < 17; i++) packet.options(60, 0);
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, packet.build(PROTO_TCP, tcp())));
    }

    // ---------------------------------------------------------------- truncation and lies

    @Test
    void truncatedHeadersAreMalformed() {
        byte[] eth4 = Packets.ethernet(ETHERTYPE_IPV4, tcp4());
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.truncate(eth4, 13)), "ethertype cut");
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.truncate(eth4, 14 + 19)), "IPv4 cut");
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.truncate(eth4, 14 + 20 + 19)), "TCP cut");
        byte[] eth6 = Packets.ethernet(ETHERTYPE_IPV6, tcp6());
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.truncate(eth6, 14 + 39)), "IPv6 cut");
        byte[] tagged = Packets.ethernetTagged(new int[][] {{0x8100, 1}}, ETHERTYPE_IPV4, tcp4());
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.truncate(tagged, 17)), "VLAN tag cut");
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.LINUX_SLL, new byte[15]));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.LINUX_SLL2, new byte[19]));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.NULL, new byte[3]));
        byte[] withHopByHop = new Ipv6(CLIENT6, SERVER6).options(0, 1).build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, Packets.truncate(withHopByHop, 40 + 7)),
                "extension header cut");
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, Packets.truncate(withHopByHop, 40 + 16 + 10)),
                "TCP after extension header cut");
    }

    @Test
    void headerFieldsThatContradictThemselvesAreMalformed() {
        byte[] badIhl = tcp4();
        badIhl[0] = 0x44; // header length 16 < 20
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, badIhl));

        byte[] shortTotal = new Ipv4(CLIENT4, SERVER4).totalLengthDelta(-(20 + 20 + PAYLOAD.length) + 10)
                .build(PROTO_TCP, tcp());
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, shortTotal), "total length below header length");

        byte[] tcpSegment = tcp();
        tcpSegment[12] = 0x40; // data offset 16 < 20
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, tcpSegment)));

        byte[] hugeOffset = tcp();
        hugeOffset[12] = (byte) 0xf0; // 60-byte header in a 27-byte segment
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.RAW, Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, hugeOffset)));

        byte[] v6InV4 = tcp6();
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.ethernet(ETHERTYPE_IPV4, v6InV4)));
        assertEquals(PacketDecoder.MALFORMED, decode(LinkType.ETHERNET, Packets.ethernet(ETHERTYPE_IPV6, tcp4())));
    }

    @Test
    void snaplenCutPayloadIsFlaggedTruncated() {
        byte[] payload = new byte[1000];
        byte[] packet = Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, Packets.tcp(1, 443, 5, 0, ACK, payload));
        byte[] frame = Packets.ethernet(ETHERTYPE_IPV4, packet);
        int snaplen = 14 + 20 + 20 + 300;
        assertEquals(PacketDecoder.TCP, decode(LinkType.ETHERNET, Packets.truncate(frame, snaplen)));
        assertEquals(300, d.payloadLength, "only the captured bytes are payload");
        assertTrue(d.payloadTruncated);

        byte[] packet6 = Packets.ipv6(CLIENT6, SERVER6, PROTO_TCP, Packets.tcp(1, 443, 5, 0, ACK, payload));
        assertEquals(PacketDecoder.TCP, decode(LinkType.RAW, Packets.truncate(packet6, 40 + 20 + 1)));
        assertEquals(1, d.payloadLength);
        assertTrue(d.payloadTruncated);
    }

    @Test
    void snaplenCutInsideTcpOptionsIsTruncatedNotMalformed() {
        byte[] segment = Packets.tcp(1, 443, 5, 0, SYN, new byte[] {2, 4, 5, (byte) 0xb4, 1, 1, 4, 2}, new byte[0]);
        byte[] packet = Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, segment);
        assertEquals(PacketDecoder.TCP, decode(LinkType.RAW, Packets.truncate(packet, 20 + 22)));
        assertEquals(0, d.payloadLength);
        assertTrue(d.payloadTruncated);
        assertEquals(SYN, d.tcpFlags);
    }

    @Test
    void tcpOptionsMoveThePayload() {
        byte[] segment = Packets.tcp(1, 443, 5, 0, ACK, new byte[12], PAYLOAD);
        byte[] packet = Packets.ipv4(CLIENT4, SERVER4, PROTO_TCP, segment);
        assertEquals(PacketDecoder.TCP, decode(LinkType.RAW, packet));
        assertEquals(BASE + 20 + 32, d.payloadOffset);
        assertEquals(PAYLOAD.length, d.payloadLength);
        ByteBuffer buffer = Packets.inBuffer(packet, BASE);
        d.decode(LinkType.RAW, buffer, BASE, packet.length);
        assertEquals(PAYLOAD[0], buffer.get(d.payloadOffset));
        assertEquals(PAYLOAD[PAYLOAD.length - 1], buffer.get(d.payloadOffset + d.payloadLength - 1));
    }
}
