package io.tlscensus.readiness;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import io.tlscensus.testing.TlsBytes;
import io.tlscensus.tls.ClientHello;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.Fingerprints;
import io.tlscensus.tls.TlsVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.tlscensus.readiness.SyntheticCapture.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verdicts on hand-built handshakes with known behaviour: what the real samples cannot show
 * (retries with a lower version, TLS_FALLBACK_SCSV, handshake_failure, connections never
 * answered), run through the command line like a user would.
 */
class ReadinessTest {
    private static final long T0 = 1_700_000_000_000_000L; // 2023-11-14T22:13:20Z
    private static final long SECOND = 1_000_000L;

    @TempDir
    static Path dir;
    static Path pcap;
    static Map<String, JsonNode> clients = new HashMap<>();
    static Map<String, JsonNode> servers = new HashMap<>();
    static List<JsonNode> rows;

    @BeforeAll
    static void capture() throws Exception {
        pcap = dir.resolve("synthetic.pcap");
        try (SyntheticCapture c = new SyntheticCapture(pcap)) {
            c.connection(T0, 10, 443, hello(0x0304, "shop.example"), 0x0304, 0);                  // ready
            c.connection(T0 + SECOND, 11, 8443, hello(0x0304, "old.example"), 0x0301, 0);         // talked down
            c.connection(T0 + 2 * SECOND, 12, 9443, hello(0x0304, "retry.example"), 0, 70);       // refused ...
            c.connection(T0 + 4 * SECOND, 12, 9443, hello(0x0301, "retry.example")                // ... retries lower
                    .cipherSuites(0xc014, 0x002f, 0x5600), 0x0301, 0);
            c.connection(T0 + 5 * SECOND, 13, 443, hello(0x0301, "shop.example"), 0x0301, 0);     // 1.0-only client
            c.connection(T0 + 6 * SECOND, 14, 443, hello(0x0304, "shop.example"), 0, 0);          // never answered
            c.connection(T0 + 7 * SECOND, 15, 10443, hello(0x0302, "strict.example"), 0, 40);     // handshake_failure
            c.connection(T0 + 8 * SECOND, 16, 11443, hello(0x0304, "late.example"), 0, 70);       // fails, and ...
            c.connection(T0 + 3 * 3600 * SECOND, 16, 11443, hello(0x0303, "late.example"), 0x0303, 0); // ... 3 h later: no retry
        }
        CliRun run = CliRun.of("-q", "-r", pcap.toString(), "--readiness", "--format", "jsonl");
        assertEquals(0, run.exitStatus, run.toString());
        rows = run.jsonLines();
        for (JsonNode r : rows) {
            if (r.get("list").asText().equals("client")) clients.put(r.get("key").asText(), r);
            if (r.get("list").asText().equals("server")) servers.put(r.get("key").asText(), r);
        }
    }

    private static JsonNode client(int octet) {
        JsonNode c = clients.get("10.77.0." + octet);
        assertTrue(c != null, "client 10.77.0." + octet + " in " + clients.keySet());
        return c;
    }

    @Test
    void clientVerdicts() {
        assertEquals(7, clients.size());
        assertEquals("ready", client(10).get("verdict").asText());
        assertEquals("server-side legacy", client(11).get("verdict").asText());
        assertEquals("[\"10.77.0.1:8443 (old.example)\"]", client(11).get("talked_down_by").toString());
        assertEquals("server-side legacy", client(12).get("verdict").asText(), "it fell back to 1.0 after being refused");
        assertEquals("will break", client(13).get("verdict").asText());
        assertEquals("TLSv1.0", client(13).get("max_offered").asText());
        assertEquals("will break", client(15).get("verdict").asText());
        assertEquals("ready", client(16).get("verdict").asText());
    }

    @Test
    void noServerHelloIsUnknownNeverGuessed() {
        JsonNode c = client(14);
        assertEquals("ready", c.get("verdict").asText(), "verdict from what it offered");
        assertTrue(c.get("highest_negotiated").isNull(), "no version made up from the offer");
        assertEquals(1, c.get("unknown_connections").asInt());
        assertEquals(1, c.get("negotiated").get("none").asInt());
        assertEquals(0, c.get("negotiated").get("TLSv1.3").asInt());
    }

