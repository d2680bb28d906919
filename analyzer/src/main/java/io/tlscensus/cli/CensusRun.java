package io.tlscensus.cli;

import io.tlscensus.aggregate.Census;
import io.tlscensus.capture.CaptureFormatException;
import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.output.ReportWriter;
import io.tlscensus.output.parquet.ParquetOutput;
import io.tlscensus.readiness.FingerprintTable;
import io.tlscensus.readiness.HtmlReport;
import io.tlscensus.readiness.Readiness;
import io.tlscensus.readiness.ReadinessText;
import io.tlscensus.readiness.ReadinessWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        AtomicOutput file = options.output == null ? null : new AtomicOutput(Path.of(options.output));
        ParquetOutput parquet = null;
        AtomicOutput html = null;
        try {
            if (options.report != null) html = new AtomicOutput(Path.of(options.report));
            if (options.parquet != null) parquet = ParquetOutput.open(Path.of(options.parquet), Main.version(), inputs);
            PrintWriter out = file != null ? file.writer()
                    : new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), false);
            ReportWriter writer = ReportWriter.create(options.format, out);
            ConnectionSink sink = options.connections ? r -> {
                census.accept(r);
                writer.accept(r);
            } : census;
            Readiness readiness = readiness(parquet);
            if (readiness != null && parquet == null) sink = both(sink, readiness);
            if (parquet != null) sink = both(sink, parquet);
            CensusEngine engine = new CensusEngine(options.limits, sink);
            Progress progress = Progress.start(inputs, stderr, !options.quiet && System.console() != null);
            long started = System.nanoTime();
            try {
                for (String input : inputs) readInput(input, engine, progress);
            } catch (UncheckedIOException e) {
                throw e.getCause(); // a Parquet write failed: one line from Main, exit status 2
            } finally {
                progress.stop();
            }
            CaptureStats stats = engine.stats();
            stats.elapsedNanos = System.nanoTime() - started;
            stats.inputBytes = progress.bytesDone();
            stats.damagedInputs = damaged + unreadable;
            if (options.readiness) ReadinessWriter.write(options.format, readiness, out);
            else if (!options.connections) writer.summary(census);
            if (readiness != null && !options.connections && !options.readiness && options.format.equals("table")) {
                ReadinessText.footer(readiness, out);
            }
            writer.flush();
            if (html != null) HtmlReport.write(readiness, stats, inputs, Main.version(), html.writer());
            if (parquet != null) parquet.commit(stats, null);
            if (html != null) html.commit();
            if (file != null) file.commit();
            if (!options.quiet) stderr.println("tlscensus: " + stats.line());
        } finally {
            if (parquet != null) parquet.close();
            if (html != null) html.close();
            if (file != null) file.close();
        }
        if (read == 0) {
            if (inputs.isEmpty() && unreadable == 0) stderr.println("tlscensus: no capture files found in the inputs");
            return ExitStatus.USAGE;
        }
        return damaged + unreadable > 0 ? ExitStatus.DAMAGED : ExitStatus.OK;
    }

    /**
     * The readiness aggregate when some output needs it (the terminal summary's footer,
     * --readiness, --report, --parquet's readiness dataset), else null: csv/jsonl summaries and
     * --connections do not pay for it.
     */
    private Readiness readiness(ParquetOutput parquet) throws IOException {
        boolean footer = !options.connections && options.format.equals("table");
        if (!footer && !options.readiness && options.report == null && parquet == null) return null;
        FingerprintTable table = FingerprintTable.builtIn();
        if (options.fingerprints != null) {
            try {
                table.withFile(Path.of(options.fingerprints));
            } catch (NoSuchFileException e) {
                throw new IOException(options.fingerprints + ": no such file");
            }
        }
        Readiness readiness = new Readiness(table);
        if (parquet != null) parquet.useReadiness(readiness); // the Parquet sink feeds it
        return readiness;
    }

    private static ConnectionSink both(ConnectionSink first, ConnectionSink second) {
        return r -> {
            first.accept(r);
            second.accept(r);
        };
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

    private void readInput(String name, CensusEngine engine, Progress progress) {
        CaptureSource source;
        try {
            source = STDIN.equals(name) ? Captures.openStdin(stdin) : Captures.open(Path.of(name));
        } catch (CaptureFormatException e) {
            error(name, e.getMessage());
            unreadable++;
            return;
        } catch (IOException e) {
            error(name, describe(e));
            unreadable++;
            return;
        }
        read++;
        engine.beginInput(name);
        progress.begin(source);
        try (source) {
            source.readAll(engine);
        } catch (CaptureFormatException e) {
            error(name, e.getMessage() + "; the packets before it were counted");
            damaged++;
        } catch (IOException e) {
            error(name, describe(e) + "; the packets before it were counted");
            damaged++;
        } finally {
            engine.endInput();
            progress.end(source);
        }
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
