package io.tlscensus.engine;

/**
 * The bounds that keep memory finite whatever the traffic; all but {@link #liveHandshakes}
 * configurable from the command line.
 */
public final class EngineLimits {
    /** Flows tracked at once by all threads together; beyond it the least recently active flow is evicted. */
    public int maxFlows = 1_000_000;
    /** A flow with no packet for this long (capture time) is finished and forgotten. */
    public long idleTimeoutMicros = 300_000_000L;
    /** Bytes held per direction for reassembly: the largest hello plus what precedes it. */
    public int maxReassemblyBytes = 64 * 1024;
    /** Bytes searched per direction for the start of TLS (STARTTLS preambles and the like). */
    public int scanLimitBytes = 16 * 1024;
    /** UDP datagrams looked at per flow for DTLS or QUIC before the flow is left alone. */
    public int udpProbeDatagrams = 64;
    /** Fragmented IP datagrams reassembled at once, the bytes they may hold, and how long one may take. */
    public int maxFragmentedDatagrams = 4096;
    public long maxFragmentBytes = 16L << 20;
    public long fragmentTimeoutMicros = 30_000_000L;
    /**
     * TCP handshakes in flight an engine keeps live between packets before it parks them (while the
     * budget is less than half used): a trade of ~0.9 KB each for the time parking takes. Tests set
     * 0 to park every handshake that can be.
     */
    public int liveHandshakes = 1024;
}
