package io.tlscensus;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every connection of ../shared/corpus/zeek/expected.jsonl, TCP, DTLS and QUIC alike, (Wireshark 4.0's decode) against
 * tlscensus' jsonl output of the whole corpus, on the fields that the census is about.
 * Deviations are listed below with what the packets show; each was checked with tshark.
 */
class ZeekCorpusConformanceTest {
    private static final List<String> FIELDS =
            List.of("transport", "negotiated_version", "client_max_version", "client_hello_version", "sni");

    private static final Map<String, String> DTLS13 =
            Map.of("client_max_version", "DTLSv1.3", "negotiated_version", "DTLSv1.3");
    /** ClientHellos offering 0xfefc that got no ServerHello. */
    private static final Map<String, String> DTLS13_OFFERED = Map.of("client_max_version", "DTLSv1.3");

    /** Ground-truth rows the packets prove wrong: key -> field -> value the packets show. */
    private static final Map<String, Map<String, String>> CORRECTIONS = Map.ofEntries(
            // Frame 6 is an SSLv2 SERVER-HELLO (tshark itself labels it "Server Hello"; Zeek logs
            // SSLv2): the oracle's field extraction misses SSLv2 server hellos, so its row says null.
            Map.entry("tls__ssl-v2.pcap 192.168.4.149:59062 91.227.4.92:443", Map.of("negotiated_version", "SSLv2")),
            // DTLS: the oracle reads only tls.* supported_versions fields (tshark names them dtls.*
            // for DTLS) and takes the first ClientHello *fragment*, which has no version. tshark
            // itself shows "Client Hello (Reassembled)" with the versions below. DTLS numbers count
            // down (0xfefc is 1.3), so the numeric maximum the oracle uses would be wrong too.
            Map.entry("tls__dtls1_0.pcap 192.168.6.86:63721 104.236.167.107:4433", // frames 1-2 reassembled: 0xfeff
                    Map.of("client_hello_version", "DTLSv1.0", "client_max_version", "DTLSv1.0")),
            Map.entry("tls__dtls1_2.pcap 192.168.17.58:60934 165.227.57.17:4400",
                    Map.of("client_hello_version", "DTLSv1.2", "client_max_version", "DTLSv1.2")),
            // Frames 1-3: ClientHello 0xfefd offering 0xfefc,0xfefd; frame 4: ServerHello selects 0xfefc.
            Map.entry("tls__dtls-sequence-number-jumps.pcap 10.0.0.1:50000 10.0.0.2:4433",
                    Map.of("client_hello_version", "DTLSv1.2", "client_max_version", "DTLSv1.3",
                            "negotiated_version", "DTLSv1.3")),
            // wolfSSL DTLS 1.3: every ClientHello offers 0xfefc and every ServerHello selects it.
            Map.entry("tls__dtls13-wolfssl.pcap 10.168.36.147:33714 10.168.36.144:11111", DTLS13),
            Map.entry("tls__dtls13-cid.pcap 10.168.36.147:57488 10.168.36.144:11111", DTLS13),
            Map.entry("tls__dtls13-cid.pcap 10.168.36.147:47904 10.168.36.144:11111", DTLS13),
            Map.entry("tls__dtls13-cid.pcap 10.168.36.147:52232 10.168.36.144:11111", DTLS13_OFFERED),
            Map.entry("tls__dtls13-cid.pcap 10.168.36.147:58771 10.168.36.144:11111", DTLS13_OFFERED),
            Map.entry("tls__dtls13-cid.pcap 10.168.36.147:56544 10.168.36.144:11111", DTLS13_OFFERED));

    /**
     * Connections tlscensus finds that the ground truth lacks, because tshark only tries TLS on
     * these ports with "decode as" (`tshark -d tcp.port==N,tls` shows the same hellos).
     */
    private static final Set<String> EXTRA_CONNECTIONS = Set.of(
            // TLS after RDP's X.224 negotiation on 3389 (ClientHello frames 8 and 26, ServerHello 9 and 27).
            "rdp__rdp-to-ssl.pcap 192.168.1.200:49206 192.168.1.150:3389",
            "rdp__rdp-to-ssl.pcap 192.168.1.200:49207 192.168.1.150:3389",
            // A ClientHello sent to a plain HTTP server on port 80 (frame 4 / frame 3); no ServerHello.
            "tls__https-to-http.pcap 127.0.0.1:50382 127.0.0.1:80",
            "tls__ssl-to-http-server.pcap 192.168.1.108:62561 87.240.132.72:80",
            // IRC STARTTLS on 6667: ClientHello frame 8, ServerHello frame 10.
            "tls__irc-starttls.pcap 203.143.168.47:55123 185.18.76.170:6667",
            // DNS over QUIC on UDP 853: `tshark -d udp.port==853,quic` decrypts the same Initials
            // (ALPN doq, ServerHello TLS 1.3); tshark tries QUIC on 443 only.
            "quic__quicdoq.pcap 127.0.0.1:46907 127.0.0.1:853");

    private static Map<String, JsonNode> expected;
    private static Map<String, JsonNode> actual;
    private static CliRun run;

    @BeforeAll
    static void runCorpus() throws Exception {
        Path corpus = TestInputs.zeekCorpus();
        expected = new LinkedHashMap<>();
        for (JsonNode row : CliRun.parseJsonLines(Files.readString(corpus.resolve("expected.jsonl")))) {
            expected.put(key(row), row);
        }
        run = CliRun.of("-q", "-r", corpus.toString(), "--connections", "--format", "jsonl");
        actual = new TreeMap<>();
        for (JsonNode row : run.jsonLines()) {
            assertEquals(null, actual.put(key(row), row), "one row per connection: " + key(row));
        }
    }

    private static String key(JsonNode row) {
        return Path.of(row.get("file").asText()).getFileName() + " " + row.get("client").asText() + ":"
                + row.get("client_port").asInt() + " " + row.get("server").asText() + ":" + row.get("server_port").asInt();
    }

    @Test
    void wholeCorpusReadsWithoutDamage() {
        assertEquals(0, run.exitStatus, run.toString());
        assertEquals(115, expected.size(), "rows of the ground truth: " + expected.size());
    }

    @Test
    void everyConnectionMatchesTheGroundTruth() {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
            JsonNode got = actual.get(e.getKey());
            if (got == null) {
                mismatches.add("missing: " + e.getKey());
                continue;
            }
            Map<String, String> corrections = CORRECTIONS.getOrDefault(e.getKey(), Map.of());
            for (String field : FIELDS) {
                String want = corrections.containsKey(field) ? corrections.get(field) : text(e.getValue().get(field));
                String have = text(got.get(field));
                if (!java.util.Objects.equals(want, have)) {
                    mismatches.add(e.getKey() + " " + field + ": expected " + want + ", got " + have);
                }
            }
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void correctionsStillDifferFromTheGroundTruth() {
        // A correction that the ground truth no longer needs must be removed from the list.
        for (Map.Entry<String, Map<String, String>> c : CORRECTIONS.entrySet()) {
            JsonNode row = expected.get(c.getKey());
            for (Map.Entry<String, String> f : c.getValue().entrySet()) {
                assertTrue(!f.getValue().equals(text(row.get(f.getKey()))), c.getKey() + " " + f.getKey());
            }
        }
    }

    @Test
    void noConnectionsBeyondTheGroundTruthAndTheDocumentedOnes() {
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        assertEquals(new TreeSet<>(EXTRA_CONNECTIONS), extra);
    }

    @Test
    void capturesWithoutTlsYieldNone() throws Exception {
        Set<String> filesWithTls = new TreeSet<>();
        for (String k : expected.keySet()) filesWithTls.add(k.split(" ")[0]);
        for (String k : EXTRA_CONNECTIONS) filesWithTls.add(k.split(" ")[0]);
        Set<String> allExpectedFiles = new TreeSet<>();
        for (JsonNode row : CliRun.parseJsonLines(Files.readString(TestInputs.zeekCorpus().resolve("expected.jsonl")))) {
            allExpectedFiles.add(row.get("file").asText());
        }
        for (String k : actual.keySet()) {
            String file = k.split(" ")[0];
            assertTrue(filesWithTls.contains(file), "TLS found in " + file + ", which has none over TCP: " + k);
        }
        assertTrue(allExpectedFiles.size() > filesWithTls.size() - EXTRA_CONNECTIONS.size());
    }

    /**
     * ja3 and ja3s of every TCP connection against tshark's, recorded by scripts/ja3-check in
     * src/test/resources/zeek-corpus-ja3.jsonl (first line: tshark version and options), so CI
     * needs no tshark. Rows with decode_as are the connections tshark only sees with -d.
     */
    @Test
    void ja3AndJa3sMatchTshark() throws Exception {
        List<JsonNode> rows;
        try (var in = ZeekCorpusConformanceTest.class.getResourceAsStream("/zeek-corpus-ja3.jsonl")) {
            rows = CliRun.parseJsonLines(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertTrue(rows.get(0).get("tool").asText().startsWith("TShark (Wireshark) 4.0"), rows.get(0).toString());
        List<JsonNode> connections = rows.subList(1, rows.size());
        List<String> mismatches = new ArrayList<>();
        int fingerprinted = 0;
        for (JsonNode want : connections) {
            JsonNode got = actual.get(key(want));
            if (got == null) {
                mismatches.add("missing: " + key(want));
                continue;
            }
            for (String field : List.of("ja3", "ja3s")) {
                if (!java.util.Objects.equals(text(want.get(field)), text(got.get(field)))) {
                    mismatches.add(key(want) + " " + field + ": tshark " + text(want.get(field)) + " ("
                            + text(want.get(field + "_full")) + "), got " + text(got.get(field)));
                }
            }
            if (text(want.get("ja3")) != null) fingerprinted++;
        }
        assertEquals(List.of(), mismatches);
        // Every connection tlscensus reports is covered, and nearly all have a TLS-format ClientHello.
        assertEquals(actual.values().stream().filter(r -> r.get("transport").asText().equals("tcp")).count(),
                connections.size());
        assertTrue(fingerprinted >= 85, "ClientHellos with a ja3: " + fingerprinted);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
