package io.tlscensus.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds frames byte by byte for decoder and engine tests: link headers (Ethernet, 802.1Q/802.1ad,
 * Linux SLL and SLL2, BSD NULL/LOOP) around IPv4 (with options, fragments) or IPv6 (with extension
 * headers) around TCP or UDP. Lengths and checksums-free headers are filled in so that each test
 * only states what it is about.
 */
public final class Packets {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86dd;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88a8;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private Packets() {
    }

    // ---------------------------------------------------------------- addresses

    public static byte[] v4(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }

    /** IPv6 address from its eight 16-bit groups. */
    public static byte[] v6(int... groups) {
        if (groups.length != 8) throw new IllegalArgumentException("8 groups");
        ByteBuffer b = ByteBuffer.allocate(16);
        for (int g : groups) b.putShort((short) g);
        return b.array();
    }

    // ---------------------------------------------------------------- transport

    public static byte[] tcp(int srcPort, int dstPort, int seq, int ack, int flags, byte[] payload) {
        return tcp(srcPort, dstPort, seq, ack, flags, new byte[0], payload);
    }

    /** TCP header with options (padded to 4 bytes) and payload. */
    public static byte[] tcp(int srcPort, int dstPort, int seq, int ack, int flags, byte[] options, byte[] payload) {
        int optionsLength = (options.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(20 + optionsLength + payload.length);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(seq).putInt(ack);
        b.put((byte) (((20 + optionsLength) / 4) << 4)).put((byte) flags);
        b.putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.put(options);
        b.position(20 + optionsLength);
        b.put(payload);
        return b.array();
    }

    public static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    // ---------------------------------------------------------------- IPv4

    public static byte[] ipv4(byte[] src, byte[] dst, int protocol, byte[] transport) {
        return new Ipv4(src, dst).build(protocol, transport);
    }

    /** IPv4 header options, fragment fields and a lying total length when a test needs them. */
    public static final class Ipv4 {
        private final byte[] src;
        private final byte[] dst;
        private byte[] options = new byte[0];
        private int flagsAndOffset = 0x4000; // DF, as most TCP stacks send
        private int totalLengthDelta;

        public Ipv4(byte[] src, byte[] dst) {
            this.src = src;
            this.dst = dst;
        }

        public Ipv4 options(byte[] options) {
            this.options = options;
            return this;
        }

        /** Raw flags (DF 0x4000, MF 0x2000) and 13-bit fragment offset in 8-byte units. */
        public Ipv4 fragment(boolean moreFragments, int offsetUnits) {
            this.flagsAndOffset = (moreFragments ? 0x2000 : 0) | offsetUnits;
            return this;
        }

        /** Writes a total length that differs from the real one by delta. */
        public Ipv4 totalLengthDelta(int delta) {
            this.totalLengthDelta = delta;
            return this;
        }

        public byte[] build(int protocol, byte[] transport) {
            int optionsLength = (options.length + 3) & ~3;
            int headerLength = 20 + optionsLength;
            ByteBuffer b = ByteBuffer.allocate(headerLength + transport.length);
            b.put((byte) (0x40 | headerLength / 4)).put((byte) 0);
            b.putShort((short) (headerLength + transport.length + totalLengthDelta));
            b.putShort((short) 0x1234).putShort((short) flagsAndOffset);
            b.put((byte) 64).put((byte) protocol).putShort((short) 0);
            b.put(src).put(dst).put(options);
            b.position(headerLength);
            b.put(transport);
            return b.array();
        }
    }

    // ---------------------------------------------------------------- IPv6

    public static byte[] ipv6(byte[] src, byte[] dst, int protocol, byte[] transport) {
        return new Ipv6(src, dst).build(protocol, transport);
    }

    /** IPv6 with a chain of extension headers, each written in the order added. */
    public static final class Ipv6 {
        private final byte[] src;
        private final byte[] dst;
        private final List<int[]> headerTypes = new ArrayList<>();
        private final List<byte[]> headerBodies = new ArrayList<>();
        private int payloadLengthDelta;

        public Ipv6(byte[] src, byte[] dst) {
            this.src = src;
            this.dst = dst;
        }

        /**
         * Hop-by-hop (0), routing (43) or destination options (60) header: 8 * (1 + extraUnits)
         * bytes, padded with PadN so the header is well formed.
         */
        public Ipv6 options(int type, int extraUnits) {
            byte[] body = new byte[6 + 8 * extraUnits];
            if (type != 43) {
                body[0] = 1; // PadN
                body[1] = (byte) (body.length - 2);
            }
            headerTypes.add(new int[] {type, extraUnits});
            headerBodies.add(body);
            return this;
        }

        /** Fragment header (44): offset in 8-byte units, M flag, identification. */
        public Ipv6 fragment(int offsetUnits, boolean more, int id) {
            ByteBuffer body = ByteBuffer.allocate(6);
            body.putShort((short) ((offsetUnits << 3) | (more ? 1 : 0))).putInt(id);
            headerTypes.add(new int[] {44, 0});
            headerBodies.add(body.array());
            return this;
        }

        /** Authentication header (51): length in 4-byte units minus 2. */
        public Ipv6 authentication(int payloadLenField) {
            headerTypes.add(new int[] {51, payloadLenField});
            headerBodies.add(new byte[(payloadLenField + 2) * 4 - 2]);
            return this;
        }

        public Ipv6 payloadLengthDelta(int delta) {
            this.payloadLengthDelta = delta;
            return this;
        }

        public byte[] build(int protocol, byte[] transport) {
            ByteArrayOutputStream ext = new ByteArrayOutputStream();
            for (int i = 0; i < headerTypes.size(); i++) {
                int next = i + 1 < headerTypes.size() ? headerTypes.get(i + 1)[0] : protocol;
                int type = headerTypes.get(i)[0];
                ext.write(next);
                ext.write(type == 44 ? 0 : headerTypes.get(i)[1]);
                ext.writeBytes(headerBodies.get(i));
            }
            int first = headerTypes.isEmpty() ? protocol : headerTypes.get(0)[0];
            byte[] extensions = ext.toByteArray();
            ByteBuffer b = ByteBuffer.allocate(40 + extensions.length + transport.length);
            b.putInt(0x6000_0000);
            b.putShort((short) (extensions.length + transport.length + payloadLengthDelta));
            b.put((byte) first).put((byte) 64);
            b.put(src).put(dst).put(extensions).put(transport);
            return b.array();
        }
    }

    // ---------------------------------------------------------------- links

    public static byte[] ethernet(int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    /** Ethernet frame with VLAN tags, outermost first: tags are {tpid, vlanId} pairs. */
    public static byte[] ethernetTagged(int[][] tags, int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * tags.length + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        for (int[] tag : tags) {
            // priority bits set so the decoder must mask them off the id
            b.putShort((short) tag[0]).putShort((short) (0xa000 | tag[1]));
        }
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    /** Linux cooked capture v1: 16-byte header, protocol at offset 14. */
    public static byte[] sll(int protocol, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 6);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0});
        b.putShort((short) protocol).put(payload);
        return b.array();
    }

