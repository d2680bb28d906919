package io.tlscensus.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the engines of one run may hold at once, all together: at most {@code maxFlows} flows
 * (--max-flows) and at most {@code maxBytes} of flow state (a share of the heap). Engines that run
 * at the same time (shards of one capture, files read in parallel) draw on the same budget, so a
 * capture whose flows land unevenly on the shards (a few busy hosts) is held as one engine would
 * hold it. Each engine evicts its own least recently active flows when the run is over a bound;
 * which ones then depends on the threads' timing, but below the bounds nothing does.
 *
 * <p>The byte count is an estimate from measured object sizes (see {@link #FLOW_BYTES} and
 * {@code Handshakes}), conservative rather than exact; it covers the flows, their handshakes in
 * flight, reassembly buffers and the shared tables, i.e. everything that grows with the traffic
 * except the aggregates (one row per client, server, SNI: they grow with what is reported).
 */
public final class MemoryBudget {
    /** A tracked flow object: 112 bytes with compressed references ({@code jmap -histo}); its table slots are counted apart. */
    static final int FLOW_BYTES = 112;
    /** A reference (a hash-table slot): compressed below 32 GB of heap. */
    static final int REF_BYTES = Runtime.getRuntime().maxMemory() < (32L << 30) ? 4 : 8;
    /** Share of the heap that flow state may take; the rest is for aggregates, output and the collector. */
    static final double HEAP_SHARE = 0.6;

    private final long maxFlows;
    private final long maxBytes;
    private final AtomicLong flows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    public MemoryBudget(long maxFlows, long maxBytes) {
        this.maxFlows = maxFlows;
        this.maxBytes = maxBytes;
    }

    /** The budget of a run with these limits in this JVM's heap. */
    public static MemoryBudget forHeap(EngineLimits limits) {
        return new MemoryBudget(limits.maxFlows, heapShare(Runtime.getRuntime().maxMemory()));
    }

    static long heapShare(long maxHeapBytes) {
        return (long) (maxHeapBytes * HEAP_SHARE);
    }

    public long maxFlows() {
        return maxFlows;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Flows held now by all engines. */
    public long flows() {
        return flows.get();
    }

    /** Estimated bytes held now by all engines. */
    public long bytes() {
        return bytes.get();
    }

    void addFlows(long n) {
        flows.addAndGet(n);
    }

    void addBytes(long n) {
        if (n != 0) bytes.addAndGet(n);
    }

    /** True when the engines hold more than a bound allows: the caller evicts. */
    boolean over() {
        return flows.get() > maxFlows || bytes.get() > maxBytes;
    }
}
