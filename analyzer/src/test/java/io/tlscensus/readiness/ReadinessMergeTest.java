package io.tlscensus.readiness;

import io.tlscensus.engine.CaptureStats;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness aggregates of parts of the connections, merged, give every output of one aggregate fed
 * them all (the threads of a run each keep one): split by client and server, as the threads split
 * a capture, so that retries stay with their failed attempts.
 */
class ReadinessMergeTest {
    private static final long T0 = 1_700_000_000_000_000L;
    private static final long SECOND = 1_000_000L;
    private static final int[] OFFERED = {TlsVersion.TLS10, TlsVersion.TLS11, TlsVersion.TLS12, TlsVersion.TLS13,
            TlsVersion.NONE, 0x7f17};
    private static final int[] NEGOTIATED = {TlsVersion.NONE, TlsVersion.TLS10, TlsVersion.TLS12, TlsVersion.TLS13};
    /** A stack the table names; the others are grouped by their JA4. */
    private static final String NAMED_JA4 = stackJa4(0);

    /** JA4 by client (a few stacks), JA3 by connection: each group keeps its smallest JA3. */
    private static final ClientFingerprints STACKS = ClientFingerprints.of(r -> String.format("%032x", r.clientPort),
            r -> stackJa4(Math.floorMod(r.client.hashCode(), 7)));

    @TempDir
    static Path dir;
    static FingerprintTable table;
    static List<ConnectionRecord> records;

    @BeforeAll
    static void connections() throws Exception {
        Path tsv = dir.resolve("stacks.tsv");
        Files.writeString(tsv, "ja4\t" + NAMED_JA4 + "\tOld Stack 1.0\ttest\n");
        table = FingerprintTable.empty().withFile(tsv);
        records = records(new Random(7), 4_000);
    }

    @Test
    void mergedHalvesGiveTheOutputsOfOneAggregate() {
        Readiness whole = fed(records);
        Readiness merged = whole.emptyLike();
        for (List<ConnectionRecord> part : parts(records, 2)) merged.merge(fed(part));
        assertSameOutputs(whole, merged);
    }

    /** As a run does: the threads' aggregates merged, one after the other, into an empty one. */
    @Test
    void threeMergedPartsGiveTheOutputsOfOneAggregate() {
        Readiness merged = fed(List.of()).emptyLike();
        for (List<ConnectionRecord> part : parts(records, 3)) merged.merge(fed(part));
        assertSameOutputs(fed(records), merged);
    }

    @Test
    void theCaseCoversWhatMergingMustAddUp() {
        Readiness r = fed(records);
        assertTrue(r.hours().size() > 3, "hours");
        assertTrue(r.refusals().stream().anyMatch(f -> f.alerts.size() == 2), "both alerts on one refusal");
        assertTrue(r.clients().stream().anyMatch(c -> c.downgradeRetries > 0), "retries");
        assertTrue(r.clients().stream().anyMatch(c -> c.servers.more > 0 && c.talkedDownBy.more > 0), "listed and more");
        assertTrue(r.servers().stream().anyMatch(s -> s.snis.more > 0), "SNIs listed and more");
        assertTrue(r.software().stream().anyMatch(s -> "Old Stack 1.0".equals(s.name())), "a named stack");
        assertTrue(r.software().stream().anyMatch(s -> s.key.equals(Readiness.NO_FINGERPRINT)), "no fingerprint");
    }

    /** Past the bound, a fingerprint new to the merged aggregate joins the others' group, as when fed. */
    @Test
    void softwareGroupsStayBoundedWhenMerged() {
        Readiness full = new Readiness(FingerprintTable.empty(), ClientFingerprints.of(r -> null, r -> stackJa4(r.clientPort)));
        Readiness late = full.emptyLike();
        for (int i = 0; i < Readiness.MAX_SOFTWARE + 10; i++) {
            ConnectionRecord c = record(i, 0, TlsVersion.TLS12, TlsVersion.TLS12, T0 + i);
            c.clientPort = i;
            (i < Readiness.MAX_SOFTWARE ? full : late).accept(c);
        }
        full.merge(late);
        assertEquals(Readiness.MAX_SOFTWARE + 1, full.software().size(), "the bound, and the group of the others");
        Readiness.Software other = full.software().stream().filter(s -> s.key.equals(Readiness.OTHER_FINGERPRINTS))
                .findFirst().orElseThrow();
        assertEquals(10, other.connections);
        assertEquals(null, other.ja4, "a group of many shows no fingerprint");
    }

