package io.tlscensus.readiness;

import io.tlscensus.tls.TlsVersion;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the readiness output (csv, jsonl, Parquet {@code DIR/readiness}): a client, a server,
 * an SNI, a refusal, a client fingerprint or an hour of the trend, in one flat shape so that every
 * format has the same columns. Fields that do not apply to a row's list are null (or empty lists).
 */
public final class ReadinessRow {
    public static final List<String> LISTS = List.of("client", "server", "sni", "refused", "software", "hour");

    public String list;
    public String transport;
    public String key;
    public String verdict;
    public long connections;
    public final long[] negotiated = new long[TlsVersion.BUCKETS.length];
    public long legacyConnections;
    public long unknownConnections;
    /** Distinct peers: servers of a client; clients of a server, SNI or fingerprint. */
    public Long peers;
    /** Server and SNI rows: distinct clients that negotiated a legacy version. */
    public Long legacyClients;
    public String maxOffered;
    public String highestNegotiated;
    public List<String> legacyVersions = new ArrayList<>();
    public long talkedDown;
    public List<String> talkedDownBy = new ArrayList<>();
    public long refused;
    public long fallbackScsv;
    public long downgradeRetries;
    public List<String> software = new ArrayList<>();
    public List<String> snis = new ArrayList<>();
    public List<Integer> alerts = new ArrayList<>();
    public String ja3;
    public String ja4;
    public String name;
    public String source;
    public long firstSeenMicros;
    public long lastSeenMicros;

    /** Every row of a readiness aggregate, list by list in the order of {@link #LISTS}. */
    public static List<ReadinessRow> of(Readiness r) {
        List<ReadinessRow> rows = new ArrayList<>();
        for (Readiness.Client c : r.clients()) {
            ReadinessRow row = common("client", null, c);
            row.peers = (long) c.servers.size();
            row.maxOffered = TlsVersion.name(c.maxOffered);
            row.highestNegotiated = TlsVersion.name(c.highestNegotiated);
            row.talkedDown = c.talkedDown;
            row.talkedDownBy = bounded(c.talkedDownBy);
            row.software = bounded(c.software);
            rows.add(row);
        }
        for (Readiness.Server s : r.servers()) rows.add(server("server", s));
        for (Readiness.Server s : r.snis()) rows.add(server("sni", s));
        for (Readiness.Refusal f : r.refusals()) {
            ReadinessRow row = common("refused", null, f);
            row.key = f.client + " -> " + f.server;
            row.maxOffered = TlsVersion.name(f.maxOffered);
            if (f.sni != null) row.snis.add(f.sni);
            row.alerts.addAll(f.alerts);
            rows.add(row);
        }
        for (Readiness.Software s : r.software()) {
            ReadinessRow row = common("software", null, s);
            row.key = s.ja4 != null ? s.ja4 : s.ja3 != null ? s.ja3 : s.key;
            row.peers = (long) s.clients.size();
            row.maxOffered = TlsVersion.name(s.maxOffered);
            row.ja3 = s.ja3;
            row.ja4 = s.ja4;
            if (s.match != null) {
                row.name = s.match.name();
                row.source = s.match.source();
            }
            rows.add(row);
        }
        r.hours().forEach((hour, counts) -> {
            ReadinessRow row = new ReadinessRow();
            row.list = "hour";
            row.key = io.tlscensus.output.ConnectionFields.timestamp(hour * Readiness.MICROS_PER_HOUR).substring(0, 13) + ":00Z";
            System.arraycopy(counts, 0, row.negotiated, 0, counts.length);
            for (long n : counts) row.connections += n;
            for (int b : TlsVersion.LEGACY_BUCKETS) row.legacyConnections += counts[b];
            row.unknownConnections = counts[TlsVersion.BUCKET_NONE];
            for (int b : TlsVersion.LEGACY_BUCKETS) if (counts[b] > 0) row.legacyVersions.add(TlsVersion.BUCKETS[b]);
            row.firstSeenMicros = hour * Readiness.MICROS_PER_HOUR;
            row.lastSeenMicros = (hour + 1) * Readiness.MICROS_PER_HOUR - 1;
            rows.add(row);
        });
        return rows;
    }

    private static ReadinessRow server(String list, Readiness.Server s) {
        ReadinessRow row = common(list, s.transport, s);
        row.peers = (long) s.clients.size();
        row.legacyClients = s.legacyClientCount();
        row.maxOffered = TlsVersion.name(s.maxOffered);
        row.highestNegotiated = TlsVersion.name(s.highestNegotiated);
        row.talkedDown = s.talkedDown;
        if (list.equals("server")) row.snis = bounded(s.snis);
        return row;
    }

    private static ReadinessRow common(String list, String transport, Readiness.Entry e) {
        ReadinessRow row = new ReadinessRow();
        row.list = list;
        row.transport = transport;
        row.key = e.key;
        row.verdict = e.verdictLabel();
        row.connections = e.connections;
        System.arraycopy(e.negotiated, 0, row.negotiated, 0, e.negotiated.length);
        row.legacyConnections = e.legacyConnections();
        row.unknownConnections = e.unknownConnections();
        row.legacyVersions = e.legacyVersions();
        row.refused = e.refused;
        row.fallbackScsv = e.fallbackScsv;
        row.downgradeRetries = e.downgradeRetries;
        row.firstSeenMicros = e.firstSeenMicros;
        row.lastSeenMicros = e.lastSeenMicros;
        return row;
    }

    private static List<String> bounded(Readiness.Bounded b) {
        List<String> values = new ArrayList<>(b.values);
        if (b.more > 0) values.add("+" + b.more + " more");
        return values;
    }
}
