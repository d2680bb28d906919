package io.tlscensus.quic;

/**
 * Reassembles one direction's Initial-level CRYPTO stream by offset (RFC 9000 19.6): frames may
 * arrive in any order, across packets and datagrams, overlap or repeat. Where copies overlap the
 * bytes that arrived first are kept (a peer must resend the same bytes; RFC 9000 2.2 lets a
 * receiver treat different ones as a violation). Bounded: bytes past {@code limit} and more than
 * {@link #MAX_RANGES} disjoint pieces are refused and reported as overflow.
 */
final class CryptoStream {
    static final int MAX_RANGES = 64;

    private final int limit;
    private byte[] data = new byte[0];
    /** Disjoint, sorted, non-adjacent ranges [starts[i], ends[i]) received so far. */
    private final int[] starts = new int[MAX_RANGES];
    private final int[] ends = new int[MAX_RANGES];
    private int count;

    CryptoStream(int limit) {
        this.limit = limit;
    }

    byte[] array() {
        return data;
    }

    /** Bytes [0, n) are all present. */
    int contiguous() {
        return count > 0 && starts[0] == 0 ? ends[0] : 0;
    }

    void reset() {
        count = 0;
    }

    /**
     * Adds {@code len} bytes at stream offset {@code offset}.
     *
     * @return false when some of them could not be kept (beyond the limit or too many pieces)
     */
    boolean add(long offset, byte[] b, int off, int len) {
        if (len == 0) return true;
        boolean complete = true;
        if (offset >= limit) return false;
        if (offset + len > limit) {
            len = (int) (limit - offset);
            complete = false;
        }
        int s = (int) offset;
        int e = s + len;
        ensureCapacity(e);
        // Copy only into the gaps between ranges already held: the first copy wins.
        int from = s;
        for (int i = 0; i < count && from < e; i++) {
            if (ends[i] <= from) continue;
            if (starts[i] >= e) break;
            if (starts[i] > from) System.arraycopy(b, off + (from - s), data, from, starts[i] - from);
            from = Math.max(from, ends[i]);
        }
        if (from < e) System.arraycopy(b, off + (from - s), data, from, e - from);
        return insert(s, e) && complete;
    }

    /** Merges [s, e) into the range list. */
    private boolean insert(int s, int e) {
        int i = 0;
        while (i < count && ends[i] < s) i++; // ranges wholly before (and not touching) [s, e)
        int j = i;
        while (j < count && starts[j] <= e) { // ranges overlapping or touching [s, e)
            s = Math.min(s, starts[j]);
            e = Math.max(e, ends[j]);
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            if (count == MAX_RANGES) return false;
            System.arraycopy(starts, i, starts, i + 1, count - i);
            System.arraycopy(ends, i, ends, i + 1, count - i);
            count++;
        } else if (merged > 1) {
            System.arraycopy(starts, j, starts, i + 1, count - j);
            System.arraycopy(ends, j, ends, i + 1, count - j);
            count -= merged - 1;
        }
        starts[i] = s;
        ends[i] = e;
        return true;
    }

    private void ensureCapacity(int end) {
        if (end <= data.length) return;
        int n = Math.max(end, Math.min(limit, Math.max(2048, data.length * 2)));
        data = java.util.Arrays.copyOf(data, n);
    }
}
