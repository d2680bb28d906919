package io.tlscensus.readiness;

import io.tlscensus.output.ConnectionFields;
import io.tlscensus.output.TextSafety;
import io.tlscensus.tls.TlsVersion;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Readiness for a terminal: the footer under the census tables, or every list (--readiness). */
public final class ReadinessText {
    /** Entries shown per list in the footer. */
    public static final int TOP = 5;

    private ReadinessText() {
    }

    /** Verdict counts and the top entries of each list that has any. */
    public static void footer(Readiness r, PrintWriter out) {
        out.println();
        counts(r, out);
        List<Readiness.Client> clients = r.clients();
        top(out, "will break", clients, c -> c.verdict() == Readiness.ClientVerdict.WILL_BREAK,
                c -> safe(c.key) + " (max " + TlsVersion.name(c.maxOffered) + ")");
        top(out, "server-side legacy", clients, c -> c.verdict() == Readiness.ClientVerdict.SERVER_SIDE_LEGACY,
                c -> safe(c.key) + " (by " + safe(String.join(", ", c.talkedDownBy.values)) + ")");
        top(out, "legacy servers", r.servers(), s -> s.legacyConnections() > 0, ReadinessText::server);
        top(out, "legacy SNIs", r.snis(), s -> s.legacyConnections() > 0, ReadinessText::server);
        top(out, "refused", r.refusals(), f -> true,
                f -> safe(f.client) + " -> " + safe(f.server) + " (alert " + alerts(f) + ")");
        top(out, "retrying", clients, c -> c.downgradeRetries > 0 || c.fallbackScsv > 0,
                c -> safe(c.key) + " (" + c.downgradeRetries + " retries, " + c.fallbackScsv + " with fallback SCSV)");
        top(out, "legacy software", r.software(), s -> Readiness.isLegacy(s.maxOffered),
                s -> safe(s.name() != null ? s.name() : s.ja4 != null ? "JA4 " + s.ja4 : s.ja3 != null ? "JA3 " + s.ja3 : s.key)
                        + " (" + s.clients.size() + " clients)");
    }

    private static void counts(Readiness r, PrintWriter out) {
        Map<Readiness.ClientVerdict, Long> cv = r.clientVerdicts();
        Map<Readiness.ServerVerdict, Long> sv = r.serverVerdicts();
        List<String> c = new ArrayList<>();
        cv.forEach((v, n) -> {
            if (n > 0 || v != Readiness.ClientVerdict.UNKNOWN) c.add(n + " " + v.label);
        });
        List<String> s = new ArrayList<>();
        sv.forEach((v, n) -> {
            if (n > 0) s.add(n + " " + v.label);
        });
        long refusedClients = r.clients().stream().filter(x -> x.refused > 0).count();
        long unknown = r.clients().stream().mapToLong(Readiness.Entry::unknownConnections).sum();
        out.println("TLS 1.2 readiness: clients " + String.join(", ", c) + "; servers " + (s.isEmpty() ? "none" : String.join(", ", s)));
        out.println("  " + refusedClients + " clients refused (alert protocol_version/handshake_failure), "
                + r.downgradeRetryClients() + " retrying with a lower version, " + unknown
                + " connections unknown (no ServerHello)");
    }

    private static <T> void top(PrintWriter out, String title, List<T> items, Predicate<T> keep,
                                java.util.function.Function<T, String> describe) {
        List<String> shown = new ArrayList<>();
        int total = 0;
        for (T t : items) {
            if (!keep.test(t)) continue;
            total++;
            if (shown.size() < TOP) shown.add(describe.apply(t));
        }
        if (total == 0) return;
        out.printf("  %-19s %s%s%n", title, String.join(", ", shown), total > shown.size() ? ", +" + (total - shown.size()) + " more" : "");
    }

    private static String server(Readiness.Server s) {
        List<String> versions = new ArrayList<>();
        s.legacyClients.forEach((b, clients) -> versions.add(TlsVersion.BUCKETS[b] + " " + s.negotiated[b] + " conns/"
                + clients.size() + " clients"));
        return safe(s.key) + " [" + s.verdict().label + ": " + String.join(", ", versions) + "; best "
                + TlsVersion.name(s.highestNegotiated) + "]";
    }

    private static String alerts(Readiness.Refusal f) {
        List<String> names = new ArrayList<>();
        for (int a : f.alerts) names.add(alertName(a));
        return String.join(", ", names);
    }

    static String alertName(int a) {
        if (a == Readiness.ALERT_PROTOCOL_VERSION) return "protocol_version(70)";
        if (a == Readiness.ALERT_HANDSHAKE_FAILURE) return "handshake_failure(40)";
        return String.valueOf(a);
    }