    @Test
    void retriesAndFallbackScsvAreFlagged() {
        JsonNode c = client(12);
        assertEquals(1, c.get("downgrade_retries").asInt());
        assertEquals(1, c.get("fallback_scsv").asInt());
        assertEquals(1, c.get("refused").asInt());
        assertEquals(0, client(16).get("downgrade_retries").asInt(), "3 hours later is not a retry");
        assertEquals(0, client(16).get("fallback_scsv").asInt());
        assertEquals(0, client(11).get("downgrade_retries").asInt());
    }

    /**
     * A capture running for days meets failed attempts without end (unanswered hellos): only the
     * last retry window's are kept, and a retry is still found after old ones were dropped.
     */
    @Test
    void failedAttemptsAreKeptOnlyForTheRetryWindow() {
        Readiness r = new Readiness(FingerprintTable.empty(), ClientFingerprints.NONE);
        for (int i = 0; i < 300_000; i++) {
            ConnectionRecord unanswered = record("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "tcp",
                    TlsVersion.TLS12, TlsVersion.NONE);
            unanswered.tsMicros = T0 + i * 1_000L; // one a millisecond: 300 s in all
            r.accept(unanswered);
        }
        assertTrue(r.attemptsKept() < 200_000, "kept " + r.attemptsKept());
        ConnectionRecord retry = record("10.4.147.223", "tcp", TlsVersion.TLS10, TlsVersion.TLS10); // failed 1 ms earlier
        retry.tsMicros = T0 + 300_000 * 1_000L;
        r.accept(retry);
        Readiness.Client c = r.clients().stream().filter(x -> x.key.equals("10.4.147.223")).findFirst().orElseThrow();
        assertEquals(1, c.downgradeRetries);
    }

    /**
     * Software is grouped by JA4 (or the table entry), not by the JA3/JA4 pair: Chrome shuffles its
     * extensions, so its JA3 changes every connection. Distinct fingerprints beyond the bound share
     * one group, so a hostile capture cannot make millions.
     */
    @Test
    void softwareGroupsAreBoundedAndSurviveShuffledExtensions() {
        ClientFingerprints shuffling = new ClientFingerprints() {
            @Override
            public String ja3(ConnectionRecord r) {
                return String.format("%032x", r.clientPort); // a new JA3 every connection
            }

            @Override
            public String ja4(ConnectionRecord r) {
                return r.sni; // the test puts the JA4 there
            }
        };
        Readiness r = new Readiness(FingerprintTable.empty(), shuffling);
        for (int i = 0; i < 30_000; i++) {
            ConnectionRecord c = record("10.9." + (i >> 8 & 255) + "." + (i & 255), "tcp", TlsVersion.TLS12, TlsVersion.TLS12);
            c.clientPort = i;
            c.sni = "t13d1516h2_8daaf6152771_" + String.format("%012x", i < 20_000 ? 1 : i); // one stack, then 10,000 more
            r.accept(c);
        }
        List<Readiness.Software> software = r.software();
        assertEquals(Readiness.MAX_SOFTWARE + 1, software.size(), "the bound, and the group of the others");
        Readiness.Software chrome = software.stream().filter(s -> s.key.endsWith("000000000001")).findFirst().orElseThrow();
        assertEquals(20_000, chrome.connections);
        Readiness.Software other = software.stream().filter(s -> s.key.equals("(other fingerprints)")).findFirst().orElseThrow();
        assertEquals(10_000 - (Readiness.MAX_SOFTWARE - 1), other.connections);
    }

    @Test
    void sniRowsAreBounded() {
        Readiness r = new Readiness(FingerprintTable.empty(), ClientFingerprints.NONE);
        for (int i = 0; i < Readiness.MAX_SNIS + 5_000; i++) {
            ConnectionRecord c = record("10.8.0.1", "tcp", TlsVersion.TLS12, TlsVersion.TLS12);
            c.sni = "host-" + i + ".example.test";
            r.accept(c);
        }
        assertEquals(Readiness.MAX_SNIS + 1, r.snis().size());
        assertEquals(5_000, r.snis().stream().filter(s -> s.key.equals("(other names)")).findFirst().orElseThrow().connections);
    }

