package io.tlscensus.output.parquet;

import io.tlscensus.aggregate.ConnectionCube;
import io.tlscensus.readiness.FingerprintTable;
import io.tlscensus.readiness.Readiness;
import io.tlscensus.readiness.ReadinessRow;
import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.tls.ConnectionRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code --parquet DIR}: connections streamed to {@code DIR/connections/}, and at the end the
 * summary ({@code DIR/summary/}) and one row about the run ({@code DIR/run/}). Every file is new
 * (earlier runs' files are never touched) and appears only when the run is complete: part files are
 * written under hidden temporary names and renamed at {@link #commit}, the run row last.
 *
 * <p>A write failure while connections stream in is thrown once as an {@link UncheckedIOException}
 * (the sink interface has no checked exceptions); later rows are ignored and {@link #commit} throws.
 */
public final class ParquetOutput implements ConnectionSink, AutoCloseable {
    private final Path dir;
    private final String version;
    private final List<String> inputs;
    private final Instant start;
    private final PartNames names;
    private final ConnectionCube cube = new ConnectionCube();
    /** Rows of DIR/readiness, fed here unless the caller brings its own ({@link #useReadiness}). */
    private Readiness readiness = new Readiness(FingerprintTable.builtIn());
    private boolean feedsReadiness = true;
    private final PartitionedDataset<ConnectionRecord> connections;
    private final PartitionedDataset.Settings settings;
    private final Thread cleanup;
    private IOException failure;
    private boolean committed;

    private ParquetOutput(Path dir, String version, List<String> inputs, PartitionedDataset.Settings settings) {
        this.dir = dir;
        this.version = version;
        this.inputs = List.copyOf(inputs);
        this.start = Instant.now().truncatedTo(ChronoUnit.MICROS);
        this.names = new PartNames(start, UUID.randomUUID());
        this.settings = settings;
        settings.metadata = Map.of("tlscensus.version", version, "tlscensus.run_id", names.runId);
        this.connections = new PartitionedDataset<>(dir.resolve("connections"), Datasets.CONNECTIONS,
                r -> r.tsMicros, names, settings);
        this.cleanup = new Thread(names::deletePending, "tlscensus-parquet-cleanup");
    }

    /** Creates DIR if needed (so an unwritable place fails before any capture is read). */
    public static ParquetOutput open(Path dir, String version, List<String> inputs) throws IOException {
        return open(dir, version, inputs, new PartitionedDataset.Settings());
    }

    /** As {@link #open(Path, String, List)}, with {@code date=/hour=} partitions (live capture's rotation). */
    public static ParquetOutput openHourly(Path dir, String version, List<String> inputs) throws IOException {
        PartitionedDataset.Settings settings = new PartitionedDataset.Settings();
        settings.hourly = true;
        return open(dir, version, inputs, settings);
    }

    static ParquetOutput open(Path dir, String version, List<String> inputs, PartitionedDataset.Settings settings)
            throws IOException {
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) throw new IOException("permission denied");
        } catch (IOException e) {
            throw failed(dir, e);
        }
        ParquetOutput out = new ParquetOutput(dir, version, inputs, settings);
        Runtime.getRuntime().addShutdownHook(out.cleanup);
        return out;
    }

    public String runId() {
        return names.runId;
    }

    @Override
    public void accept(ConnectionRecord r) {
        if (failure != null) return;
        try {
            connections.write(r);
            cube.accept(r);
            if (feedsReadiness) readiness.accept(r);
        } catch (IOException | RuntimeException e) {
            failure = failed(dir, e);
            connections.abort();
            throw new UncheckedIOException(failure);
        }
    }

    /**
     * Writes the summary and run rows, then renames every file of the run into place.
     *
     * @param droppedPackets packets the capture device dropped (live capture), null offline
     */
    public void commit(CaptureStats stats, Long droppedPackets) throws IOException {
        if (failure != null) throw failure;
        PartitionedDataset<Map.Entry<ConnectionCube.Key, ConnectionCube.Cell>> summary = new PartitionedDataset<>(
                dir.resolve("summary"), Datasets.SUMMARY, e -> e.getValue().firstSeenMicros, names, settings);
        PartitionedDataset<RunRow> run = new PartitionedDataset<>(dir.resolve("run"), Datasets.RUN,
                r -> r.startMicros, names, settings);
        PartitionedDataset<ReadinessRow> verdicts = new PartitionedDataset<>(dir.resolve("readiness"), Datasets.READINESS,
                r -> r.firstSeenMicros, names, settings);
        try {
            for (Map.Entry<ConnectionCube.Key, ConnectionCube.Cell> row : cube.rowsByFirstSeen()) summary.write(row);
            for (ReadinessRow row : readinessRows()) verdicts.write(row);
            RunRow row = new RunRow();
            row.runId = names.runId;
            row.version = version;
            row.inputs = inputs;
            row.startMicros = micros(start);
            row.endMicros = micros(Instant.now());
            row.stats = stats;
            row.droppedPackets = droppedPackets;
            run.write(row);
            connections.finish();
            summary.finish();
            verdicts.finish();
            run.finish();
            connections.commit();
            summary.commit();
            verdicts.commit();
            run.commit();
            committed = true;
        } catch (IOException | RuntimeException e) {
            failure = failed(dir, e);
            summary.abort();
            verdicts.abort();
            run.abort();
            throw failure;
        } finally {
            if (!committed) connections.abort();
        }
    }

    /** Deletes whatever was not committed. */
    @Override
    public void close() {
        if (!committed) connections.abort();
        names.deletePending();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs anyway
        }
    }

    /**
     * Makes the caller's readiness aggregate (with its --fingerprints table) the one written, so
     * the report and the dataset agree. The caller feeds it (or merges its threads' into it)
     * before {@link #commit}; this sink then feeds none. Call before the first connection.
     */
    public void useReadiness(Readiness shared) {
        readiness = shared;
        feedsReadiness = false;
    }

    /** The rows with a time (hours and entries that saw a connection), oldest first, one partition at a time. */
    private List<ReadinessRow> readinessRows() {
        List<ReadinessRow> rows = new java.util.ArrayList<>(ReadinessRow.of(readiness));
        rows.removeIf(r -> r.connections == 0);
        rows.sort(java.util.Comparator.comparingLong(r -> Math.floorDiv(r.firstSeenMicros, PartitionedDataset.MICROS_PER_DAY)));
        return rows;
    }

    public ConnectionCube cube() {
        return cube;
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    /** One line: where and why, e.g. "cannot write Parquet output in out: No space left on device". */
    private static IOException failed(Path dir, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof FileSystemException)) cause = cause.getCause();
        String why;
        if (cause instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) cause;
            String reason = f.getReason();
            if (cause instanceof AccessDeniedException) reason = "permission denied";
            else if (cause instanceof FileAlreadyExistsException) reason = "exists and is not a directory";
            else if (cause instanceof NoSuchFileException) reason = "no such file or directory";
            else if (reason == null) reason = cause.getClass().getSimpleName();
            why = f.getFile() != null ? f.getFile() + ": " + reason : reason;
        } else {
            why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        }
        return new IOException("cannot write Parquet output in " + dir + ": " + why.replace('\n', ' '), e);
    }
}
