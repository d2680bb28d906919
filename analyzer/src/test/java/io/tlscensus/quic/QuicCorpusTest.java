package io.tlscensus.quic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.decode.IpAddress;
import io.tlscensus.decode.PacketDecoder;
import io.tlscensus.testing.TestInputs;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsStreamParser;
import io.tlscensus.tls.TlsVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every QUIC capture of ../shared/corpus/zeek: UDP payloads grouped by 5-tuple, each flow fed to a
 * {@link QuicConnection}, and the hellos compared with the rows of expected.jsonl whose transport
 * is "quic" (tshark 4.0, which decrypts Initial packets itself). Deviations are listed below with
 * what the packets show; each was checked with tshark.
 */
class QuicCorpusTest {
    private static final List<String> FIELDS =
            List.of("negotiated_version", "client_max_version", "client_hello_version", "sni");

    /**
     * QUIC connections the ground truth lacks: tshark tries QUIC only on UDP 443 (and ports it was
     * told), this class by content. `tshark -d udp.port==853,quic -r quic__quicdoq.pcap` shows the
     * same ClientHello (frame 1, ALPN "doq", no SNI) and ServerHello (frame 2, TLS 1.3).
     */
    private static final Set<String> EXTRA_CONNECTIONS = Set.of(
            "quic__quicdoq.pcap 127.0.0.1:46907 127.0.0.1:853");

    private static Map<String, JsonNode> expected;
    private static Map<String, Flow> actual;
    private static Map<String, String> files;

    /** One UDP flow of one capture: direction 0 is the sender of its first datagram. */
    private static final class Flow {
        final String[] address = new String[2];
        final int[] port = new int[2];
        final ConnectionRecord record = new ConnectionRecord();
        final QuicConnection quic = new QuicConnection(record);
        boolean quicSeen;

        String key(String file) {
            int c = clientSide();
            return file + " " + address[c] + ":" + port[c] + " " + address[1 - c] + ":" + port[1 - c];
        }

        /** Like the engine: the side that sent the ClientHello, else the side a ServerHello went to. */
        int clientSide() {
            if (quic.role(0) == TlsStreamParser.Role.CLIENT) return 0;
            if (quic.role(1) == TlsStreamParser.Role.CLIENT) return 1;
            return 0;
        }

        String counters() {
            return String.format("initial=%d decrypted=%d undecryptable=%d vn=%d retry=%d malformed=%d errors=%d overflow=%d",
                    quic.initialPackets(), quic.decryptedPackets(), quic.undecryptablePackets(),
                    quic.versionNegotiationPackets(), quic.retryPackets(), quic.malformedPackets(),
                    quic.protocolErrors(), quic.cryptoOverflows());
        }
    }

