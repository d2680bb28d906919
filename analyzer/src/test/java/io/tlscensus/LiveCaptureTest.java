package io.tlscensus;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tlscensus.testing.NetnsLab.CLI;
import static io.tlscensus.testing.NetnsLab.CLI6;
import static io.tlscensus.testing.NetnsLab.SRV;
import static io.tlscensus.testing.NetnsLab.SRV4;
import static io.tlscensus.testing.NetnsLab.SRV6;
import static io.tlscensus.testing.NetnsLab.SRV_IF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live capture with real traffic: curl and openssl clients in one network namespace, one
 * openssl s_server per TLS version in the other (TLS 1.0 on 4400 .. TLS 1.3 on 4403), tlscensus
 * capturing on the server's veth as a separate process (ip netns exec), stopped by SIGTERM as a
 * user or service manager would. Root only; see {@link NetnsLab}.
 */
class LiveCaptureTest {
    private static final String[] VERSIONS = {"1.0", "1.1", "1.2", "1.3"};
    private static final String[] SERVER_FLAGS = {"tls1", "tls1_1", "tls1_2", "tls1_3"};
    private static NetnsLab lab;

    @BeforeAll
    static void lab() throws Exception {
        lab = NetnsLab.start();
        for (int i = 0; i < 4; i++) lab.tlsServer(4400 + i, SERVER_FLAGS[i]);
        for (int host = 11; host <= 14; host++) lab.addClientAddress("10.123.0." + host);
    }

    @AfterAll
    static void cleanUp() {
        if (lab != null) lab.close();
    }

    /** A tlscensus process capturing in the server namespace. */
    private static final class Census {
        final Process process;
        final Path stdout;
        final Path stderr;

        Census(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** SIGTERM (Process.destroy); returns the seconds until the process had exited. */
        double stop() throws InterruptedException {
            long t0 = System.nanoTime();
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "tlscensus still running 10 s after SIGTERM");
            return (System.nanoTime() - t0) / 1e9;
        }

        String out() throws IOException {
            return Files.readString(stdout);
        }

        String err() throws IOException {
            return Files.readString(stderr);
        }

        /** The final stats line's counter before the given words, e.g. "TLS connections". */
        long stat(String words) throws IOException {
            Matcher m = Pattern.compile("(\\d+) " + Pattern.quote(words)).matcher(err());
            long last = -1;
            while (m.find()) last = Long.parseLong(m.group(1));
            assertTrue(last >= 0, "no '" + words + "' in stderr:\n" + err());
            return last;
        }
    }

