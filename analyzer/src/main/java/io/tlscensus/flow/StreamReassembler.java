package io.tlscensus.flow;

import java.nio.ByteBuffer;

/**
 * Puts one direction of a TCP stream back in order, but only as far as its reader asks: the
 * reader consumes or skips bytes from the front, so only handshake bytes are ever held.
 *
 * <p>Sequence numbers are compared with 32-bit wrap-around arithmetic. Bytes already delivered in
 * order are never rewritten: for overlapping retransmissions with conflicting content the copy
 * that arrived first wins (Suricata's "first" policy, Zeek's behaviour for delivered data).
 * Segments ahead of a hole wait, bounded in number and bytes; when the hole never fills, or the
 * limit is hit, {@link #overflowed()} tells the reader to give up on this direction.
 */
public final class StreamReassembler {
    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_PENDING_SEGMENTS = 64;
    /** Segments further ahead than this are not from this stream's handshake: ignore them. */
    private static final int MAX_AHEAD = 1 << 20;

    private final int limit;
    private byte[] data = EMPTY;
    private int start;
    private int end;
    private boolean initialized;
    /** Sequence number of the byte after data[end - 1]. */
    private int nextSeq;
    private long skip;
    private long delivered;
    private boolean overflowed;

    private int pendingCount;
    private int pendingBytes;
    private int[] pendingSeq;
    private byte[][] pendingData;

    /** @param limit most bytes held at once, in order and out of order together */
    public StreamReassembler(int limit) {
        this.limit = limit;
    }

    /** A SYN tells where the stream starts; without one the first segment seen does. */
    public void synSeen(int synSeq) {
        if (!initialized) {
            initialized = true;
            nextSeq = synSeq + 1;
        }
    }

    public void accept(int seq, ByteBuffer b, int off, int len) {
        if (len <= 0 || overflowed) return;
        if (!initialized) {
            initialized = true;
            nextSeq = seq;
        }
        int rel = seq - nextSeq;
        if (rel > 0) {
            if (rel < MAX_AHEAD) holdAhead(seq, b, off, len);
            return;
        }
        // Compared as rel > -len, not -rel < len: a segment exactly 2^31 behind has rel ==
        // Integer.MIN_VALUE, whose negation is itself, and would pass as an overlap (found by fuzzing).
        if (rel < 0 && rel > -len) {
            off -= rel;
            len += rel;
            rel = 0;
        }
        if (rel == 0) {
            append(b, off, len);
            drainPending();
        } else if (delivered == 0 && skip == 0 && rel >= -MAX_AHEAD) {
            // No SYN and the first segment seen was not the first sent: the earlier one arrived late.
            prepend(seq, b, off, len);
        }
    }

    private void append(ByteBuffer b, int off, int len) {
        nextSeq += len;
        if (skip > 0) {
            int dropped = (int) Math.min(skip, len);
            skip -= dropped;
            delivered += dropped;
            off += dropped;
            len -= dropped;
            if (len == 0) return;
        }
        if (!reserve(len)) return;
        b.get(off, data, end, len);
        end += len;
    }

    private void prepend(int seq, ByteBuffer b, int off, int len) {
        int gapToStart = nextSeq - (end - start) - seq; // bytes between this segment and our first byte
        if (gapToStart <= 0) return; // nothing new, or it reaches inside what we hold
        int take = Math.min(len, gapToStart);
        if (take < gapToStart) {
            // Still a hole before what we hold: it was not the first segment either. Keep it ahead.
            return;
        }
        int held = end - start;
        if (held + take > limit) {
            overflowed = true;
            return;
        }
        byte[] copy = new byte[Math.max(held + take, 64)];
        b.get(off, copy, 0, take);
        System.arraycopy(data, start, copy, take, held);
        data = copy;
        start = 0;
        end = held + take;
    }

    private boolean reserve(int len) {
        int held = end - start;
        if (held + len + pendingBytes > limit) {
            overflowed = true;
            return false;
        }
        if (end + len <= data.length) return true;
        if (held + len <= data.length) {
            System.arraycopy(data, start, data, 0, held);
        } else {
            byte[] bigger = new byte[Math.min(limit, Math.max(held + len, Math.max(256, data.length * 2)))];
            System.arraycopy(data, start, bigger, 0, held);
            data = bigger;
        }
        start = 0;
        end = held;
        return true;
    }