    private static String safe(String s) {
        return TextSafety.terminal(s);
    }

    /** Every list as an aligned table. */
    public static void full(Readiness r, PrintWriter out) {
        counts(r, out);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"client", "verdict", "conns", "max offered", "best negotiated", "legacy", "unknown",
                "refused", "retries", "scsv", "talked down by", "software"});
        for (Readiness.Client c : r.clients()) {
            rows.add(new String[] {safe(c.key), c.verdict().label, n(c.connections), dash(TlsVersion.name(c.maxOffered)),
                    dash(TlsVersion.name(c.highestNegotiated)), n(c.legacyConnections()), n(c.unknownConnections()),
                    n(c.refused), n(c.downgradeRetries), n(c.fallbackScsv), list(c.talkedDownBy), list(c.software)});
        }
        table(out, rows);
        for (String title : List.of("server", "sni")) {
            rows = new ArrayList<>();
            rows.add(new String[] {title, "verdict", "conns", "clients", "legacy", "legacy versions", "legacy clients",
                    "best negotiated", "talked down", "unknown", "refused", "snis"});
            for (Readiness.Server s : title.equals("server") ? r.servers() : r.snis()) {
                List<String> versions = new ArrayList<>();
                s.legacyClients.forEach((b, cl) -> versions.add(TlsVersion.BUCKETS[b] + " " + s.negotiated[b] + "/" + cl.size()));
                rows.add(new String[] {s.transport + " " + safe(s.key), s.verdict().label, n(s.connections), n(s.clients.size()),
                        n(s.legacyConnections()), versions.isEmpty() ? "-" : String.join(",", versions),
                        n(s.legacyClientCount()), dash(TlsVersion.name(s.highestNegotiated)), n(s.talkedDown),
                        n(s.unknownConnections()), n(s.refused), title.equals("server") ? list(s.snis) : "-"});
            }
            table(out, rows);
        }
        rows = new ArrayList<>();
        rows.add(new String[] {"refused client", "server", "sni", "conns", "max offered", "alerts"});
        for (Readiness.Refusal f : r.refusals()) {
            rows.add(new String[] {safe(f.client), safe(f.server), safe(f.sni), n(f.connections),
                    dash(TlsVersion.name(f.maxOffered)), alerts(f)});
        }
        if (rows.size() > 1) table(out, rows);
        rows = new ArrayList<>();
        rows.add(new String[] {"software", "verdict", "clients", "conns", "max offered", "ja3", "ja4"});
        for (Readiness.Software s : r.software()) {
            rows.add(new String[] {s.name() != null ? safe(s.name()) : s.ja3 == null && s.ja4 == null ? s.key : "(not in the table)", s.verdictLabel(), n(s.clients.size()),
                    n(s.connections), dash(TlsVersion.name(s.maxOffered)), dash(s.ja3), dash(s.ja4)});
        }
        table(out, rows);
        List<String[]> hourRows = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        for (long[] counts : r.hours().values()) {
            for (int b = 0; b < counts.length; b++) if (counts[b] > 0 && !columns.contains(b)) columns.add(b);
        }
        columns.sort(null);
        List<String> header = new ArrayList<>(List.of("hour (UTC)", "conns", "legacy %"));
        for (int b : columns) header.add(TlsVersion.BUCKETS[b]);
        hourRows.add(header.toArray(new String[0]));
        r.hours().forEach((h, counts) -> {
            List<String> cells = new ArrayList<>();
            long total = 0, legacy = 0;
            for (long c : counts) total += c;
            for (int b : TlsVersion.LEGACY_BUCKETS) legacy += counts[b];
            cells.add(ConnectionFields.timestamp(h * Readiness.MICROS_PER_HOUR).substring(0, 13) + ":00");
            cells.add(n(total));
            cells.add(total == 0 ? "-" : String.format("%.1f", 100.0 * legacy / total));
            for (int b : columns) cells.add(n(counts[b]));
            hourRows.add(cells.toArray(new String[0]));
        });
        table(out, hourRows);
    }

    private static void table(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], Math.min(row[i].length(), 60));
        out.println();
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i].length() > 60 ? row[i].substring(0, 59) + "~" : row[i];
                sb.append(String.format("%-" + widths[i] + "s  ", cell));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String list(Readiness.Bounded b) {
        if (b.values.isEmpty()) return "-";
        List<String> v = new ArrayList<>();
        for (String s : b.values) v.add(safe(s));
        return String.join(",", v) + (b.more > 0 ? ",+" + b.more + " more" : "");
    }

    private static String n(long v) {
        return Long.toString(v);
    }

    private static String dash(String s) {
        return s == null ? "-" : safe(s);
    }
}