    private static Census census(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.tlscensus.cli.Main",
                "-i", SRV_IF));
        command.addAll(List.of(args));
        Path out = lab.dir().resolve(name + ".out");
        Path err = lab.dir().resolve(name + ".err");
        Process p = lab.spawn(SRV, command, out, err);
        NetnsLab.awaitText(err, t -> t.contains("listening on " + SRV_IF), Duration.ofSeconds(30), p);
        return new Census(p, out, err);
    }

    /** client (or "total") -> version -> connections, from the jsonl summary. */
    private static Map<String, Map<String, Long>> negotiatedByClient(String jsonl) {
        Map<String, Map<String, Long>> result = new TreeMap<>();
        for (JsonNode row : CliRun.parseJsonLines(jsonl)) {
            String group = row.get("group").asText();
            if (!group.equals("client") && !group.equals("total")) continue;
            Map<String, Long> counts = new TreeMap<>();
            row.get("negotiated").fields().forEachRemaining(e -> {
                if (e.getValue().asLong() != 0) counts.put(e.getKey(), e.getValue().asLong());
            });
            result.put(group.equals("total") ? "total" : row.get("key").asText(), counts);
        }
        return result;
    }

    private static void curl(String source, String server, int version, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            assertEquals(0, lab.curl(source, server, 4400 + version, VERSIONS[version]),
                    "curl TLS " + VERSIONS[version] + " from " + source + " to " + server);
        }
    }

    @Test
    void countsEveryVersionPerClientExactly() throws Exception {
        Path saved = lab.dir().resolve("versions.pcap");
        Census c = census("versions", "--by", "client", "--format", "jsonl", "-w", saved.toString());
        curl("10.123.0.11", SRV4, 0, 3);
        curl("10.123.0.12", SRV4, 1, 2);
        curl("10.123.0.13", SRV4, 2, 4);
        curl("10.123.0.14", SRV4, 3, 1);
        curl(CLI6, SRV6, 3, 2);
        for (int i = 0; i < 2; i++) {
            String[] r = NetnsLab.run(CLI, "sh", "-c", "echo Q | openssl s_client -connect [" + SRV6 + "]:4402 -tls1_2");
            assertEquals("0", r[0], r[1]);
        }
        double seconds = c.stop();
        assertEquals(0, c.process.exitValue(), c.err());
        assertTrue(seconds < 3, "took " + seconds + " s to stop");
        Map<String, Map<String, Long>> expected = new TreeMap<>();
        expected.put("10.123.0.11", Map.of("TLSv1.0", 3L));
        expected.put("10.123.0.12", Map.of("TLSv1.1", 2L));
        expected.put("10.123.0.13", Map.of("TLSv1.2", 4L));
        expected.put("10.123.0.14", Map.of("TLSv1.3", 1L));
        expected.put(CLI6, Map.of("TLSv1.3", 2L, "TLSv1.2", 2L));
        expected.put("total", Map.of("TLSv1.0", 3L, "TLSv1.1", 2L, "TLSv1.2", 6L, "TLSv1.3", 3L));
        assertEquals(expected, negotiatedByClient(c.out()), c.out());
        assertEquals(14, c.stat("TLS connections"));
        assertTrue(c.err().contains("dropped: 0 by kernel, 0 by interface"), c.err());

        // -w saved every packet the census saw: reading it offline gives the same census.
        CliRun offline = CliRun.of("-r", saved.toString(), "--by", "client", "--format", "jsonl");
        assertEquals(0, offline.exitStatus, offline.toString());
        assertEquals(expected, negotiatedByClient(offline.stdout));
        assertTrue(offline.stderr.contains(" " + c.stat("packets") + " packets ("), offline.stderr + "\n" + c.err());
    }

    @Test
    void filterKeepsOnlyTheTls13Server() throws Exception {
        Census c = census("filter", "-f", "port 4403", "--format", "jsonl", "--by", "client");
        for (int v = 0; v < 4; v++) curl("10.123.0.11", SRV4, v, 2);
        c.stop();
        assertEquals(0, c.process.exitValue(), c.err());
        assertEquals(Map.of("10.123.0.11", Map.of("TLSv1.3", 2L), "total", Map.of("TLSv1.3", 2L)),
                negotiatedByClient(c.out()));
        assertTrue(c.err().contains("filter 'port 4403'"), c.err());
    }

    @Test
    void countStopsByItselfAfterThatManyPackets() throws Exception {
        Census c = census("count", "-c", "5", "-f", "tcp port 4402");
        curl("10.123.0.13", SRV4, 2, 1);
        assertTrue(c.process.waitFor(10, TimeUnit.SECONDS), "-c 5 did not stop the capture");
        assertEquals(0, c.process.exitValue(), c.err());
        assertTrue(c.out().contains("total"), c.out());
        assertEquals(5, c.stat("packets"));
        assertFalse(c.err().contains("stopped by"), c.err());
    }

    @Test
    void sigtermWhileHandshakesArriveFinishesCleanly() throws Exception {
        Census c = census("busy", "--interval", "1", "--format", "jsonl");
        // Clients keep connecting, to every version, until the test ends.
        Process clients = lab.spawn(CLI, List.of("sh", "-c", "while :; do for p in 4400 4401 4402 4403; do "
                        + "curl -sk --ciphers DEFAULT:@SECLEVEL=0 --tlsv1.0 -o /dev/null https://" + SRV4 + ":$p/cert.pem; done; done"),
                lab.dir().resolve("clients.out"), lab.dir().resolve("clients.err"));
        NetnsLab.awaitText(c.stderr, t -> t.contains("TLS connections, "), Duration.ofSeconds(20), c.process);
        assertTrue(clients.isAlive());
        double seconds = c.stop();
        clients.destroy();
        assertEquals(0, c.process.exitValue(), c.err());
        assertTrue(seconds < 3, "took " + seconds + " s to stop");
        assertTrue(c.err().contains("stopped by SIGTERM"), c.err());
        long connections = c.stat("TLS connections");
        assertTrue(connections > 0, c.err());
        Map<String, Map<String, Long>> summary = negotiatedByClient(c.out());
        assertEquals(connections, summary.get("total").values().stream().mapToLong(Long::longValue).sum(), c.out());
    }

    /**
     * --parquet with --rotate: every period is committed on its own into date=/hour= partitions,
     * and after SIGTERM every file is complete (DuckDB reads them all) and nothing half-written
     * is visible.
     */
    @Test
    void parquetRollsOverAndEveryFileIsReadableAfterSigterm() throws Exception {
        Path out = lab.dir().resolve("parquet-live");
        Census c = census("parquet", "--parquet", out.toString(), "--rotate", "2s", "-f", "tcp", "--format", "jsonl");
        Process clients = lab.spawn(CLI, List.of("sh", "-c", "while :; do for p in 4402 4403; do "
                        + "curl -sk -o /dev/null https://" + SRV4 + ":$p/cert.pem; done; done"),
                lab.dir().resolve("pq-clients.out"), lab.dir().resolve("pq-clients.err"));
        Thread.sleep(5_000); // at least two rotations
        c.stop();
        clients.destroy();
        assertEquals(0, c.process.exitValue(), c.err());
        long connections = c.stat("TLS connections");
        assertTrue(connections > 0, c.err());
        try (java.util.stream.Stream<Path> files = Files.walk(out)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            assertTrue(all.stream().noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), all.toString());
            assertTrue(all.stream().allMatch(p -> p.toString().matches(".*/date=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/part-[^/]+\\.parquet")),
                    all.toString());
        }
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement st = db.createStatement()) {
            java.util.function.Function<String, Long> count = sql -> {
                try (java.sql.ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    return rs.getLong(1);
                } catch (java.sql.SQLException e) {
                    throw new AssertionError(sql, e);
                }
            };
            String conns = "read_parquet('" + out + "/connections/**/*.parquet', hive_partitioning = true)";
            String runs = "read_parquet('" + out + "/run/**/*.parquet', hive_partitioning = true)";
            assertEquals(connections, count.apply("SELECT count(*) FROM " + conns));
            assertTrue(count.apply("SELECT count(*) FROM " + runs) >= 2, "one run row per period");
            assertEquals(connections, count.apply("SELECT max(tls_connections) FROM " + runs),
                    "the last period's run row has the capture's totals");
        }
    }

    /**
     * The readiness verdicts of a live capture, at its end: a TLS 1.0-only client will break, a
     * client that can do TLS 1.3 but meets a TLS 1.0-only server is the server's problem, a TLS 1.3
     * client is ready; the HTML report is written beside them and names the legacy server.
     */
    @Test
    void readinessVerdictsAndReportAtTheEndOfALiveCapture() throws Exception {
        Path report = lab.dir().resolve("live-report.html");
        Census c = census("readiness", "--readiness", "--format", "jsonl", "--report", report.toString(), "-f", "tcp");
        curl("10.123.0.11", SRV4, 0, 2);                       // can only speak TLS 1.0
        for (int i = 0; i < 2; i++) {                          // offers up to TLS 1.3, talked down by the 1.0 server
            String[] r = NetnsLab.run(CLI, "curl", "-sk", "--max-time", "10", "--interface", "10.123.0.12", "--tlsv1.0",
                    "--ciphers", "DEFAULT:@SECLEVEL=0", "-o", "/dev/null", "https://" + SRV4 + ":4400/cert.pem");
            assertEquals("0", r[0], r[1]);
        }
        curl("10.123.0.13", SRV4, 3, 1);                       // TLS 1.3
        c.stop();
        assertEquals(0, c.process.exitValue(), c.err());
        Map<String, String> verdicts = new TreeMap<>();
        for (JsonNode row : CliRun.parseJsonLines(c.out())) {
            if (row.get("list").asText().equals("client")) verdicts.put(row.get("key").asText(), row.get("verdict").asText());
        }
        assertEquals(Map.of("10.123.0.11", "will break", "10.123.0.12", "server-side legacy", "10.123.0.13", "ready"),
                verdicts, c.out());
        String html = Files.readString(report);
        assertTrue(html.contains("</html>") && html.contains(SRV4 + ":4400"), "the report names the legacy server");
        assertTrue(html.contains(SRV_IF), "the report names the interface it was captured on");
    }

    /**
     * The browsers' old fallback dance with real OpenSSL: a client limited to TLS 1.2 meets the
     * TLS 1.0-only server and refuses its ServerHello (alert protocol_version), then retries with
     * TLS 1.0 and TLS_FALLBACK_SCSV (RFC 7507). The retry and the SCSV are flagged, and the client
     * is the server's problem (it can do TLS 1.2), not a client that will break.
     */
    @Test
    void aRealFallbackRetryWithScsvIsFlagged() throws Exception {
        Census c = census("fallback", "--readiness", "--format", "jsonl", "-f", "tcp port 4400");
        String connect = "echo Q | openssl s_client -connect " + SRV4 + ":4400 -servername fallback.example.test ";
        String[] first = NetnsLab.run(CLI, "sh", "-c", connect + "-tls1_2");
        assertTrue(first[1].contains("alert protocol version") || first[1].contains("unsupported protocol"), first[1]);
        String[] retry = NetnsLab.run(CLI, "sh", "-c", connect + "-tls1 -fallback_scsv -cipher DEFAULT:@SECLEVEL=0");
        assertEquals("0", retry[0], retry[1]);
        c.stop();
        assertEquals(0, c.process.exitValue(), c.err());
        JsonNode client = null;
        JsonNode server = null;
        for (JsonNode row : CliRun.parseJsonLines(c.out())) {
            if (row.get("list").asText().equals("client")) client = row;
            if (row.get("list").asText().equals("server")) server = row;
        }
        assertTrue(client != null && server != null, c.out());
        assertEquals(NetnsLab.CLI4, client.get("key").asText(), c.out());
        assertEquals("server-side legacy", client.get("verdict").asText(), c.out());
        assertEquals("TLSv1.2", client.get("max_offered").asText(), c.out());
        assertEquals(2, client.get("connections").asLong(), c.out());
        assertEquals(1, client.get("fallback_scsv").asLong(), c.out());
        assertEquals(1, client.get("downgrade_retries").asLong(), c.out());
        assertEquals(SRV4 + ":4400", server.get("key").asText(), c.out());
        assertEquals("legacy only", server.get("verdict").asText(), c.out());
    }

    @Test
    void sigtermOnAnIdleInterfaceStopsAtOnce() throws Exception {
        Census c = census("idle", "-f", "port 9", "--interval", "0");
        Thread.sleep(1500); // libpcap is now blocked waiting for a packet that never comes
        double seconds = c.stop();
        assertEquals(0, c.process.exitValue(), c.err());
        assertTrue(seconds < 3, "took " + seconds + " s to stop");
        assertTrue(c.out().contains("total"), c.out());
        assertEquals(0, c.stat("packets"));
        assertTrue(c.err().contains("stopped by SIGTERM"), c.err());
    }

    @Test
    void durationStopsAnIdleCapture() throws Exception {
        Census c = census("duration", "-f", "port 9", "--duration", "2s");
        assertTrue(c.process.waitFor(15, TimeUnit.SECONDS), "--duration 2s did not stop the capture");
        assertEquals(0, c.process.exitValue(), c.err());
        assertTrue(c.err().contains("stopped by duration"), c.err());
    }

    @Test
    void withoutCapturePermissionOneLineSaysWhatIsNeeded() throws Exception {
        // Root without CAP_NET_RAW/CAP_NET_ADMIN in its bounding set is like an ordinary user.
        String[] r = NetnsLab.run(SRV, "setpriv", "--bounding-set", "-net_raw,-net_admin", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.tlscensus.cli.Main", "-i", SRV_IF);
        assertEquals("2", r[0], r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);
        assertTrue(r[1].contains("CAP_NET_RAW") && r[1].contains("Operation not permitted"), r[1]);
    }

    /** Packets the kernel dropped because a CPU's input backlog was full, over all CPUs. */
    private static long softnetDrops() throws IOException {
        long drops = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/softnet_stat"))) {
            drops += Long.parseLong(line.trim().split("\\s+")[1], 16);
        }
        return drops;
    }

    /**
     * A capture of real handshakes replayed as fast as tcpreplay can into the veth: every
     * handshake is counted, or the kernel reports drops.
     */
    @Test
    void topspeedReplayCountsEveryHandshakeOrReportsDrops() throws Exception {
        Path made = lab.dir().resolve("replay-source.pcap");
        Census source = census("replay-source", "-w", made.toString(), "-f", "tcp");
        int handshakes = 0;
        for (int round = 0; round < 5; round++) {
            for (int v = 0; v < 4; v++) {
                curl("10.123.0." + (11 + v), SRV4, v, 1);
                handshakes++;
            }
        }
        source.stop();
        assertEquals(0, source.process.exitValue(), source.err());
        CliRun offline = CliRun.of("-r", made.toString(), "--format", "jsonl");
        assertEquals((long) handshakes, negotiatedByClient(offline.stdout).get("total").values().stream()
                .mapToLong(Long::longValue).sum(), offline.toString());

        // Copies with other client addresses (a replayed 5-tuple would be one connection reusing its
        // port), sent to a MAC no one has so that the server's kernel does not answer them.
        int loops = 50;
        Path replayed = lab.dir().resolve("replay.pcap");
        Files.write(replayed, copiesForReplay(Files.readAllBytes(made), loops));
        CliRun offlineCopies = CliRun.of("-r", replayed.toString(), "--format", "jsonl");
        assertEquals((long) handshakes * loops, negotiatedByClient(offlineCopies.stdout).get("total").values().stream()
                .mapToLong(Long::longValue).sum(), offlineCopies.toString());
        Census c = census("replay", "--format", "jsonl", "-f", "tcp");
        long backlogDropsBefore = softnetDrops();
        String[] r = NetnsLab.run(CLI, "tcpreplay", "--topspeed", "-i",
                NetnsLab.CLI_IF, replayed.toString());
        assertEquals("0", r[0], r[1]);
        Matcher sent = Pattern.compile("Successful packets:\\s+(\\d+)").matcher(r[1]);
        assertTrue(sent.find(), r[1]);
        long packetsSent = Long.parseLong(sent.group(1));
        // At top speed the receiving veth's backlog queue can overflow before any packet socket
        // sees the packet: the kernel counts those in /proc/net/softnet_stat, not in pcap's stats.
        long backlogDrops = softnetDrops() - backlogDropsBefore;
        c.stop();
        assertEquals(0, c.process.exitValue(), c.err());
        long captured = c.stat("packets");
        long dropped = c.stat("by kernel,") + backlogDrops;
        long counted = c.stat("TLS connections");
        assertTrue(captured + dropped >= packetsSent, captured + " captured + " + dropped + " dropped < " + packetsSent
                + " sent\n" + c.err());
        if (dropped == 0) {
            assertEquals((long) handshakes * loops, counted, c.err());
        } else {
            assertTrue(counted < (long) handshakes * loops, c.err());
        }
        assertFalse(c.err().contains("Exception"), c.err());
    }

    /**
     * {@code copies} copies of a classic little-endian Ethernet/IPv4 pcap (as -w writes), copy k with
     * the clients moved from 10.123.0.x to 10.123.k.x (checksums kept right) so that every copy is
     * new connections, and every destination MAC set to 02:00:00:00:00:99.
     */
    private static byte[] copiesForReplay(byte[] pcap, int copies) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, in.getInt(0));
        assertEquals(1, in.getInt(20));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(pcap, 0, 24);
        for (int k = 1; k <= copies; k++) {
            int at = 24;
            while (at + 16 <= pcap.length) {
                int length = in.getInt(at + 8);
                byte[] record = java.util.Arrays.copyOfRange(pcap, at, at + 16 + length);
                byte[] mac = {2, 0, 0, 0, 0, (byte) 0x99};
                System.arraycopy(mac, 0, record, 16, 6);
                int ip = 16 + 14;
                if (length >= 14 + 20 && record[16 + 12] == 0x08 && record[16 + 13] == 0x00) {
                    int ihl = (record[ip] & 0x0f) * 4;
                    for (int addr : new int[] {ip + 12, ip + 16}) {
                        if ((record[addr] & 0xff) == 10 && (record[addr + 1] & 0xff) == 123 && (record[addr + 3] & 0xff) != 1) {
                            int old = (record[addr + 2] & 0xff) << 8 | (record[addr + 3] & 0xff);
                            int now = k << 8 | (record[addr + 3] & 0xff);
                            record[addr + 2] = (byte) k;
                            adjust(record, ip + 10, old, now);
                            if (record[ip + 9] == 6 && length >= 14 + ihl + 18) adjust(record, ip + ihl + 16, old, now);
                        }
                    }
                }
                out.write(record, 0, record.length);
                at += 16 + length;
            }
            assertEquals(pcap.length, at);
        }
        return out.toByteArray();
    }

    /** RFC 1624 incremental checksum update for one 16-bit word changed from old to now. */
    private static void adjust(byte[] b, int at, int old, int now) {
        int hc = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
        int sum = (~hc & 0xffff) + (~old & 0xffff) + now;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        int result = ~sum & 0xffff;
        b[at] = (byte) (result >>> 8);
        b[at + 1] = (byte) result;
    }
}
