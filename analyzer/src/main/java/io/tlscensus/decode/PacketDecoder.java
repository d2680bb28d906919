package io.tlscensus.decode;

import io.tlscensus.capture.Bytes;
import io.tlscensus.capture.LinkType;

import java.nio.ByteBuffer;

/**
 * Decodes link, network and transport headers of one packet in place, like gopacket's
 * DecodingLayerParser: one instance is reused for every packet, its public fields describe the
 * last packet decoded, and nothing is allocated. Addresses are kept as two longs each, IPv4 as an
 * IPv4-mapped IPv6 address, so that one flow key serves both families.
 */
public final class PacketDecoder {
    /** What {@link #decode} found. */
    public static final int TCP = 0;
    public static final int UDP = 1;
    /** IP packet of another protocol (ICMP, ESP, ...): not TLS, not damage. */
    public static final int OTHER_IP = 2;
    /** Frame that carries no IP (ARP, LLDP, ...): not damage. */
    public static final int NOT_IP = 3;
    /** Link type this decoder does not know. */
    public static final int UNSUPPORTED_LINK = 4;
    /** Non-first IP fragment or fragmented datagram: skipped until fragments are reassembled. */
    public static final int FRAGMENT = 5;
    /** Headers that contradict themselves or the captured length. */
    public static final int MALFORMED = 6;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;
    private static final int ETHERTYPE_MPLS = 0x8847;
    private static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    private static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
    private static final int ETHERTYPE_TEB = 0x6558;      // transparent Ethernet bridging (GRE, Geneve)
    private static final int ETHERTYPE_ERSPAN_2 = 0x88be; // ERSPAN type I (no header) and II
    private static final int ETHERTYPE_ERSPAN_3 = 0x22eb;
    private static final int MAX_VLAN_TAGS = 8;
    private static final int MAX_MPLS_LABELS = 16;
    /** Encapsulations deeper than this are not real traffic: count them as malformed. */
    private static final int MAX_TUNNEL_DEPTH = 8;
    private static final int VXLAN_PORT = 4789;
    private static final int VXLAN_LINUX_PORT = 8472;
    private static final int GENEVE_PORT = 6081;
    private static final long IPV4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** Outermost 802.1Q/802.1ad VLAN id, or -1 when untagged. */
    public int vlanId;
    /** Outermost tunnel id (GRE key, ERSPAN session, VXLAN/Geneve VNI), or -1 when none. */
    public long tunnelId;
    /** Encapsulations stepped through (VLAN tags not counted). */
    public int tunnelDepth;
    /** For {@link #FRAGMENT}: the fragment's datagram id, byte offset, more-fragments flag and payload. */
    public long fragmentId;
    public int fragmentOffset;
    public boolean moreFragments;
    public int protocol;
    public int srcPort;
    public int dstPort;
    /** TCP sequence number of the first payload byte, ack number and flags. */
    public int seq;
    public int ack;
    public int tcpFlags;
    /** Absolute buffer offset of the transport payload and the bytes of it present in the capture. */
    public int payloadOffset;
    public int payloadLength;
    /** True when the snaplen cut the payload short: the missing bytes are a gap in the stream. */
    public boolean payloadTruncated;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    /**
     * The headers are read from a byte array: C1, the JIT that file runs use, compiles array loads
     * inline but calls out for every {@code ByteBuffer} read (~4x the cost per packet, README,
     * Performance). Heap buffers are read in place; a direct buffer (live capture) is copied first,
     * its first {@link #COPIED_HEADER_BYTES} bytes, and the rest only if a header reaches that far.
     */
    private static final int COPIED_HEADER_BYTES = 256;

    /** The array the headers are read from; index {@code p + delta} holds buffer offset {@code p}. */
    private byte[] bytes;
    private int delta;
    /** Buffer offset up to which {@link #bytes} holds the packet (unbounded for heap buffers). */
    private int copiedEnd;
    private ByteBuffer source;
    private int sourceOffset;
    private int sourceLength;
    private byte[] scratch = new byte[COPIED_HEADER_BYTES];
    /** The last heap buffer seen, its array and offset: asking a ByteBuffer is a virtual call under C1. */
    private ByteBuffer heapBuffer;
    private byte[] heapArray;
    private int heapDelta;

