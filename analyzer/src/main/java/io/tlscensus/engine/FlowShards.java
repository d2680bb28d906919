package io.tlscensus.engine;

import io.tlscensus.capture.Bytes;
import io.tlscensus.capture.LinkType;

import java.nio.ByteBuffer;

/**
 * Which of N engines follows a flow: a hash of the flow's endpoints that is the same in both
 * directions. {@link #fastOwner} finds it straight from the frame for the common case (Ethernet,
 * IPv4 or IPv6 without extension headers, TCP or UDP, not a fragment, not a UDP tunnel port), so a
 * shard skips other shards' packets without decoding them; everything else is decoded in full by
 * every shard and placed by {@link #owner} on the decoded (inner) 5-tuple.
 */
public final class FlowShards {
    private static final long IPV4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    private FlowShards() {
    }

    /**
     * Shard of the flow between two endpoints; symmetric in them. Addresses as {@code PacketDecoder}
     * holds them. Only the two addresses count, not the ports: every connection between two hosts
     * goes to the same shard, in the order a single engine would finish them, so what relates
     * connections of one client and one server (readiness' downgrade retries) is the same for every
     * thread count.
     */
    public static int owner(long hi1, long lo1, int port1, long hi2, long lo2, int port2, int shards) {
        long h = (lo1 + lo2) * 0x9E3779B97F4A7C15L;
        h = (h ^ (hi1 + hi2) ^ (lo1 ^ lo2)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 33) % shards; // an int remainder: C1 calls a runtime routine for a long one
    }

    /** Ethernet, IPv4 with the longest options or IPv6, and the ports. */
    private static final int FAST_HEADER_BYTES = 14 + 60 + 4;
    /** For a direct buffer (live capture's): the headers are copied here first. */
    private static final ThreadLocal<byte[]> HEADER_COPY = ThreadLocal.withInitial(() -> new byte[FAST_HEADER_BYTES]);

    /**
     * The shard of a plain Ethernet/IP/TCP-or-UDP frame read without a full decode, or -1 when the
     * frame is anything else (the caller then decodes it). Agrees with {@link #owner} on the 5-tuple
     * that a full decode would give. Reads a heap buffer's array in place (see PacketDecoder).
     */
    public static int fastOwner(int linkType, ByteBuffer b, int off, int len, int shards) {
        if (linkType != LinkType.ETHERNET || len < 14 + 20 + 4) return -1;
        if (b.hasArray()) return fastOwner(linkType, b.array(), b.arrayOffset() + off, len, shards);
        byte[] copy = HEADER_COPY.get();
        int n = Math.min(len, FAST_HEADER_BYTES);
        b.get(off, copy, 0, n);
        return fastOwner(linkType, copy, 0, n, shards);
    }

    /** As above, for a frame of {@code len} bytes at {@code off} in {@code a}. */
    public static int fastOwner(int linkType, byte[] a, int off, int len, int shards) {
        if (linkType != LinkType.ETHERNET || len < 14 + 20 + 4) return -1;
        int type = Bytes.u16(a, off + 12);
        int ip = off + 14;
        if (type == 0x0800) {
            int vihl = a[ip];
            if ((vihl & 0xf0) != 0x40) return -1;
            int ihl = (vihl & 0x0f) << 2;
            int protocol = a[ip + 9];
            if (ihl < 20 || (protocol != 6 && protocol != 17) || (Bytes.u16(a, ip + 6) & 0x3fff) != 0) return -1;
            int l4 = ip + ihl;
            if (l4 + 4 > off + len) return -1;
            int sp = Bytes.u16(a, l4), dp = Bytes.u16(a, l4 + 2);
            if (protocol == 17 && isTunnelPort(dp)) return -1;
            long src = IPV4_MAPPED_PREFIX | (Bytes.i32(a, ip + 12) & 0xffffffffL);
            long dst = IPV4_MAPPED_PREFIX | (Bytes.i32(a, ip + 16) & 0xffffffffL);
            return owner(0, src, sp, 0, dst, dp, shards);
        }
        if (type == 0x86dd) {
            int next = a[ip + 6];
            if ((a[ip] & 0xf0) != 0x60 || (next != 6 && next != 17)) return -1;
            int l4 = ip + 40;
            if (l4 + 4 > off + len) return -1;
            int sp = Bytes.u16(a, l4), dp = Bytes.u16(a, l4 + 2);
            if (next == 17 && isTunnelPort(dp)) return -1;
            return owner(Bytes.i64(a, ip + 8), Bytes.i64(a, ip + 16), sp, Bytes.i64(a, ip + 24), Bytes.i64(a, ip + 32), dp, shards);
        }
        return -1;
    }

    private static boolean isTunnelPort(int port) {
        return port == 4789 || port == 8472 || port == 6081;
    }
}
