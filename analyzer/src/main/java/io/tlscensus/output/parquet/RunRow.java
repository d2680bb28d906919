package io.tlscensus.output.parquet;

import io.tlscensus.engine.CaptureStats;

import java.util.List;

/** What the run dataset records about one run. */
final class RunRow {
    String runId;
    String version;
    List<String> inputs;
    long startMicros;
    long endMicros;
    CaptureStats stats;
    /** Packets the capture device dropped (live capture); null offline. */
    Long droppedPackets;
}
