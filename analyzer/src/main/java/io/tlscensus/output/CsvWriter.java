package io.tlscensus.output;

import io.tlscensus.aggregate.Census;
import io.tlscensus.aggregate.Grouping;
import io.tlscensus.aggregate.VersionCounts;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;

import java.io.PrintWriter;
import java.util.Collection;

/** RFC 4180 CSV mirroring the jsonl rows; lists are joined with ';'. */
final class CsvWriter extends ReportWriter {
    private boolean headerWritten;

    CsvWriter(PrintWriter out) {
        super(out);
    }

    @Override
    public void accept(ConnectionRecord r) {
        if (!headerWritten) {
            out.println(String.join(",", ConnectionFields.NAMES));
            headerWritten = true;
        }
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < ConnectionFields.NAMES.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(cell(ConnectionFields.value(i, r)));
        }
        out.println(sb);
    }

    @Override
    public void summary(Census census) {
        StringBuilder header = new StringBuilder("group,transport,key,connections");
        for (String b : TlsVersion.BUCKETS) header.append(",negotiated_").append(b);
        for (String b : TlsVersion.BUCKETS) header.append(",client_max_").append(b);
        out.println(header.append(",first_seen,last_seen,snis"));
        for (Grouping g : census.groupings()) {
            for (Census.Row row : census.rows(g)) row(g.label(), row.transport(), row.key(), row.counts());
        }
        row("total", "", null, census.total());
    }

    private void row(String group, String transport, String key, VersionCounts c) {
        StringBuilder sb = new StringBuilder(128).append(group).append(',').append(transport).append(',')
                .append(TextSafety.csv(key))
                .append(',').append(c.connections);
        for (long n : c.negotiated) sb.append(',').append(n);
        for (long n : c.clientMax) sb.append(',').append(n);
        if (c.connections > 0) {
            sb.append(',').append(ConnectionFields.timestamp(c.firstSeenMicros))
                    .append(',').append(ConnectionFields.timestamp(c.lastSeenMicros));
        } else {
            sb.append(",,");
        }
        out.println(sb.append(',').append(cell(c.snis)));
    }

    private static String cell(Object v) {
        if (v == null) return "";
        if (v instanceof Collection) {
            StringBuilder sb = new StringBuilder();
            for (Object o : (Collection<?>) v) {
                if (sb.length() > 0) sb.append(';');
                sb.append(o);
            }
            return TextSafety.csv(sb.toString());
        }
        return v instanceof String ? TextSafety.csv((String) v) : v.toString();
    }
}