    @Test
    void refusalsNameTheAlert() {
        Map<String, String> alerts = new HashMap<>();
        for (JsonNode r : rows) if (r.get("list").asText().equals("refused")) alerts.put(r.get("key").asText(), r.get("alerts").toString());
        assertEquals(Map.of("10.77.0.12 -> tcp 10.77.0.1:9443", "[70]", "10.77.0.15 -> tcp 10.77.0.1:10443", "[40]",
                "10.77.0.16 -> tcp 10.77.0.1:11443", "[70]"), alerts);
    }

    @Test
    void serverVerdicts() {
        JsonNode shop = servers.get("10.77.0.1:443");
        assertEquals("legacy for old clients", shop.get("verdict").asText(), "gave 1.3 to one client, 1.0 to a 1.0-only one");
        assertEquals("TLSv1.3", shop.get("highest_negotiated").asText());
        assertEquals(3, shop.get("peers").asInt());
        assertEquals(1, shop.get("legacy_clients").asInt());
        assertEquals(1, shop.get("unknown_connections").asInt());
        assertEquals("legacy only", servers.get("10.77.0.1:8443").get("verdict").asText());
        assertEquals(1, servers.get("10.77.0.1:8443").get("talked_down").asInt());
        JsonNode retry = servers.get("10.77.0.1:9443");
        assertEquals("legacy only", retry.get("verdict").asText());
        assertEquals(1, retry.get("talked_down").asInt(), "the client only offered 1.0 because 1.3 was refused");
        assertEquals("unknown", servers.get("10.77.0.1:10443").get("verdict").asText());
        assertEquals("modern", servers.get("10.77.0.1:11443").get("verdict").asText());
        assertEquals("tcp", shop.get("transport").asText());
    }

    @Test
    void hoursOfCaptureTime() {
        Map<String, Integer> hours = new HashMap<>();
        for (JsonNode r : rows) if (r.get("list").asText().equals("hour")) hours.put(r.get("key").asText(), r.get("connections").asInt());
        assertEquals(Map.of("2023-11-14T22:00Z", 8, "2023-11-15T01:00Z", 1), hours);
    }

    @Test
    void csvHasTheSameRows() {
        CliRun run = CliRun.of("-q", "-r", pcap.toString(), "--readiness", "--format", "csv");
        assertEquals(0, run.exitStatus, run.toString());
        String[] lines = run.stdout.split("\n");
        assertEquals(rows.size() + 1, lines.length);
        assertTrue(lines[0].startsWith("list,transport,key,verdict,connections,negotiated_SSLv2,"), lines[0]);
        assertTrue(run.stdout.contains("\nclient,,10.77.0.13,will break,1,"), run.stdout);
    }

    @Test
    void terminalSummaryEndsWithVerdicts() {
        CliRun run = CliRun.of("-q", "-r", pcap.toString());
        assertEquals(0, run.exitStatus, run.toString());
        String tail = run.stdout.substring(run.stdout.indexOf("TLS 1.2 readiness:"));
        assertTrue(tail.startsWith("TLS 1.2 readiness: clients 2 will break, 2 server-side legacy, 3 ready;"), tail);
        assertTrue(tail.contains("3 clients refused"), tail);
        assertTrue(tail.contains("1 retrying with a lower version"), tail);
        assertTrue(tail.contains("will break          10.77.0.13 (max TLSv1.0), 10.77.0.15 (max TLSv1.1)"), tail);
        assertTrue(tail.contains("legacy servers      10.77.0.1:9443 [legacy only: TLSv1.0 1 conns/1 clients; best TLSv1.0], "
                + "10.77.0.1:8443 [legacy only"), tail);
        assertTrue(tail.contains("retrying            10.77.0.12 (1 retries, 1 with fallback SCSV)"), tail);
    }

    @Test
    void fallbackScsvIsReadFromTheCipherList() {
        ConnectionRecord with = new ConnectionRecord();
        byte[] body = TlsBytes.clientHello().cipherSuites(0xc02f, 0x5600).body();
        assertTrue(ClientHello.parse(body, 0, body.length, with));
        assertTrue(with.fallbackScsv);
        ConnectionRecord without = new ConnectionRecord();
        body = TlsBytes.clientHello().cipherSuites(0xc02f, 0x0056, 0x0000).body();
        assertTrue(ClientHello.parse(body, 0, body.length, without));
        assertFalse(without.fallbackScsv);
    }

