package io.tlscensus.engine;

/**
 * A bounded table of canonical instances of values that many connections repeat (SNIs, ALPN
 * names, fingerprint inputs, hello templates), so that a million handshakes in flight from a few
 * hundred client stacks share them instead of holding a million copies.
 *
 * <p>Bounded three ways, because a hostile capture controls the values: at most {@code maxSize}
 * entries and never a value larger than {@code maxValueBytes} (beyond either, values stay
 * unshared and their holder pays for them); a value is admitted only on its second sighting (a
 * direct-mapped array of hashes seen once), so one-off values (the long tail of SNIs, hellos whose
 * extension order is shuffled per connection) do not fill the table; and a lookup probes at most
 * {@link #MAX_PROBES} slots, so values made to collide cost a constant, not a scan. Entries are
 * never removed: the table's bytes are charged once, when a value enters, and stay charged.
 * Single-threaded, like the engine that owns it.
 */
final class Interner<T> {
    /** How values of one kind are hashed, compared and sized. */
    interface Kind<T> {
        int hash(T v);

        boolean same(T a, T b);

        /** Heap bytes the value holds, itself included. */
        int bytes(T v);
    }

    static final int MAX_PROBES = 8;

    private final Kind<T> kind;
    private final Object[] table;
    private final int[] seenOnce;
    private final int maxSize;
    private final int maxValueBytes;
    private int size;
    /** Bytes of the entries and of the table's own arrays. */
    private long bytes;

    Interner(Kind<T> kind, int maxSize, int maxValueBytes) {
        int capacity = Integer.highestOneBit(Math.max(16, maxSize * 2 - 1)) << 1;
        this.kind = kind;
        this.table = new Object[capacity];
        this.seenOnce = new int[capacity];
        this.maxSize = maxSize;
        this.maxValueBytes = maxValueBytes;
        this.bytes = 16L + 4L * capacity + 16L + 4L * capacity;
    }

    /** The canonical instance equal to {@code v} (possibly {@code v} itself, now entered), or null: keep it unshared. */
    @SuppressWarnings("unchecked")
    T intern(T v) {
        int h = mix(kind.hash(v));
        int mask = table.length - 1;
        int free = -1;
        for (int i = 0, at = h & mask; i < MAX_PROBES; i++, at = (at + 1) & mask) {
            Object e = table[at];
            if (e == null) {
                free = at;
                break;
            }
            if (kind.same((T) e, v)) return (T) e;
        }
        if (free < 0 || size >= maxSize) return null;
        int seen = h & mask;
        if (seenOnce[seen] != (h | 1)) { // h | 1: never 0, the empty marker
            seenOnce[seen] = h | 1;
            return null;
        }
        int n = kind.bytes(v);
        if (n > maxValueBytes) return null;
        table[free] = v;
        size++;
        bytes += n;
        return v;
    }

    /** Whether {@code v} is an entry of this table (by identity). */
    boolean holds(T v) {
        if (v == null) return false;
        int h = mix(kind.hash(v));
        int mask = table.length - 1;
        for (int i = 0, at = h & mask; i < MAX_PROBES; i++, at = (at + 1) & mask) {
            Object e = table[at];
            if (e == null) return false;
            if (e == v) return true;
        }
        return false;
    }

    long bytes() {
        return bytes;
    }

    /** Spreads a hash over the high and low bits (also for {@link Handshakes}' slot of parked handshakes). */
    static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