    /** Linux cooked capture v2: 20-byte header, protocol first. */
    public static byte[] sll2(int protocol, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putShort((short) protocol).putShort((short) 0).putInt(3);
        b.putShort((short) 1).put((byte) 0).put((byte) 6);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0});
        b.put(payload);
        return b.array();
    }

    /** BSD loopback: 4-byte address family in the given byte order (NULL: writer's, LOOP: network). */
    public static byte[] loopback(int family, ByteOrder order, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length).order(order);
        b.putInt(family).put(payload);
        return b.array();
    }

    /** Appends bytes after the frame (Ethernet padding, trailers). */
    public static byte[] pad(byte[] frame, int extra) {
        byte[] b = new byte[frame.length + extra];
        System.arraycopy(frame, 0, b, 0, frame.length);
        for (int i = frame.length; i < b.length; i++) b[i] = (byte) 0xee;
        return b;
    }

    public static byte[] truncate(byte[] frame, int length) {
        byte[] b = new byte[length];
        System.arraycopy(frame, 0, b, 0, length);
        return b;
    }

    /**
     * The frame placed at {@code offset} inside a larger buffer filled with junk: decoders work on
     * absolute offsets into a shared buffer, so a test at offset 0 would hide offset mistakes.
     */
    public static ByteBuffer inBuffer(byte[] frame, int offset) {
        byte[] b = new byte[offset + frame.length + 16];
        java.util.Arrays.fill(b, (byte) 0x5a);
        System.arraycopy(frame, 0, b, offset, frame.length);
        return ByteBuffer.wrap(b);
    }
}