    @Test
    void quicIsTls13AndDtls10IsLegacy() {
        Readiness r = new Readiness(FingerprintTable.empty(), ClientFingerprints.NONE);
        ConnectionRecord quic = record("10.1.1.1", "quic", TlsVersion.NONE, TlsVersion.NONE);
        r.accept(quic);
        ConnectionRecord dtls = record("10.1.1.2", "udp", TlsVersion.DTLS10, TlsVersion.DTLS10);
        r.accept(dtls);
        Map<String, Readiness.Client> byKey = new HashMap<>();
        for (Readiness.Client c : r.clients()) byKey.put(c.key, c);
        assertEquals(TlsVersion.TLS13, byKey.get("10.1.1.1").maxOffered);
        assertEquals(Readiness.ClientVerdict.READY, byKey.get("10.1.1.1").verdict());
        assertEquals(Readiness.ClientVerdict.WILL_BREAK, byKey.get("10.1.1.2").verdict());
        assertEquals(1, byKey.get("10.1.1.2").legacyConnections());
    }

    @Test
    void fingerprintsAreNamedFromTheTableAndUnknownOnesGrouped() throws Exception {
        Path extra = dir.resolve("mine.tsv");
        Files.writeString(extra, "# mine\nja3\t0123456789abcdef0123456789ABCDEF\tOur old scanner\tlab capture 2024\n");
        FingerprintTable table = FingerprintTable.builtIn().withFile(extra);
        ClientFingerprints fixed = new ClientFingerprints() {
            @Override
            public String ja3(ConnectionRecord r) {
                return r.client.endsWith(".1") ? "0123456789abcdef0123456789abcdef"
                        : r.client.endsWith(".2") ? "c6dbf3152a545382a95425e390e2d2e8" : "ffffffffffffffffffffffffffffffff";
            }

            @Override
            public String ja4(ConnectionRecord r) {
                return null;
            }
        };
        Readiness r = new Readiness(table, fixed);
        for (String c : List.of("10.1.1.1", "10.1.1.2", "10.1.1.3", "10.1.1.4")) r.accept(record(c, "tcp", TlsVersion.TLS10, TlsVersion.TLS10));
        Map<String, Readiness.Software> byJa3 = new HashMap<>();
        for (Readiness.Software s : r.software()) byJa3.put(s.ja3, s);
        assertEquals("Our old scanner", byJa3.get("0123456789abcdef0123456789abcdef").name());
        assertEquals("lab capture 2024", byJa3.get("0123456789abcdef0123456789abcdef").match.source());
        assertEquals("openssl s_client 3.0 -tls1", byJa3.get("c6dbf3152a545382a95425e390e2d2e8").name(), "built-in entry");
        Readiness.Software unknown = byJa3.get("ffffffffffffffffffffffffffffffff");
        assertNull(unknown.name(), "not guessed");
        assertEquals(2, unknown.clients.size(), "grouped");
        assertEquals("will break", unknown.verdictLabel());
    }

