package io.tlscensus.flow;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Puts fragmented IPv4/IPv6 datagrams back together (RFC 791, RFC 8200 4.5), in bounded memory:
 * at most {@code maxDatagrams} in progress and {@code maxBytes} held, each at most 64 KiB, and a
 * datagram not complete within the timeout (capture time) is dropped. Overlapping fragments:
 * bytes already held are kept (first copy wins), the same policy as TCP reassembly.
 * Fragments are rare on real networks, so this path may allocate; the per-packet path does not
 * come here.
 */
public final class IpFragmentReassembler {
    private static final int MAX_DATAGRAM = 65_535;

    private final int maxDatagrams;
    private final long maxBytes;
    private final long timeoutMicros;
    private final LinkedHashMap<Key, Datagram> inProgress = new LinkedHashMap<>();
    private long heldBytes;
    private long completed;
    private long dropped;

    public IpFragmentReassembler(int maxDatagrams, long maxBytes, long timeoutMicros) {
        this.maxDatagrams = maxDatagrams;
        this.maxBytes = maxBytes;
        this.timeoutMicros = timeoutMicros;
    }

    private record Key(int ipVersion, long srcHi, long srcLo, long dstHi, long dstLo, long id) {
    }

    private static final class Datagram {
        final long firstSeen;
        byte[] data = new byte[0];
        long[] covered = new long[(MAX_DATAGRAM / 8 + 64) / 64]; // one bit per 8-byte block
        int total = -1;

        Datagram(long firstSeen) {
            this.firstSeen = firstSeen;
        }
    }

    /**
     * Adds one fragment. Returns the whole datagram's payload when this fragment completed it
     * (a buffer from position 0 to its limit), else null.
     */
    public ByteBuffer add(long ts, int ipVersion, long srcHi, long srcLo, long dstHi, long dstLo, long id,
                          int offset, boolean more, ByteBuffer b, int off, int len) {
        expire(ts);
        int end = offset + len;
        if (end > MAX_DATAGRAM || (more && (len & 7) != 0) || len == 0 && more) {
            dropped++;
            return null;
        }
        Key key = new Key(ipVersion, srcHi, srcLo, dstHi, dstLo, id);
        Datagram d = inProgress.get(key);
        if (d == null) {
            if (inProgress.size() >= maxDatagrams) {
                dropped++;
                return null;
            }
            d = new Datagram(ts);
            inProgress.put(key, d);
        }
        if (!more) {
            if (d.total >= 0 && d.total != end) return drop(key, d); // two different ends: a lie
            d.total = end;
        }
        if (end > d.data.length) {
            int size = Math.max(end, Math.min(MAX_DATAGRAM, d.data.length * 2));
            if (heldBytes + size - d.data.length > maxBytes) return drop(key, d);
            heldBytes += size - d.data.length;
            d.data = Arrays.copyOf(d.data, size);
        }
        // Copy only the 8-byte blocks not held yet.
        for (int block = offset >> 3; block << 3 < end; block++) {
            if ((d.covered[block >> 6] & (1L << block)) != 0) continue;
            int from = Math.max(block << 3, offset);
            int to = Math.min((block + 1) << 3, end);
            b.get(off + from - offset, d.data, from, to - from);
            if (to == ((block + 1) << 3) || to == end && !more) d.covered[block >> 6] |= 1L << block;
        }
        if (d.total < 0) return null;
        for (int block = 0; block << 3 < d.total; block++) {
            if ((d.covered[block >> 6] & (1L << block)) == 0) return null;
        }
        inProgress.remove(key);
        heldBytes -= d.data.length;
        completed++;
        return ByteBuffer.wrap(d.data, 0, d.total);
    }

    private ByteBuffer drop(Key key, Datagram d) {
        inProgress.remove(key);
        heldBytes -= d.data.length;
        dropped++;
        return null;
    }

    private void expire(long now) {
        for (Iterator<Datagram> it = inProgress.values().iterator(); it.hasNext(); ) {
            Datagram d = it.next();
            if (now - d.firstSeen <= timeoutMicros) break; // insertion order is age order
            it.remove();
            heldBytes -= d.data.length;
            dropped++;
        }
    }

    public long completed() {
        return completed;
    }

    /** Datagrams given up: timed out, over a limit, or inconsistent. */
    public long dropped() {
        return dropped;
    }

    public int inProgress() {
        return inProgress.size();
    }
}
