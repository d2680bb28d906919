package io.tlscensus.cli;

import io.tlscensus.aggregate.Census;
import io.tlscensus.capture.CaptureFormatException;
import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.output.parquet.ParquetOutput;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** One run over the inputs: every capture through one engine, then the results in one place. */
final class CensusRun {
    private static final String STDIN = "-";

    private final Options options;
    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private int unreadable;
    private int damaged;
    private int read;

    CensusRun(Options options, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.options = options;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    int run() throws IOException {
        List<String> inputs = resolveInputs();
        Census census = new Census(options.groupings);
        ParquetOutput parquet = null;
        try (Outputs outputs = Outputs.open(options, stdout, options.parquet != null)) {
            try {
                if (options.parquet != null) {
                    parquet = ParquetOutput.open(Path.of(options.parquet), Main.version(), inputs);
                    parquet.useReadiness(outputs.readiness()); // one aggregate: the report and the dataset agree
                }
                // What is written as connections come (rows, Parquet): not thread-safe, so fed in
                // batches under its lock when several threads read (BatchingSink); each of them keeps
                // its own census and readiness, merged at the end.
                ConnectionSink written = Outputs.both(outputs.rows(), parquet);
                Progress progress = Progress.start(inputs, stderr, !options.quiet && System.console() != null);
                long started = System.nanoTime();
                CaptureStats stats;
                try {
                    stats = options.threads > 1
                            ? new ParallelReading(this, options, census, outputs.readiness(), written, progress).run(inputs)
                            : readSequentially(inputs, census, Outputs.both(outputs.sink(), parquet), progress);
                } catch (UncheckedIOException e) {
                    throw e.getCause(); // a Parquet write failed: one line from Main, exit status 2
                } finally {
                    progress.stop();
                }
                stats.elapsedNanos = System.nanoTime() - started;
                stats.inputBytes = progress.bytesDone();
                synchronized (this) {
                    stats.damagedInputs = damaged + unreadable;
                }
                outputs.finish(census, stats, inputs);
                if (parquet != null) parquet.commit(stats, null);
                outputs.commit();
                if (!options.quiet) stderr.println("tlscensus: " + stats.line());
            } finally {
                if (parquet != null) parquet.close();
            }
        }
        if (read == 0) {
            if (inputs.isEmpty() && unreadable == 0) stderr.println("tlscensus: no capture files found in the inputs");
            return ExitStatus.USAGE;
        }
        return damaged + unreadable > 0 ? ExitStatus.DAMAGED : ExitStatus.OK;
    }

    private CaptureStats readSequentially(List<String> inputs, Census census, ConnectionSink others,
                                          Progress progress) {
        CensusEngine engine = new CensusEngine(options.limits, Outputs.both(census, others));
        for (String input : inputs) readInput(input, engine, progress, true);
        return engine.stats();
    }

    /** Expands directories (captures only, by magic) and reports paths that do not exist. */
    private List<String> resolveInputs() throws IOException {
        List<String> files = new ArrayList<>();
        for (String name : options.inputs) {
            if (STDIN.equals(name)) {
                files.add(STDIN);
                continue;
            }
            Path path = Path.of(name);
            if (!Files.exists(path)) {
                error(name, "no such file or directory");
                unreadable++;
                continue;
            }
            if (!Files.isDirectory(path)) {
                files.add(name);
                continue;
            }
            int before = files.size();
            for (Path p : Captures.expand(path)) {
                try {
                    if (Captures.sniff(p)) files.add(p.toString());
                    else note(p + ": skipped, not a capture file");
                } catch (IOException e) {
                    error(p.toString(), describe(e));
                    unreadable++;
                }
            }
            if (files.size() == before) {
                error(name, "no capture files in this directory");
                unreadable++;
            }
        }
        return files;
    }

    /**
     * Reads one input through the engine. With {@code report} false (shards other than the first
     * of a file read by several threads) problems are neither printed nor counted: the first shard
     * meets the same ones at the same place.
     */
    void readInput(String name, CensusEngine engine, Progress progress, boolean report) {
        readInput(name, source -> source.readAll(engine), engine::beginInput, engine::endInput, progress, report);
    }

    /** How an opened capture is read (one handler, or shards on several threads). */
    @FunctionalInterface
    interface Reading {
        void read(CaptureSource source) throws IOException, CaptureFormatException;
    }

    /**
     * As above, for any way of reading: {@code begin} before the first packet, {@code end} after the
     * last.
     */
    void readInput(String name, Reading reading, Consumer<String> begin, Runnable end, Progress progress,
                   boolean report) {
        CaptureSource source;
        try {
            source = STDIN.equals(name) ? Captures.openStdin(stdin) : Captures.open(Path.of(name));
        } catch (CaptureFormatException e) {
            if (report) problem(name, e.getMessage(), false);
            return;
        } catch (IOException e) {
            if (report) problem(name, describe(e), false);
            return;
        }
        if (report) countRead();
        begin.accept(name);
        if (report) progress.begin(source);
        try (source) {
            reading.read(source);
        } catch (CaptureFormatException e) {
            if (report) problem(name, e.getMessage() + "; the packets before it were counted", true);
        } catch (IOException e) {
            if (report) problem(name, describe(e) + "; the packets before it were counted", true);
        } finally {
            end.run();
            if (report) progress.end(source);
        }
    }

    private synchronized void countRead() {
        read++;
    }

    private synchronized void problem(String name, String message, boolean damage) {
        error(name, message);
        if (damage) damaged++;
        else unreadable++;
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof AccessDeniedException) return "permission denied";
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void error(String name, String message) {
        stderr.println("tlscensus: " + name + ": " + message);
    }

    private void note(String message) {
        if (!options.quiet) stderr.println("tlscensus: note: " + message);
    }
}