    /**
     * Decodes the packet at {@code off} in {@code b}; offsets in the fields ({@link #payloadOffset})
     * are positions in {@code b}. The buffer's position and limit are not used.
     */
    public int decode(int linkType, ByteBuffer b, int off, int len) {
        use(b, off, len);
        vlanId = -1;
        tunnelId = -1;
        tunnelDepth = 0;
        int end = off + len;
        switch (linkType) {
            case LinkType.ETHERNET:
                return ethernet(off, end);
            case LinkType.RAW:
            case LinkType.DLT_RAW_BSD:
            case LinkType.DLT_RAW_14:
            case LinkType.IPV4:
            case LinkType.IPV6:
                return ipByVersion(off, end);
            case LinkType.LINUX_SLL:
                if (len < 16) return MALFORMED;
                return network(u16(off + 14), off + 16, end);
            case LinkType.LINUX_SLL2:
                if (len < 20) return MALFORMED;
                return network(u16(off), off + 20, end);
            case LinkType.NULL:
            case LinkType.LOOP:
                return loopback(off, end);
            case LinkType.PPP:
            case LinkType.PPP_HDLC:
                return ppp(off, end);
            default:
                return UNSUPPORTED_LINK;
        }
    }

    private int ethernet(int off, int end) {
        int p = off + 12;
        if (p + 2 > end) return MALFORMED;
        int type = u16(p);
        int tags = 0;
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            if (p + 6 > end || ++tags > MAX_VLAN_TAGS) return MALFORMED;
            if (vlanId < 0) vlanId = u16(p + 2) & 0x0fff;
            p += 4;
            type = u16(p);
        }
        return network(type, p + 2, end);
    }

    private int loopback(int off, int end) {
        if (off + 4 > end) return MALFORMED;
        // The family is in the writer's byte order (NULL) or network order (LOOP); its values
        // are small, so whichever end byte is non-zero holds it.
        int family = i8(off) != 0 ? u8(off) : u8(off + 3);
        switch (family) {
            case 2:
                return ipv4(off + 4, end);
            case 10: case 23: case 24: case 28: case 30:
                return ipv6(off + 4, end);
            default:
                return NOT_IP;
        }
    }

    private int ppp(int off, int end) {
        int p = off;
        if (p + 2 <= end && u8(p) == 0xff && i8(p + 1) == 0x03) p += 2; // HDLC address, control
        if (p >= end) return MALFORMED;
        int protocol;
        if ((i8(p) & 1) != 0) { // protocol field compressed to one byte (RFC 1661 6.5)
            protocol = u8(p);
            p += 1;
        } else {
            if (p + 2 > end) return MALFORMED;
            protocol = u16(p);
            p += 2;
        }
        if (protocol == 0x21) return ipv4(p, end);
        if (protocol == 0x57) return ipv6(p, end);
        return NOT_IP;
    }

    private int network(int etherType, int off, int end) {
        switch (etherType) {
            case ETHERTYPE_IPV4:
                return ipv4(off, end);
            case ETHERTYPE_IPV6:
                return ipv6(off, end);
            case ETHERTYPE_MPLS:
            case ETHERTYPE_MPLS_MULTICAST:
                return mpls(off, end);
            case ETHERTYPE_PPPOE_SESSION:
                // RFC 2516: version/type, code, session id, length, then the PPP protocol field.
                if (off + 8 > end) return MALFORMED;
                return ppp(off + 6, end);
            default:
                return NOT_IP;
        }
    }

    private boolean deeper() {
        return ++tunnelDepth <= MAX_TUNNEL_DEPTH;
    }

    private void tunnel(long id) {
        if (tunnelId < 0) tunnelId = id;
    }

    /** MPLS label stack, then IPv4/IPv6 by version nibble, or an Ethernet pseudowire after a zero control word. */
    private int mpls(int off, int end) {
        if (!deeper()) return MALFORMED;
        int p = off;
        for (int i = 0; ; i++) {
            if (p + 4 > end || i == MAX_MPLS_LABELS) return MALFORMED;
            int entry = i32(p);
            p += 4;
            if ((entry & 0x100) != 0) break; // bottom of stack
        }
        if (p >= end) return MALFORMED;
        int nibble = (i8(p) & 0xf0) >>> 4;
        if (nibble == 4) return ipv4(p, end);
        if (nibble == 6) return ipv6(p, end);
        if (nibble == 0 && p + 4 + 14 <= end) return ethernet(p + 4, end); // RFC 4448 control word
        return NOT_IP;
    }

    /** GRE (RFC 2784/2890), including ERSPAN types I, II and III behind it. */
    private int gre(int off, int end) {
        if (!deeper()) return MALFORMED;
        if (off + 4 > end) return MALFORMED;
        int flags = u16(off);
        int type = u16(off + 2);
        if ((flags & 0x0007) != 0) return OTHER_IP; // version 1 is PPTP's enhanced GRE: not followed
        int p = off + 4;
        if ((flags & 0x8000) != 0) p += 4; // checksum and reserved
        if ((flags & 0x2000) != 0) {       // key
            if (p + 4 > end) return MALFORMED;
            tunnel(u32(p));
            p += 4;
        }
        boolean sequence = (flags & 0x1000) != 0;
        if (sequence) p += 4;
        if (p > end) return MALFORMED;
        switch (type) {
            case ETHERTYPE_TEB:
                return ethernet(p, end);
            case ETHERTYPE_ERSPAN_2:
                if (!sequence) return ethernet(p, end); // type I: no ERSPAN header
                if (p + 8 > end) return MALFORMED;
                tunnel(u16(p + 2) & 0x3ff);
                return ethernet(p + 8, end);
            case ETHERTYPE_ERSPAN_3:
                if (p + 12 > end) return MALFORMED;
                tunnel(u16(p + 2) & 0x3ff);
                boolean subheader = (i8(p + 11) & 0x01) != 0;
                return ethernet(p + 12 + (subheader ? 8 : 0), end);
            default:
                return network(type, p, end);
        }
    }

    private int ipByVersion(int off, int end) {
        if (off >= end) return MALFORMED;
        int version = (i8(off) & 0xf0) >>> 4;
        if (version == 4) return ipv4(off, end);
        if (version == 6) return ipv6(off, end);
        return MALFORMED;
    }

    private int ipv4(int off, int end) {
        if (off + 20 > end) return MALFORMED;
        int vihl = u8(off);
        int headerLength = (vihl & 0x0f) * 4;
        int totalLength = u16(off + 2);
        if (vihl >>> 4 != 4 || headerLength < 20 || totalLength < headerLength || off + headerLength > end) {
            return MALFORMED;
        }
        ipVersion = 4;
        srcHi = 0;
        srcLo = IPV4_MAPPED_PREFIX | u32(off + 12);
        dstHi = 0;
        dstLo = IPV4_MAPPED_PREFIX | u32(off + 16);
        int fragment = u16(off + 6) & 0x3fff; // MF flag and offset
        protocol = u8(off + 9);
        int ipEnd = off + totalLength;
        if (fragment != 0) {
            fragmentId = ((long) protocol << 16) | u16(off + 4);
            fragmentOffset = (fragment & 0x1fff) * 8;
            moreFragments = (fragment & 0x2000) != 0;
            payload(off + headerLength, ipEnd, Math.min(ipEnd, end), FRAGMENT);
            return payloadTruncated ? MALFORMED : FRAGMENT;
        }
        // Ethernet pads short frames: the IP length, not the frame length, ends the payload.
        return transport(off + headerLength, ipEnd, Math.min(ipEnd, end));
    }

    private int ipv6(int off, int end) {
        if (off + 40 > end) return MALFORMED;
        if ((i8(off) & 0xf0) != 0x60) return MALFORMED;
        ipVersion = 6;
        srcHi = i64(off + 8);
        srcLo = i64(off + 16);
        dstHi = i64(off + 24);
        dstLo = i64(off + 32);
        int payloadLength = u16(off + 4);
        int ipEnd = off + 40 + payloadLength;
        int capturedEnd = Math.min(ipEnd, end);
        int next = u8(off + 6);
        int p = off + 40;
        for (int i = 0; i < 16; i++) {
            switch (next) {
                case 0:   // hop-by-hop options
                case 43:  // routing
                case 60:  // destination options
                    if (p + 8 > capturedEnd) return MALFORMED;
                    next = u8(p);
                    p += 8 + u8(p + 1) * 8;
                    break;
                case 44:  // fragment header (RFC 8200 4.5)
                    if (p + 8 > capturedEnd) return MALFORMED;
                    int offsetAndFlags = u16(p + 2);
                    next = u8(p);
                    if ((offsetAndFlags & 0xfff9) != 0) {
                        protocol = next;
                        fragmentId = u32(p + 4);
                        fragmentOffset = offsetAndFlags & 0xfff8;
                        moreFragments = (offsetAndFlags & 1) != 0;
                        payload(p + 8, ipEnd, capturedEnd, FRAGMENT);
                        return payloadTruncated ? MALFORMED : FRAGMENT;
                    }
                    p += 8;       // an atomic fragment is a whole datagram
                    break;
                case 51:  // authentication header
                    if (p + 8 > capturedEnd) return MALFORMED;
                    next = u8(p);
                    p += (u8(p + 1) + 2) * 4;
                    break;
                default:
                    protocol = next;
                    if (p > capturedEnd) return MALFORMED;
                    return transport(p, ipEnd, capturedEnd);
            }
        }
        return MALFORMED;
    }

    /**
     * Continues after IP fragment reassembly: the datagram's payload, with the addresses and
     * protocol of its fragments (still in the fields), is decoded as if it had come whole.
     */
    public int decodeReassembled(ByteBuffer b, int off, int len) {
        use(b, off, len);
        return transport(off, off + len, off + len);
    }

    private int transport(int off, int ipEnd, int capturedEnd) {
        switch (protocol) {
            case 4:  // IPv4 in IP
                return deeper() ? ipv4(off, capturedEnd) : MALFORMED;
            case 41: // IPv6 in IP
                return deeper() ? ipv6(off, capturedEnd) : MALFORMED;
            case 47:
                return gre(off, capturedEnd);
            default:
                break;
        }
        if (protocol == 6) {
            if (off + 20 > capturedEnd) return MALFORMED;
            int dataOffset = ((i8(off + 12) & 0xf0) >>> 4) * 4;
            if (dataOffset < 20 || off + dataOffset > ipEnd) return MALFORMED;
            srcPort = u16(off);
            dstPort = u16(off + 2);
            seq = i32(off + 4);
            ack = i32(off + 8);
            tcpFlags = u8(off + 13);
            return payload(off + dataOffset, ipEnd, capturedEnd, TCP);
        }
        if (protocol == 17) {
            if (off + 8 > capturedEnd) return MALFORMED;
            srcPort = u16(off);
            dstPort = u16(off + 2);
            seq = 0;
            ack = 0;
            tcpFlags = 0;
            int tunnel = udpTunnel(off + 8, capturedEnd);
            if (tunnel >= 0) return tunnel;
            return payload(off + 8, ipEnd, capturedEnd, UDP);
        }
        return OTHER_IP;
    }

    /** VXLAN (RFC 7348) and Geneve (RFC 8926) by port and a valid header; -1 when neither. */
    private int udpTunnel(int p, int end) {
        if ((dstPort == VXLAN_PORT || dstPort == VXLAN_LINUX_PORT) && p + 8 + 14 <= end
                && u8(p) == 0x08 && i8(p + 7) == 0) {
            if (!deeper()) return MALFORMED;
            tunnel(i32(p + 4) >>> 8);
            return ethernet(p + 8, end);
        }
        if (dstPort == GENEVE_PORT && p + 8 <= end && (i8(p) & 0xc0) == 0) {
            int options = (i8(p) & 0x3f) * 4;
            int type = u16(p + 2);
            if (p + 8 + options > end) return MALFORMED;
            if (!deeper()) return MALFORMED;
            tunnel(i32(p + 4) >>> 8);
            if (type == ETHERTYPE_TEB) return ethernet(p + 8 + options, end);
            return network(type, p + 8 + options, end);
        }
        return -1;
    }

    private int payload(int start, int ipEnd, int capturedEnd, int result) {
        payloadOffset = start;
        payloadLength = Math.max(0, capturedEnd - start);
        payloadTruncated = capturedEnd < ipEnd;
        return result;
    }

    private void use(ByteBuffer b, int off, int len) {
        // Readers hand the same buffer packet after packet: its array is asked for once.
        if (b != heapBuffer && b.hasArray()) {
            heapBuffer = b;
            heapArray = b.array();
            heapDelta = b.arrayOffset();
        }
        if (b == heapBuffer) {
            bytes = heapArray;
            delta = heapDelta;
            copiedEnd = Integer.MAX_VALUE;
            return;
        }
        source = b;
        sourceOffset = off;
        sourceLength = len;
        int n = Math.min(len, COPIED_HEADER_BYTES);
        b.get(off, scratch, 0, n);
        bytes = scratch;
        delta = -off;
        copiedEnd = off + n;
    }

    /** A header reaches past the copied start of a direct buffer's packet: copy all of it. */
    private void copyAll(int upTo) {
        if (copiedEnd >= sourceOffset + sourceLength || upTo > sourceOffset + sourceLength) {
            throw new IndexOutOfBoundsException("header read at " + upTo + " past the packet's end");
        }
        if (scratch.length < sourceLength) scratch = new byte[sourceLength];
        source.get(sourceOffset, scratch, 0, sourceLength);
        bytes = scratch;
        copiedEnd = sourceOffset + sourceLength;
    }

    private int u8(int p) {
        if (p + 1 > copiedEnd) copyAll(p + 1);
        return bytes[p + delta] & 0xff;
    }

    private byte i8(int p) {
        if (p + 1 > copiedEnd) copyAll(p + 1);
        return bytes[p + delta];
    }

    private int u16(int p) {
        if (p + 2 > copiedEnd) copyAll(p + 2);
        return Bytes.u16(bytes, p + delta);
    }

    private int i32(int p) {
        if (p + 4 > copiedEnd) copyAll(p + 4);
        return Bytes.i32(bytes, p + delta);
    }

    private long u32(int p) {
        return i32(p) & 0xffffffffL;
    }

    private long i64(int p) {
        if (p + 8 > copiedEnd) copyAll(p + 8);
        return Bytes.i64(bytes, p + delta);
    }
}
