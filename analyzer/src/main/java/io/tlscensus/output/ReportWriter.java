package io.tlscensus.output;

import io.tlscensus.aggregate.Census;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.tls.ConnectionRecord;

import java.io.PrintWriter;
import java.util.Locale;

/** Writes connection rows as they finish, or the summary at the end, in one format. */
public abstract class ReportWriter implements ConnectionSink {
    protected final PrintWriter out;

    protected ReportWriter(PrintWriter out) {
        this.out = out;
    }

    public static ReportWriter create(String format, PrintWriter out) {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "table": return new TableWriter(out);
            case "csv": return new CsvWriter(out);
            case "jsonl": return new JsonLinesWriter(out);
            default: throw new IllegalArgumentException("--format takes table, csv or jsonl, not '" + format + "'");
        }
    }

    /** One connection row (--connections). */
    @Override
    public abstract void accept(ConnectionRecord connection);

    /** The summary tables of every grouping in the census, and its total. */
    public abstract void summary(Census census);

    public void flush() {
        out.flush();
    }
}