    @Test
    void theShippedTableNamesLegacyStacksFromRecordedHellos() {
        FingerprintTable table = FingerprintTable.builtIn();
        // JA3 of the hellos recorded for these clients (testssl.sh etc/client-simulation.txt at 0d6ab6b6),
        // computed by tlscensus and tshark 4.0; no bytes of that file are here.
        FingerprintTable.Match android = table.lookup("ef323f542a99ab12d6b5348bf039b7b4", null);
        assertEquals("Android 4.2.2 / 4.3 (TLS 1.0 max)", android.name());
        assertTrue(android.source().contains("\"Android 4.3\"") && android.source().contains("0d6ab6b6"), android.source());
        FingerprintTable.Match ie8 = table.lookup("2201d8e006f8f005a6b415f61e677532", null);
        assertEquals("Internet Explorer 8, 9 / Windows 7 (TLS 1.0 max)", ie8.name());
        assertTrue(ie8.source().contains("\"IE 8 Win 7\""), ie8.source());
        assertEquals("Internet Explorer 10 / Windows Phone 8.0 (TLS 1.0 max)",
                table.lookup("7b3b37883b5e80065b35f27888ed2b04", null).name());
        assertEquals("Safari 6.0.4 / OS X 10.8.4 (TLS 1.0 max)", table.lookup("cc5925c4720edb550491a12a35c15d4d", null).name());
        // JA4 sorts ciphers and extensions: IE 7 on Vista and IE 8-10 on Windows 7 share one, and it names them all
        assertEquals("Internet Explorer 7 / Windows Vista; Internet Explorer 8-10 / Windows 7 (TLS 1.0 max)",
                table.lookup(null, "t10d120500_d94e65cdb899_c35b4a14be45").name());
        assertEquals("Internet Explorer 11 / Windows 7 (TLS 1.2 max)", table.lookup("98eaec8c8ef8baab245d0b65f788be91", null).name());
        // With both, the JA3 (lists in order) tells them apart: IE 7 on Vista is not IE 8-10 on Windows 7.
        assertEquals("Internet Explorer 7 / Windows Vista (TLS 1.0 max)",
                table.lookup("2baf01616e930d378df97576e2686df3", "t10d120500_d94e65cdb899_c35b4a14be45").name());
        // A JA3 that is not in the table (a shuffled extension order) still finds the JA4.
        assertEquals("Internet Explorer 7 / Windows Vista; Internet Explorer 8-10 / Windows 7 (TLS 1.0 max)",
                table.lookup("00000000000000000000000000000000", "t10d120500_d94e65cdb899_c35b4a14be45").name());
    }

    @Test
    void aUsersEntryComesBeforeTheShippedOnesWhateverItsKind() throws Exception {
        Path mine = Files.createTempFile("mine", ".tsv");
        try {
            Files.writeString(mine, "ja4\tt10d120500_d94e65cdb899_c35b4a14be45\tour kiosk fleet\tour own capture\n");
            FingerprintTable table = FingerprintTable.builtIn().withFile(mine);
            assertEquals("our kiosk fleet",
                    table.lookup("2baf01616e930d378df97576e2686df3", "t10d120500_d94e65cdb899_c35b4a14be45").name());
            assertEquals(FingerprintTable.builtIn().size() + 1, table.size());
        } finally {
            Files.delete(mine);
        }
    }

    @Test
    void theShippedTableHasOneLinePerFingerprintEachWithItsSource() throws Exception {
        String text;
        try (InputStream in = FingerprintTable.class.getResourceAsStream(FingerprintTable.RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> keys = new HashSet<>();
        int entries = 0;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            entries++;
            String[] f = line.split("\t", -1);
            assertEquals(4, f.length, "kind, value, name, source: " + line);
            assertFalse(f[3].isBlank(), "a source: " + line);
            assertTrue(keys.add(f[0] + " " + f[1].toLowerCase(Locale.ROOT)),
                    "one line per fingerprint (a second one would silently replace the first): " + line);
        }
        assertEquals(entries, FingerprintTable.builtIn().size());
        assertTrue(entries >= 12 + 2 * 30, "the testssl.sh-derived entries are there: " + entries);
    }

    /**
     * scripts/fingerprint-hello on a hello we made ourselves (openssl s_client 3.0 -tls1, client
     * 10.99.1.12 of capture-samples/tls-versions.pcap) gives the ja3/ja4 of the table's entry for it,
     * and so does the Java code it relies on.
     */
    @Test
    void fingerprintHelloGivesTheTableEntryOfOurOwnHello() throws Exception {
        byte[] record = firstClientHelloRecord(TestInputs.samples().resolve("tls-versions.pcap"), "10.99.1.12");
        FingerprintTable table = FingerprintTable.builtIn();

        ConnectionRecord parsed = new ConnectionRecord();
        assertTrue(ClientHello.parse(record, 9, record.length - 9, parsed));
        assertEquals("c6dbf3152a545382a95425e390e2d2e8", Fingerprints.ja3(parsed));
        assertEquals("openssl s_client 3.0 -tls1", table.lookup(Fingerprints.ja3(parsed), null).name());

        Path tlscensus = dir.resolve("tlscensus-from-classpath");
        Files.writeString(tlscensus, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -cp '" + System.getProperty("java.class.path") + "' io.tlscensus.cli.Main \"$@\"\n");
        assertTrue(tlscensus.toFile().setExecutable(true));
        StringBuilder hex = new StringBuilder();
        for (byte b : record) hex.append(String.format("%02x", b & 0xff));
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of("..", "scripts", "fingerprint-hello").toString(), hex.toString())
                .redirectErrorStream(true);
        pb.environment().put("TLSCENSUS", tlscensus.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, String> printed = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split("\t", 2);
            if (kv.length == 2) printed.put(kv[0], kv[1]);
        }
        assertEquals("c6dbf3152a545382a95425e390e2d2e8", printed.get("ja3"), out);
        assertEquals("t10d090600_c491f621fb4c_195413a0cc0f", printed.get("ja4"), out);
        assertEquals("TLSv1.0", printed.get("max_version"), out);
        assertEquals("openssl s_client 3.0 -tls1", table.lookup(printed.get("ja3"), null).name());
        assertEquals("openssl s_client 3.0 -tls1", table.lookup(null, printed.get("ja4")).name());
        if (printed.containsKey("tshark_ja3")) assertEquals(printed.get("ja3"), printed.get("tshark_ja3"), out);
    }

