package io.tlscensus.cli;

import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.output.parquet.ParquetOutput;
import io.tlscensus.readiness.FingerprintTable;
import io.tlscensus.readiness.Readiness;
import io.tlscensus.tls.ConnectionRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Parquet output of a live capture that rolls over every period (aligned to the clock: a 1 h
 * period closes at every full hour). Each period is committed like an offline run, atomically,
 * into {@code date=/hour=} partitions: a crash loses at most the current period's summary, never
 * the connection rows of periods already closed. The run row of each period carries the capture's
 * statistics so far (cumulative since the capture started) and the kernel's drop count.
 */
final class RotatingParquet implements ConnectionSink, LiveRun.Periodic {
    private final Path dir;
    private final String version;
    private final List<String> inputs;
    private final long periodMillis;
    private final Supplier<CaptureStats> stats;
    private final FingerprintTable fingerprints;
    private ParquetOutput current;
    /** The verdicts of the current period's connections, written with its files. */
    private Readiness readiness;
    private long nextBoundary;

    RotatingParquet(Path dir, String version, String iface, long periodSeconds, FingerprintTable fingerprints,
                    Supplier<CaptureStats> stats) throws IOException {
        this.dir = dir;
        this.version = version;
        this.inputs = List.of(iface);
        this.periodMillis = periodSeconds * 1000;
        this.stats = stats;
        this.fingerprints = fingerprints;
        this.current = open();
        this.nextBoundary = boundaryAfter(System.currentTimeMillis());
    }

    /** A period's files; its readiness dataset holds the verdicts of that period's connections. */
    private ParquetOutput open() throws IOException {
        ParquetOutput p = ParquetOutput.openHourly(dir, version, inputs);
        readiness = new Readiness(fingerprints);
        p.useReadiness(readiness);
        return p;
    }

    private long boundaryAfter(long nowMillis) {
        return (Math.floorDiv(nowMillis, periodMillis) + 1) * periodMillis;
    }

    @Override
    public void accept(ConnectionRecord r) {
        current.accept(r); // a write failure surfaces as UncheckedIOException, like offline
        readiness.accept(r);
    }

    @Override
    public void tick(long nowMillis) throws IOException {
        if (nowMillis < nextBoundary) return;
        commitCurrent();
        current = open();
        nextBoundary = boundaryAfter(nowMillis);
    }

    @Override
    public void finish() throws IOException {
        commitCurrent();
    }

    private void commitCurrent() throws IOException {
        try {
            CaptureStats s = stats.get();
            current.commit(s, s.packetsDropped + s.interfaceDropped);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            current.close();
        }
    }
}
