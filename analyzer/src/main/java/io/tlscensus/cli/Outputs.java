package io.tlscensus.cli;

import io.tlscensus.aggregate.Census;
import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.output.ReportWriter;
import io.tlscensus.readiness.FingerprintTable;
import io.tlscensus.readiness.HtmlReport;
import io.tlscensus.readiness.Readiness;
import io.tlscensus.readiness.ReadinessText;
import io.tlscensus.readiness.ReadinessWriter;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The text outputs of a run, the same for files and live capture: the summary or connection rows
 * on stdout or in {@code -o FILE}, the readiness verdicts ({@code --readiness}, the terminal
 * summary's footer) and the HTML report. Files appear whole at {@link #commit} or not at all.
 * Parquet is not here: files and live capture write it differently (once, or rotating).
 */
final class Outputs implements AutoCloseable {
    private final Options options;
    private final AtomicOutput file;
    private final AtomicOutput html;
    private final PrintWriter out;
    private final ReportWriter writer;
    private final Readiness readiness;

    /**
     * @param parquetReadiness a Parquet output writes {@link #readiness()} (files: one dataset for
     *                         the run, and the report and the dataset agree), so one is kept even
     *                         when no other output needs it
     */
    private Outputs(Options options, PrintStream stdout, boolean parquetReadiness) throws IOException {
        this.options = options;
        AtomicOutput f = null;
        AtomicOutput h = null;
        try {
            f = options.output == null ? null : new AtomicOutput(Path.of(options.output));
            h = options.report == null ? null : new AtomicOutput(Path.of(options.report));
            boolean footer = !options.connections && options.format.equals("table");
            readiness = footer || options.readiness || options.report != null || parquetReadiness
                    ? new Readiness(fingerprints(options)) : null;
        } catch (IOException | RuntimeException e) {
            if (f != null) f.close();
            if (h != null) h.close();
            throw e;
        }
        this.file = f;
        this.html = h;
        this.out = file != null ? file.writer() : new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), false);
        this.writer = ReportWriter.create(options.format, out);
    }

    static Outputs open(Options options, PrintStream stdout, boolean parquetReadiness) throws IOException {
        return new Outputs(options, stdout, parquetReadiness);
    }

    /** The built-in fingerprint table, with the user's --fingerprints file first. */
    static FingerprintTable fingerprints(Options options) throws IOException {
        FingerprintTable table = FingerprintTable.builtIn();
        if (options.fingerprints != null) {
            try {
                table.withFile(Path.of(options.fingerprints));
            } catch (NoSuchFileException e) {
                throw new IOException(options.fingerprints + ": no such file");
            }
        }
        return table;
    }

    /**
     * The readiness aggregate when an output needs it (the terminal summary's footer,
     * --readiness, --report, Parquet's readiness dataset), else null: csv/jsonl summaries and
     * --connections do not pay for it.
     */
    Readiness readiness() {
        return readiness;
    }

    /** What each connection goes to besides the census: the rows of --connections, the readiness aggregate. */
    ConnectionSink sink() {
        return both(rows(), readiness);
    }

    /** The rows of --connections, or null. */
    ConnectionSink rows() {
        return options.connections ? writer : null;
    }

    /** Rows written so far reach the reader (live capture, once a second). */
    void flush() {
        writer.flush();
    }

    /** Writes what comes at the end: the verdicts or the summary (with the verdict footer), the HTML report. */
    void finish(Census census, CaptureStats stats, List<String> inputs) {
        if (options.readiness) ReadinessWriter.write(options.format, readiness, out);
        else if (!options.connections) writer.summary(census);
        if (readiness != null && !options.connections && !options.readiness && options.format.equals("table")) {
            ReadinessText.footer(readiness, out);
        }
        writer.flush();
        if (html != null) HtmlReport.write(readiness, stats, inputs, Main.version(), html.writer());
    }

    /** Puts the files in place (after Parquet's commit, so a failure there leaves no new report). */
    void commit() throws IOException {
        if (html != null) html.commit();
        if (file != null) file.commit();
    }

    @Override
    public void close() throws IOException {
        try {
            if (html != null) html.close();
        } finally {
            if (file != null) file.close();
        }
    }

    /** Both sinks in order; a null one is left out. */
    static ConnectionSink both(ConnectionSink first, ConnectionSink second) {
        if (first == null) return second;
        if (second == null) return first;
        return r -> {
            first.accept(r);
            second.accept(r);
        };
    }
}