    /** The TLS record of the first ClientHello that {@code client} sends (one TCP segment in our samples). */
    private static byte[] firstClientHelloRecord(Path capture, String client) throws Exception {
        byte[][] found = new byte[1][];
        try (CaptureSource source = Captures.open(capture)) {
            source.readAll((ts, linkType, buf, off, captured, original) -> {
                if (found[0] != null || linkType != 1 || captured < 14 + 20 + 20) return;
                if ((buf.getShort(off + 12) & 0xffff) != 0x0800 || buf.get(off + 14 + 9) != 6) return;
                int ip = off + 14;
                String src = (buf.get(ip + 12) & 0xff) + "." + (buf.get(ip + 13) & 0xff) + "." + (buf.get(ip + 14) & 0xff) + "."
                        + (buf.get(ip + 15) & 0xff);
                int tcp = ip + (buf.get(ip) & 0x0f) * 4;
                int payload = tcp + ((buf.get(tcp + 12) & 0xf0) >> 2);
                int end = ip + (buf.getShort(ip + 2) & 0xffff);
                if (!src.equals(client) || end - payload < 6 || buf.get(payload) != 0x16 || buf.get(payload + 5) != 1) return;
                int length = 5 + (buf.getShort(payload + 3) & 0xffff);
                assertTrue(payload + length <= end, "the hello is in one segment");
                found[0] = new byte[length];
                buf.get(payload, found[0]);
            });
        }
        assertTrue(found[0] != null, "a ClientHello from " + client + " in " + capture);
        return found[0];
    }

    @Test
    void aBadFingerprintFileIsOneLine() throws Exception {
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "ja3\tnot-a-hash\tx\n");
        CliRun run = CliRun.of("-q", "-r", pcap.toString(), "--fingerprints", bad.toString());
        assertEquals(2, run.exitStatus, run.toString());
        assertEquals("tlscensus: " + bad + ":1: a JA3 is 32 hex digits (the MD5), not 'not-a-hash'\n", run.stderr);
        run = CliRun.of("-q", "-r", pcap.toString(), "--fingerprints", dir.resolve("missing.tsv").toString());
        assertEquals(2, run.exitStatus, run.toString());
        assertEquals("tlscensus: " + dir.resolve("missing.tsv") + ": no such file\n", run.stderr);
    }

    @Test
    void readinessAndConnectionsDoNotMix() {
        CliRun run = CliRun.of("-r", pcap.toString(), "--readiness", "--connections");
        assertEquals(2, run.exitStatus);
        assertTrue(run.stderr.startsWith("tlscensus: --readiness and --connections cannot be combined"), run.stderr);
    }

    private static ConnectionRecord record(String client, String transport, int offered, int negotiated) {
        ConnectionRecord r = new ConnectionRecord();
        r.client = client;
        r.server = "192.0.2.1";
        r.serverPort = 443;
        r.transport = transport;
        r.tsMicros = T0;
        r.clientHelloSeen = offered != TlsVersion.NONE;
        r.clientHelloVersion = offered;
        r.serverHelloSeen = negotiated != TlsVersion.NONE;
        r.negotiatedVersion = negotiated;
        return r;
    }
}