    @Test
    void sniRowsStayBoundedWhenMerged() {
        Readiness full = new Readiness(FingerprintTable.empty(), ClientFingerprints.NONE);
        Readiness late = full.emptyLike();
        for (int i = 0; i < Readiness.MAX_SNIS + 5; i++) {
            ConnectionRecord c = record(1, 0, TlsVersion.TLS12, TlsVersion.TLS12, T0 + i);
            c.sni = "host-" + i + ".example.test";
            (i < Readiness.MAX_SNIS ? full : late).accept(c);
        }
        full.merge(late);
        assertEquals(Readiness.MAX_SNIS + 1, full.snis().size());
        assertEquals(5, full.snis().stream().filter(s -> s.key.equals(Readiness.OTHER_SNIS)).findFirst().orElseThrow().connections);
    }

    private static void assertSameOutputs(Readiness expected, Readiness actual) {
        for (String format : List.of("jsonl", "csv", "table")) {
            assertEquals(text(expected, (r, out) -> ReadinessWriter.write(format, r, out)),
                    text(actual, (r, out) -> ReadinessWriter.write(format, r, out)), format);
        }
        assertEquals(text(expected, ReadinessText::footer), text(actual, ReadinessText::footer), "footer");
        CaptureStats stats = new CaptureStats();
        BiConsumer<Readiness, PrintWriter> report = (r, out) -> HtmlReport.write(r, stats, List.of("test.pcap"), "test", out);
        assertEquals(text(expected, report), text(actual, report), "HTML report");
        assertEquals(expected.connections(), actual.connections());
        assertEquals(expected.days().keySet(), actual.days().keySet());
    }

    private static String text(Readiness r, BiConsumer<Readiness, PrintWriter> output) {
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            output.accept(r, out);
        }
        return s.toString();
    }

    private static Readiness fed(List<ConnectionRecord> part) {
        Readiness r = new Readiness(table, STACKS);
        for (ConnectionRecord c : part) r.accept(c);
        return r;
    }

    /** Each client and server's connections in one part, in their order, as a thread gets them. */
    private static List<List<ConnectionRecord>> parts(List<ConnectionRecord> all, int n) {
        List<List<ConnectionRecord>> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) parts.add(new ArrayList<>());
        for (ConnectionRecord c : all) parts.get(Math.floorMod((c.client + c.server).hashCode(), n)).add(c);
        return parts;
    }

    /**
     * Connections over five hours between 60 clients and 20 servers, with 40 names: every version
     * offered and negotiated, refusals with either alert, TLS_FALLBACK_SCSV, and every tenth a
     * failed attempt followed by a retry offering TLS 1.0.
     */
    private static List<ConnectionRecord> records(Random random, int n) {
        List<ConnectionRecord> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = T0 + i * 5 * SECOND;
            int client = random.nextInt(60);
            int server = random.nextInt(20);
            ConnectionRecord c = record(client, server, OFFERED[random.nextInt(OFFERED.length)],
                    NEGOTIATED[random.nextInt(NEGOTIATED.length)], ts);
            c.transport = random.nextInt(10) == 0 ? "quic" : "tcp";
            c.sni = random.nextInt(8) == 0 ? null : "host-" + random.nextInt(40) + ".example";
            c.fallbackScsv = random.nextInt(20) == 0;
            if (random.nextInt(6) == 0) c.alerts.add(random.nextBoolean() ? Readiness.ALERT_PROTOCOL_VERSION
                    : Readiness.ALERT_HANDSHAKE_FAILURE);
            list.add(c);
            if (i % 10 == 0) {
                ConnectionRecord failed = record(client, server, TlsVersion.TLS13, TlsVersion.NONE, ts + SECOND);
                failed.alerts.add(random.nextBoolean() ? Readiness.ALERT_PROTOCOL_VERSION : Readiness.ALERT_HANDSHAKE_FAILURE);
                failed.sni = c.sni;
                list.add(failed);
                ConnectionRecord retry = record(client, server, TlsVersion.TLS10, TlsVersion.TLS10, ts + 2 * SECOND);
                retry.sni = c.sni;
                list.add(retry);
            }
        }
        return list;
    }

    private static ConnectionRecord record(int client, int server, int offered, int negotiated, long ts) {
        ConnectionRecord r = new ConnectionRecord();
        r.client = "10.1.0." + client;
        r.server = "192.0.2." + server;
        r.serverPort = 443;
        r.tsMicros = ts;
        r.clientPort = 1024 + Math.floorMod(Long.hashCode(ts * 31 + client), 60_000);
        r.clientHelloSeen = offered != TlsVersion.NONE;
        r.clientHelloVersion = offered;
        r.serverHelloSeen = negotiated != TlsVersion.NONE;
        r.negotiatedVersion = negotiated;
        return r;
    }

    private static String stackJa4(int stack) {
        return "t13d1516h2_8daaf6152771_" + String.format("%012x", stack);
    }
}
