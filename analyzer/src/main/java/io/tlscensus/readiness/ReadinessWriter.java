package io.tlscensus.readiness;

import io.tlscensus.output.ConnectionFields;
import io.tlscensus.output.TextSafety;
import io.tlscensus.tls.TlsVersion;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The readiness rows as csv or jsonl (one definition of the columns for both), and as text for a
 * terminal: the full lists ({@code --readiness}) or the footer under the census tables.
 */
public final class ReadinessWriter {
    /** Column names in order; {@code negotiated} is one object in jsonl and one column per version in csv. */
    public static final List<String> NAMES = new ArrayList<>();
    private static final List<Function<ReadinessRow, Object>> VALUES = new ArrayList<>();

    static {
        field("list", r -> r.list);
        field("transport", r -> r.transport);
        field("key", r -> r.key);
        field("verdict", r -> r.verdict);
        field("connections", r -> r.connections);
        field("negotiated", r -> r.negotiated);
        field("legacy_connections", r -> r.legacyConnections);
        field("unknown_connections", r -> r.unknownConnections);
        field("peers", r -> r.peers);
        field("legacy_clients", r -> r.legacyClients);
        field("max_offered", r -> r.maxOffered);
        field("highest_negotiated", r -> r.highestNegotiated);
        field("legacy_versions", r -> r.legacyVersions);
        field("talked_down", r -> r.talkedDown);
        field("talked_down_by", r -> r.talkedDownBy);
        field("refused", r -> r.refused);
        field("fallback_scsv", r -> r.fallbackScsv);
        field("downgrade_retries", r -> r.downgradeRetries);
        field("software", r -> r.software);
        field("snis", r -> r.snis);
        field("alerts", r -> r.alerts);
        field("ja3", r -> r.ja3);
        field("ja4", r -> r.ja4);
        field("name", r -> r.name);
        field("source", r -> r.source);
        field("first_seen", r -> r.connections == 0 ? null : ConnectionFields.timestamp(r.firstSeenMicros));
        field("last_seen", r -> r.connections == 0 ? null : ConnectionFields.timestamp(r.lastSeenMicros));
    }

    private ReadinessWriter() {
    }

    private static void field(String name, Function<ReadinessRow, Object> value) {
        NAMES.add(name);
        VALUES.add(value);
    }

    public static void write(String format, Readiness readiness, PrintWriter out) {
        List<ReadinessRow> rows = ReadinessRow.of(readiness);
        switch (format) {
            case "csv": csv(rows, out); break;
            case "jsonl": jsonl(rows, out); break;
            default: ReadinessText.full(readiness, out);
        }
    }

    public static void jsonl(List<ReadinessRow> rows, PrintWriter out) {
        for (ReadinessRow row : rows) {
            StringBuilder sb = new StringBuilder(512).append('{');
            for (int i = 0; i < NAMES.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append('"').append(NAMES.get(i)).append("\": ");
                Object v = VALUES.get(i).apply(row);
                if (v instanceof long[]) {
                    long[] counts = (long[]) v;
                    sb.append('{');
                    for (int b = 0; b < counts.length; b++) {
                        if (b > 0) sb.append(", ");
                        sb.append('"').append(TlsVersion.BUCKETS[b]).append("\": ").append(counts[b]);
                    }
                    sb.append('}');
                } else {
                    json(sb, v);
                }
            }
            out.println(sb.append('}'));
        }
    }

    public static void csv(List<ReadinessRow> rows, PrintWriter out) {
        StringBuilder header = new StringBuilder();
        for (String name : NAMES) {
            if (header.length() > 0) header.append(',');
            if (name.equals("negotiated")) {
                for (int b = 0; b < TlsVersion.BUCKETS.length; b++) {
                    header.append(b > 0 ? "," : "").append("negotiated_").append(TlsVersion.BUCKETS[b]);
                }
            } else {
                header.append(name);
            }
        }
        out.println(header);
        for (ReadinessRow row : rows) {
            StringBuilder sb = new StringBuilder(256);
            for (int i = 0; i < NAMES.size(); i++) {
                if (i > 0) sb.append(',');
                Object v = VALUES.get(i).apply(row);
                if (v instanceof long[]) {
                    long[] counts = (long[]) v;
                    for (int b = 0; b < counts.length; b++) sb.append(b > 0 ? "," : "").append(counts[b]);
                } else if (v instanceof Collection) {
                    List<String> parts = new ArrayList<>();
                    for (Object o : (Collection<?>) v) parts.add(String.valueOf(o));
                    sb.append(TextSafety.csv(String.join(";", parts)));
                } else if (v instanceof String) {
                    sb.append(TextSafety.csv((String) v));
                } else if (v != null) {
                    sb.append(v);
                }
            }
            out.println(sb);
        }
    }

    private static void json(StringBuilder sb, Object v) {
        TextSafety.jsonValue(sb, v);
    }
}