    private void holdAhead(int seq, ByteBuffer b, int off, int len) {
        if (pendingSeq == null) {
            pendingSeq = new int[MAX_PENDING_SEGMENTS];
            pendingData = new byte[MAX_PENDING_SEGMENTS][];
        }
        for (int i = 0; i < pendingCount; i++) {
            if (pendingSeq[i] == seq && pendingData[i].length >= len) return; // retransmission
        }
        if (pendingCount == MAX_PENDING_SEGMENTS || (end - start) + pendingBytes + len > limit) {
            overflowed = true;
            return;
        }
        byte[] copy = new byte[len];
        b.get(off, copy, 0, len);
        pendingSeq[pendingCount] = seq;
        pendingData[pendingCount++] = copy;
        pendingBytes += len;
    }

    private void drainPending() {
        boolean progress = true;
        while (progress && pendingCount > 0) {
            progress = false;
            for (int i = 0; i < pendingCount; i++) {
                int rel = pendingSeq[i] - nextSeq;
                if (rel > 0) continue;
                byte[] segment = pendingData[i];
                pendingBytes -= segment.length;
                pendingCount--;
                pendingSeq[i] = pendingSeq[pendingCount];
                pendingData[i] = pendingData[pendingCount];
                pendingData[pendingCount] = null;
                if (-rel < segment.length) append(ByteBuffer.wrap(segment), -rel, segment.length + rel);
                progress = true;
                break;
            }
        }
    }

    public byte[] array() {
        return data;
    }

    public int start() {
        return start;
    }

    public int available() {
        return end - start;
    }

    /**
     * Drops n bytes from the front of the stream; bytes not yet here are dropped as they arrive,
     * so a reader can step over a record body without holding it.
     */
    public void skip(long n) {
        int now = (int) Math.min(n, end - start);
        start += now;
        delivered += now;
        skip += n - now;
        if (start == end) {
            start = 0;
            end = 0;
            // Nothing held: give the buffer back. A handshake waiting for its peer then costs no
            // buffer (1M handshakes in flight: ~0.4 GB less), at one small allocation per later segment.
            if (pendingCount == 0) data = EMPTY;
        }
    }

    /** Stream offset of the first byte held: bytes consumed or skipped so far. */
    public long position() {
        return delivered;
    }

    public boolean overflowed() {
        return overflowed;
    }

    /**
     * True when nothing is held (in order or ahead) and no skip is pending beyond what
     * {@link #park} stores: the stream is then its next sequence number and a few bits.
     */
    public boolean canPark() {
        return start == end && pendingCount == 0 && skip < 1 << 20 && !overflowed;
    }

    /** The state besides {@link #nextSeq}, in 22 bits; see {@link #unpark}. */
    public int park() {
        return (initialized ? 1 : 0) | (delivered > 0 ? 2 : 0) | (int) skip << 2;
    }

    /** Sequence number of the next byte expected in order. */
    public int nextSeq() {
        return nextSeq;
    }

    /**
     * A reassembler in the state {@link #park} and {@link #nextSeq} gave. Only whether any byte
     * was delivered is kept, not how many: the count is needed for nothing else.
     */
    public static StreamReassembler unpark(int limit, int parked, int nextSeq) {
        StreamReassembler s = new StreamReassembler(limit);
        s.initialized = (parked & 1) != 0;
        s.delivered = (parked & 2) != 0 ? 1 : 0;
        s.skip = parked >>> 2;
        s.nextSeq = nextSeq;
        return s;
    }

    /** Bytes of buffers held (memory accounting). */
    public int heldBytes() {
        int n = data.length + pendingBytes;
        return pendingSeq == null ? n : n + 16 + 4 * MAX_PENDING_SEGMENTS + 16 + 4 * MAX_PENDING_SEGMENTS + 16 * pendingCount;
    }

    /** Frees the buffers: the reader needs nothing more from this direction. */
    public void release() {
        data = EMPTY;
        start = 0;
        end = 0;
        pendingSeq = null;
        pendingData = null;
        pendingCount = 0;
        pendingBytes = 0;
    }
}
