package io.tlscensus.flow;

import io.tlscensus.decode.PacketDecoder;

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
        int aPort = srcIsA ? d.srcPort : d.dstPort, bPort = srcIsA ? d.dstPort : d.srcPort;
        long zone = ((d.tunnelId + 1) << 13) | (d.vlanId + 1);
        int hash = hash(aHi, aLo, bHi, bLo, ((long) aPort << 16 | bPort) ^ ((long) d.protocol << 32) ^ (zone << 40) ^ zone);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Flow f = slots[i];
            if (f == null) break;
            if (f.hash == hash && f.aLo == aLo && f.bLo == bLo && f.aPort == aPort && f.bPort == bPort
                    && f.aHi == aHi && f.bHi == bHi && f.protocol == d.protocol && f.zone == zone) {
                touch(f, timestampMicros);
                return (F) f;
            }
        }
        if (size >= maxFlows) {
            evictedForSpace++;
            evict(oldest);
        }
        F f = factory.get();
        f.hash = hash;
        f.aHi = aHi;
        f.aLo = aLo;
        f.bHi = bHi;
        f.bLo = bLo;
        f.aPort = aPort;
        f.bPort = bPort;
        f.protocol = d.protocol;
        f.zone = zone;
        f.firstSeenMicros = timestampMicros;
        f.clear();
        insert(f);
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

    public int maxFlows() {
        return maxFlows;
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

    private void insert(Flow f) {
        if (size + 1 > (slots.length >>> 1)) grow();
        int i = f.hash & mask;
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
            int i = f.hash & mask;
            while (slots[i] != null) i = (i + 1) & mask;
            slots[i] = f;
        }
    }

    private void remove(Flow f) {
        int i = f.hash & mask;
        while (slots[i] != f) i = (i + 1) & mask;
        slots[i] = null;
        size--;
        // Backward-shift: pull later members of the probe run into the hole so lookups never stop early.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = slots[j].hash & mask;
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

    private static int hash(long aHi, long aLo, long bHi, long bLo, long ports) {
        long h = aHi * 0x9E3779B97F4A7C15L;
        h = (h ^ aLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ bHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ bLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ ports) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
