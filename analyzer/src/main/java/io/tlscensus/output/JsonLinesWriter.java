package io.tlscensus.output;

import io.tlscensus.aggregate.Census;
import io.tlscensus.aggregate.Grouping;
import io.tlscensus.aggregate.VersionCounts;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;

import java.io.PrintWriter;
import java.util.Collection;

/** One JSON object per line: connections with the corpus' field names, or summary rows. */
final class JsonLinesWriter extends ReportWriter {
    JsonLinesWriter(PrintWriter out) {
        super(out);
    }

    @Override
    public void accept(ConnectionRecord r) {
        StringBuilder sb = new StringBuilder(512).append('{');
        for (int i = 0; i < ConnectionFields.NAMES.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(TextSafety.json(ConnectionFields.NAMES.get(i))).append(": ");
            value(sb, ConnectionFields.value(i, r));
        }
        out.println(sb.append('}'));
    }

    @Override
    public void summary(Census census) {
        for (Grouping g : census.groupings()) {
            for (Census.Row row : census.rows(g)) row(g.label(), row.transport(), row.key(), row.counts());
        }
        row("total", null, null, census.total());
    }

    private void row(String group, String transport, String key, VersionCounts c) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"group\": ").append(TextSafety.json(group))
                .append(", \"transport\": ").append(TextSafety.json(transport))
                .append(", \"key\": ").append(TextSafety.json(key))
                .append(", \"connections\": ").append(c.connections)
                .append(", \"negotiated\": ");
        buckets(sb, c.negotiated);
        sb.append(", \"client_max\": ");
        buckets(sb, c.clientMax);
        sb.append(", \"first_seen\": ").append(c.connections == 0 ? "null" : TextSafety.json(ConnectionFields.timestamp(c.firstSeenMicros)))
                .append(", \"last_seen\": ").append(c.connections == 0 ? "null" : TextSafety.json(ConnectionFields.timestamp(c.lastSeenMicros)))
                .append(", \"snis\": ");
        value(sb, c.snis);
        sb.append(", \"snis_not_kept\": ").append(c.snisNotKept).append('}');
        out.println(sb);
    }

    private static void buckets(StringBuilder sb, long[] counts) {
        sb.append('{');
        for (int i = 0; i < counts.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append('"').append(TlsVersion.BUCKETS[i]).append("\": ").append(counts[i]);
        }
        sb.append('}');
    }

    private static void value(StringBuilder sb, Object v) {
        TextSafety.jsonValue(sb, v);
    }
}
