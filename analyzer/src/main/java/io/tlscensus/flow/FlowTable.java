package io.tlscensus.flow;

import io.tlscensus.decode.PacketDecoder;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Open-addressing hash table of flows (linear probing, backward-shift deletion, so no tombstones
 * slow later lookups) plus a recency list: the least recently active flow is always at its head,
 * which makes idle eviction and eviction under pressure O(1) per flow. A lookup of an existing
 * flow allocates nothing.
 */
public final class FlowTable<F extends Flow> {
    private static final int INITIAL_CAPACITY = 1024;

    private final Supplier<F> factory;
    private final Consumer<F> onEvict;
    private final int maxFlows;
    private final long idleTimeoutMicros;
    private Flow[] slots = new Flow[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int size;
    private Flow oldest;
    private Flow newest;
    private long now = Long.MIN_VALUE;
    private BooleanSupplier full = () -> false;

    private long created;
    private long evictedIdle;
    private long evictedForSpace;
    private int peakSize;

    /**
     * @param onEvict told about every flow leaving the table (idle, for space, or cleared), before it goes
     */
    public FlowTable(int maxFlows, long idleTimeoutMicros, Supplier<F> factory, Consumer<F> onEvict) {
        if (maxFlows < 1) throw new IllegalArgumentException("maxFlows must be positive");
        this.maxFlows = maxFlows;
        this.idleTimeoutMicros = idleTimeoutMicros;
        this.factory = factory;
        this.onEvict = onEvict;
    }

    /** The flow of the decoder's packet, created when new; marks it most recently active. */
    @SuppressWarnings("unchecked")
    public F lookup(PacketDecoder d, long timestampMicros) {
        if (timestampMicros > now) {
            now = timestampMicros;
            expireIdle();
        }
        boolean srcIsA = compare(d.srcHi, d.srcLo, d.srcPort, d.dstHi, d.dstLo, d.dstPort) <= 0;
        long aHi = srcIsA ? d.srcHi : d.dstHi, aLo = srcIsA ? d.srcLo : d.dstLo;
        long bHi = srcIsA ? d.dstHi : d.srcHi, bLo = srcIsA ? d.dstLo : d.srcLo;
        int ports = srcIsA ? d.srcPort << 16 | d.dstPort : d.dstPort << 16 | d.srcPort;
        long zone = Flow.zone(d.vlanId, d.tunnelId, d.protocol);
        int hash = hash(aHi, aLo, bHi, bLo, ports, zone);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Flow f = slots[i];
            if (f == null) break;
            if (f.aLo == aLo && f.bLo == bLo && f.ports == ports && f.aHi == aHi && f.bHi == bHi && f.zone == zone) {
                touch(f, timestampMicros);
                return (F) f;
            }
        }
        if (size >= maxFlows || (size > 0 && full.getAsBoolean())) {
            evictedForSpace++;
            evict(oldest);
        }
        F f = factory.get();
        f.aHi = aHi;
        f.aLo = aLo;
        f.bHi = bHi;
        f.bLo = bLo;
        f.ports = ports;
        f.zone = zone;
        f.firstSeenMicros = timestampMicros;
        f.clear();
        insert(f, hash);
        link(f, timestampMicros);
        created++;
        return f;
    }

    /** Evicts every flow, oldest first (end of a capture). */
    public void clear() {
        while (oldest != null) evict(oldest);
    }

    public int size() {
        return size;
    }

    public int peakSize() {
        return peakSize;
    }

    public long created() {
        return created;
    }

    public long evictedIdle() {
        return evictedIdle;
    }

    public long evictedForSpace() {
        return evictedForSpace;
    }

    /**
     * A bound beside {@code maxFlows}, for tables that share one (several tables, one limit): while
     * it says the bound is reached, a new flow first evicts the least recently active one.
     */
    public void bound(BooleanSupplier full) {
        this.full = full;
    }

    /**
     * Evicts the least recently active flow for space (counted as such) unless it is {@code keep};
     * false when there is none to evict. For owners that bound the table by more than a count
     * (memory, or a limit shared with other tables).
     */
    public boolean evictOldestForSpace(Flow keep) {
        if (oldest == null || oldest == keep) return false;
        evictedForSpace++;
        evict(oldest);
        return true;
    }

    /** Slots of the hash table (each a reference), for memory accounting. */
    public int capacity() {
        return slots.length;
    }

    private void expireIdle() {
        while (oldest != null && now - oldest.lastSeenMicros > idleTimeoutMicros) {
            evictedIdle++;
            evict(oldest);
        }
    }

    @SuppressWarnings("unchecked")
    private void evict(Flow f) {
        onEvict.accept((F) f);
        unlink(f);
        remove(f);
    }

    private void touch(Flow f, long ts) {
        if (ts > f.lastSeenMicros) f.lastSeenMicros = ts;
        if (f == newest) return;
        unlink(f);
        link(f, f.lastSeenMicros);
    }

    private void link(Flow f, long ts) {
        f.lastSeenMicros = Math.max(f.lastSeenMicros, ts);
        f.older = newest;
        f.newer = null;
        if (newest != null) newest.newer = f;
        newest = f;
        if (oldest == null) oldest = f;
    }

    private void unlink(Flow f) {
        if (f.older != null) f.older.newer = f.newer;
        else oldest = f.newer;
        if (f.newer != null) f.newer.older = f.older;
        else newest = f.older;
        f.older = null;
        f.newer = null;
    }

    private void insert(Flow f, int hash) {
        if (size + 1 > (slots.length >>> 1)) grow();
        int i = hash & mask;
        while (slots[i] != null) i = (i + 1) & mask;
        slots[i] = f;
        size++;
        if (size > peakSize) peakSize = size;
    }

    private void grow() {
        Flow[] old = slots;
        slots = new Flow[old.length * 2];
        mask = slots.length - 1;
        for (Flow f : old) {
            if (f == null) continue;
            int i = hash(f) & mask;
            while (slots[i] != null) i = (i + 1) & mask;
            slots[i] = f;
        }
    }

    private void remove(Flow f) {
        int i = hash(f) & mask;
        while (slots[i] != f) i = (i + 1) & mask;
        slots[i] = null;
        size--;
        // Backward-shift: pull later members of the probe run into the hole so lookups never stop early.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = hash(slots[j]) & mask;
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (stays) continue;
            slots[i] = slots[j];
            slots[j] = null;
            i = j;
        }
    }

    private static int compare(long hi1, long lo1, int port1, long hi2, long lo2, int port2) {
        int c = Long.compareUnsigned(hi1, hi2);
        if (c != 0) return c;
        c = Long.compareUnsigned(lo1, lo2);
        return c != 0 ? c : Integer.compare(port1, port2);
    }

    /** Recomputed when needed (growth, deletion) rather than stored: 4 bytes less per flow. */
    private static int hash(Flow f) {
        return hash(f.aHi, f.aLo, f.bHi, f.bLo, f.ports, f.zone);
    }

    private static int hash(long aHi, long aLo, long bHi, long bLo, int ports, long zone) {
        long h = aHi * 0x9E3779B97F4A7C15L;
        h = (h ^ aLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ bHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ bLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ (ports & 0xffffffffL) ^ (zone << 32) ^ (zone >>> 32)) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
