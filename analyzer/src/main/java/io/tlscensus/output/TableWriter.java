package io.tlscensus.output;

import io.tlscensus.aggregate.Census;
import io.tlscensus.aggregate.Grouping;
import io.tlscensus.aggregate.VersionCounts;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Aligned text for a terminal. Version columns that are zero in every row are left out. */
final class TableWriter extends ReportWriter {
    private static final String CONNECTION_FORMAT = "%-27s %-39s %5s  %-39s %5s  %-8s %-8s %-8s %-6s %s%n";
    private boolean headerWritten;

    TableWriter(PrintWriter out) {
        super(out);
    }

    @Override
    public void accept(ConnectionRecord r) {
        if (!headerWritten) {
            out.printf(CONNECTION_FORMAT, "ts", "client", "port", "server", "port", "max", "hello", "version", "cipher", "sni");
            headerWritten = true;
        }
        out.printf(CONNECTION_FORMAT, ConnectionFields.timestamp(r.tsMicros), r.client, r.clientPort, r.server, r.serverPort,
                dash(TlsVersion.name(r.clientMaxVersion())), dash(TlsVersion.name(r.clientHelloVersion)),
                dash(TlsVersion.name(r.negotiatedVersion)), r.cipherSuite < 0 ? "-" : String.format("%04x", r.cipherSuite),
                TextSafety.terminal(r.sni) + (r.alerts.isEmpty() ? "" : "  alerts " + r.alerts));
    }

    @Override
    public void summary(Census census) {
        boolean first = true;
        for (Grouping g : census.groupings()) {
            if (!first) out.println();
            first = false;
            table(g, census.rows(g), census.total(), census.hasTransportsOtherThanTcp());
        }
        if (first) table(null, List.of(), census.total(), false);
    }

    private void table(Grouping g, List<Census.Row> rows, VersionCounts total, boolean showTransport) {
        List<Integer> negotiatedColumns = nonZero(total.negotiated);
        List<Integer> maxColumns = nonZero(total.clientMax);
        String keyTitle = g == null ? "" : g.label();
        int keyWidth = Math.max(keyTitle.length(), 5);
        for (Census.Row row : rows) keyWidth = Math.max(keyWidth, label(row, showTransport).length());
        keyWidth = Math.min(keyWidth, 60);
        StringBuilder groups = new StringBuilder(" ".repeat(keyWidth + 8));
        groups.append("  ").append(centered("negotiated", 9 * negotiatedColumns.size()))
                .append("  ").append(centered("client max", 9 * maxColumns.size()));
        StringBuilder header = new StringBuilder(String.format("%-" + keyWidth + "s %7s", keyTitle, "conns"));
        header.append("  ");
        for (int i : negotiatedColumns) header.append(String.format(" %8s", TlsVersion.BUCKETS[i]));
        header.append("  ");
        for (int i : maxColumns) header.append(String.format(" %8s", TlsVersion.BUCKETS[i]));
        header.append(String.format("  %-19s %-19s", "first seen", "last seen"));
        if (g == Grouping.SERVER) header.append("  sni");
        if (g != null) out.println(groups.toString().stripTrailing());
        if (g != null) {
            out.println(header.toString().stripTrailing());
            for (Census.Row row : rows) {
                out.println(line(label(row, showTransport), keyWidth, row.counts(), negotiatedColumns, maxColumns,
                        g == Grouping.SERVER));
            }
        }
        out.println(line("total", keyWidth, total, negotiatedColumns, maxColumns, false));
    }

    private static String line(String key, int keyWidth, VersionCounts c, List<Integer> negotiated, List<Integer> max,
                               boolean snis) {
        // By hand, not String.format: a summary of 10,000 clients took longer to print than to count.
        if (key.length() > keyWidth) key = key.substring(0, keyWidth - 1) + "~";
        StringBuilder sb = new StringBuilder(keyWidth + 128);
        padRight(sb, key, keyWidth).append(' ');
        padLeft(sb, c.connections, 7).append("  ");
        for (int i : negotiated) padLeft(sb.append(' '), c.negotiated[i], 8);
        sb.append("  ");
        for (int i : max) padLeft(sb.append(' '), c.clientMax[i], 8);
        if (c.connections > 0) {
            sb.append("  ").append(ConnectionFields.timestamp(c.firstSeenMicros), 0, 19)
                    .append(' ').append(ConnectionFields.timestamp(c.lastSeenMicros), 0, 19);
        }
        if (snis && !c.snis.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (String s : c.snis) names.add(TextSafety.terminal(s));
            sb.append("  ").append(String.join(",", names));
            if (c.snisNotKept > 0) sb.append(",+").append(c.snisNotKept).append(" more");
        }
        return sb.toString();
    }

    private static StringBuilder padRight(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) sb.append(' ');
        return sb;
    }

    private static StringBuilder padLeft(StringBuilder sb, long n, int width) {
        String digits = Long.toString(n);
        for (int i = digits.length(); i < width; i++) sb.append(' ');
        return sb.append(digits);
    }

    /** The row's key, made safe for a terminal, with its transport when the run saw several. */
    private static String label(Census.Row row, boolean showTransport) {
        String key = TextSafety.terminal(row.key());
        return showTransport ? row.transport() + " " + key : key;
    }

    /** The title centred over a group of columns, dashes either side, so the two groups read apart. */
    private static String centered(String title, int width) {
        if (width <= title.length() + 2) return String.format("%-" + Math.max(width, 1) + "s", title);
        int left = (width - title.length() - 2) / 2;
        int right = width - title.length() - 2 - left;
        return "-".repeat(left) + " " + title + " " + "-".repeat(right);
    }

    private static List<Integer> nonZero(long[] counts) {
        List<Integer> columns = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] != 0) columns.add(i);
        return columns;
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
