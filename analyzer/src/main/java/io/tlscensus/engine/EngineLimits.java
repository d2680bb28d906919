package io.tlscensus.engine;

/** The bounds that keep memory finite whatever the traffic; all configurable from the command line. */
public final class EngineLimits {
    /** Flows tracked at once; beyond it the least recently active flow is evicted. */
    public int maxFlows = 1_000_000;
    /** A flow with no packet for this long (capture time) is finished and forgotten. */
    public long idleTimeoutMicros = 300_000_000L;
    /** Bytes held per direction for reassembly: the largest hello plus what precedes it. */
    public int maxReassemblyBytes = 64 * 1024;
    /** Bytes searched per direction for the start of TLS (STARTTLS preambles and the like). */
    public int scanLimitBytes = 16 * 1024;
}