    @BeforeAll
    static void readCorpus() throws Exception {
        Path corpus = TestInputs.zeekCorpus();
        expected = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(corpus.resolve("expected.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode row = json.readTree(line);
            if (!row.get("transport").asText().equals("quic")) continue;
            String key = row.get("file").asText() + " " + row.get("client").asText() + ":" + row.get("client_port").asInt()
                    + " " + row.get("server").asText() + ":" + row.get("server_port").asInt();
            expected.put(key, row);
        }
        List<Path> captures;
        try (Stream<Path> s = Files.list(corpus)) {
            captures = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("quic__") || n.equals("ppp__quic-interop-retry.pcap");
            }).sorted().collect(Collectors.toList());
        }
        actual = new TreeMap<>();
        files = new TreeMap<>();
        for (Path capture : captures) {
            String file = capture.getFileName().toString();
            Map<String, Flow> flows = readFlows(capture);
            files.put(file, flows.values().stream().filter(f -> f.quicSeen)
                    .map(f -> f.key(file) + " " + f.counters()).collect(Collectors.joining("; ")));
            for (Flow f : flows.values()) {
                if (f.record.clientHelloSeen || f.record.serverHelloSeen) {
                    assertEquals(null, actual.put(f.key(file), f), "one connection per flow: " + f.key(file));
                }
            }
        }
    }

    /** Groups the capture's UDP payloads by canonical 5-tuple and feeds each flow's to its QuicConnection. */
    private static Map<String, Flow> readFlows(Path capture) throws Exception {
        Map<String, Flow> flows = new LinkedHashMap<>();
        PacketDecoder d = new PacketDecoder();
        try (CaptureSource source = Captures.open(capture)) {
            source.readAll((ts, linkType, buffer, offset, captured, original) -> {
                if (d.decode(linkType, buffer, offset, captured) != PacketDecoder.UDP) return;
                String src = IpAddress.format(d.srcHi, d.srcLo);
                String dst = IpAddress.format(d.dstHi, d.dstLo);
                String a = src + "|" + d.srcPort;
                String b = dst + "|" + d.dstPort;
                String key = a.compareTo(b) <= 0 ? a + " " + b : b + " " + a;
                Flow f = flows.get(key);
                if (f == null) {
                    f = new Flow();
                    f.address[0] = src;
                    f.port[0] = d.srcPort;
                    f.address[1] = dst;
                    f.port[1] = d.dstPort;
                    flows.put(key, f);
                }
                int direction = src.equals(f.address[0]) && d.srcPort == f.port[0] ? 0 : 1;
                if (f.quic.onDatagram(buffer, d.payloadOffset, d.payloadLength, direction)) f.quicSeen = true;
            });
        }
        return flows;
    }

    /** The counters say the hard parts were really exercised, and nothing failed on the way. */
    @Test
    void countersOfTheInterestingCaptures() {
        // Retry: the client's second Initial uses the Retry's SCID as DCID; every Initial still opens.
        for (String k : List.of("ppp__quic-interop-retry.pcap 193.167.0.100:42834 193.167.100.100:443",
                "quic__interop__quic-go_quic-go__retry.pcap 193.167.0.100:42834 193.167.100.100:443")) {
            QuicConnection q = actual.get(k).quic;
            assertEquals(1, q.retryPackets(), k);
            // Client Initial, Retry, client Initial with the new DCID, server Initial: then done().
            assertEquals(3, q.decryptedPackets(), k);
            assertEquals(0, q.undecryptablePackets(), k);
        }
        // Frames 1-3 are 0-RTT packets captured before the first Initial (frame 4); the ClientHello
        // is scattered over the Initials of frames 4-9 in CRYPTO frames out of order; the
        // ServerHello completes in frame 19. Frames 4-19 are 16 Initial packets, all opened.
        QuicConnection q = actual.get("quic__quic-decrypt-fail-google-de-51833.pcap "
                + "2a0a:4587:2030:817:656b:fb57:5125:cb8f:51883 2a00:1450:4001:831::2003:443").quic;
        assertEquals(16, q.decryptedPackets());
        assertEquals(16, q.initialPackets());
        assertTrue(q.done());
        for (Flow f : actual.values()) {
            assertEquals(0, f.quic.undecryptablePackets(), f.counters());
            assertEquals(0, f.quic.protocolErrors(), f.counters());
            assertEquals(0, f.quic.malformedPackets(), f.counters());
            assertEquals(f.record.clientHelloSeen && f.record.serverHelloSeen, f.quic.done(), f.counters());
        }
        // A single datagram of an unknown version (0x10010000): not QUIC as far as can be told.
        assertEquals("", files.get("quic__vector-max-size-crash.pcap"));
    }

    @Test
    void corpusHasItsQuicRows() {
        assertTrue(expected.size() >= 19, "quic rows in expected.jsonl: " + expected.size());
    }

    @Test
    void everyQuicConnectionMatchesTheGroundTruth() {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
            Flow got = actual.get(e.getKey());
            if (got == null) {
                String file = e.getKey().split(" ")[0];
                mismatches.add("missing: " + e.getKey() + " (flows: " + files.get(file) + ")");
                continue;
            }
            Map<String, String> have = fields(got.record);
            for (String field : FIELDS) {
                String want = text(e.getValue().get(field));
                if (!Objects.equals(want, have.get(field))) {
                    mismatches.add(e.getKey() + " " + field + ": expected " + want + ", got " + have.get(field)
                            + " (" + got.counters() + ")");
                }
            }
            assertEquals("quic", got.record.transport);
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void noConnectionsBeyondTheGroundTruthAndTheDocumentedOnes() {
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        assertEquals(new TreeSet<>(EXTRA_CONNECTIONS), extra);
    }

    @Test
    void quicdoqOnPort853IsDnsOverQuic() {
        ConnectionRecord r = actual.get("quic__quicdoq.pcap 127.0.0.1:46907 127.0.0.1:853").record;
        assertEquals(List.of("doq"), r.alpn);
        assertEquals(null, r.sni);
        assertEquals(TlsVersion.TLS13, r.negotiatedVersion);
    }

    private static Map<String, String> fields(ConnectionRecord r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("negotiated_version", TlsVersion.name(r.negotiatedVersion));
        m.put("client_max_version", TlsVersion.name(r.clientMaxVersion()));
        m.put("client_hello_version", TlsVersion.name(r.clientHelloVersion));
        m.put("sni", r.sni);
        return m;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
