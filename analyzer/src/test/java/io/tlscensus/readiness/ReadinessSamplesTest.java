package io.tlscensus.readiness;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verdicts on the real captures of capture-samples/, against what their manifest says each
 * client did: a client whose highest offer is below TLS 1.2 will break; one that offered 1.2+ and
 * got a legacy version was talked down by a server; the rest are ready. Servers: the highest
 * version each negotiated, and who negotiated legacy with it.
 */
class ReadinessSamplesTest {
    private static final Set<String> LEGACY = Set.of("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "DTLSv1.0");

    @ParameterizedTest
    @ValueSource(strings = {"legacy-mix.pcap", "tls-versions.pcap"})
    void clientVerdictsFollowTheManifest(String file) throws Exception {
        JsonNode sample = manifest(file);
        Map<String, String> want = new TreeMap<>();
        Map<String, String> wantMax = new TreeMap<>();
        for (JsonNode c : sample.get("connections")) {
            String max = c.get("client_max_version").asText();
            JsonNode negotiated = c.get("negotiated_version");
            String verdict = LEGACY.contains(max) ? "will break"
                    : !negotiated.isNull() && LEGACY.contains(negotiated.asText()) ? "server-side legacy" : "ready";
            want.put(c.get("client").asText(), verdict); // every connection has its own client address
            wantMax.put(c.get("client").asText(), max);
        }
        Map<String, String> have = new TreeMap<>();
        Map<String, String> haveMax = new TreeMap<>();
        for (JsonNode r : rows(file, "client")) {
            have.put(r.get("key").asText(), r.get("verdict").asText());
            haveMax.put(r.get("key").asText(), r.get("max_offered").asText());
        }
        assertEquals(want, have);
        assertEquals(wantMax, haveMax);
        assertTrue(have.containsValue("will break"), "the samples have clients that will break");
    }

    @ParameterizedTest
    @ValueSource(strings = {"legacy-mix.pcap", "tls-versions.pcap"})
    void serversFollowTheManifest(String file) throws Exception {
        JsonNode sample = manifest(file);
        Map<String, String> wantBest = new TreeMap<>();
        Map<String, Integer> wantLegacy = new TreeMap<>();
        for (JsonNode c : sample.get("connections")) {
            String server = c.get("server").asText() + ":" + c.get("server_port").asText();
            JsonNode negotiated = c.get("negotiated_version");
            wantLegacy.merge(server, !negotiated.isNull() && LEGACY.contains(negotiated.asText()) ? 1 : 0, Integer::sum);
            if (!negotiated.isNull()) wantBest.merge(server, negotiated.asText(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        Map<String, String> haveBest = new TreeMap<>();
        Map<String, Integer> haveLegacy = new TreeMap<>();
        for (JsonNode r : rows(file, "server")) {
            String key = r.get("key").asText();
            if (!r.get("highest_negotiated").isNull()) haveBest.put(key, r.get("highest_negotiated").asText());
            haveLegacy.put(key, r.get("legacy_connections").asInt());
            // One connection per client in the samples: legacy clients = legacy connections.
            assertEquals(r.get("legacy_connections").asInt(), r.get("legacy_clients").asInt(), key);
        }
        assertEquals(wantBest, haveBest);
        assertEquals(wantLegacy, haveLegacy);
    }

    @org.junit.jupiter.api.Test
    void legacyMixInDetail() throws Exception {
        Map<String, JsonNode> servers = new TreeMap<>();
        for (JsonNode r : rows("legacy-mix.pcap", "server")) servers.put(r.get("key").asText(), r);
        // The 1.0-only server talked down every modern client that came to it.
        assertEquals("legacy only", servers.get("10.99.2.1:4410").get("verdict").asText());
        assertEquals(4, servers.get("10.99.2.1:4410").get("talked_down").asInt());
        // The flexible server gave TLS 1.3 to a client that asked: its TLS 1.0 is the clients' limit.
        assertEquals("legacy for old clients", servers.get("10.99.2.1:4414").get("verdict").asText());
        assertEquals("TLSv1.3", servers.get("10.99.2.1:4414").get("highest_negotiated").asText());
        assertEquals(0, servers.get("10.99.2.1:4414").get("talked_down").asInt());
        // The 1.2+ server refused the 1.0/1.1 clients: no ServerHello, so its version is unknown.
        assertEquals("unknown", servers.get("10.99.2.1:4415").get("verdict").asText());
        assertEquals(2, servers.get("10.99.2.1:4415").get("refused").asInt());
        Map<String, String> refused = new TreeMap<>();
        for (JsonNode r : rows("legacy-mix.pcap", "refused")) refused.put(r.get("key").asText(), r.get("alerts").toString());
        assertEquals(Map.of("10.99.2.31 -> tcp 10.99.2.1:4415", "[70]", "10.99.2.32 -> tcp 10.99.2.1:4415", "[70]"), refused);
        for (JsonNode c : rows("legacy-mix.pcap", "client")) {
            if (c.get("verdict").asText().equals("server-side legacy")) {
                assertEquals("[\"10.99.2.1:4410 (tls10.example.test)\"]", c.get("talked_down_by").toString());
            }
        }
    }

    /** The samples' legacy clients are named from the shipped table; modern ones are not in it. */
    @org.junit.jupiter.api.Test
    void legacyClientSoftwareIsNamed() throws Exception {
        Map<String, String> software = new TreeMap<>();
        for (JsonNode r : rows("tls-versions.pcap", "client")) software.put(r.get("key").asText(), r.get("software").toString());
        assertEquals("[\"curl 7.88 / OpenSSL 3.0, --tls-max 1.0\"]", software.get("10.99.1.11"));
        assertEquals("[\"openssl s_client 3.0 -tls1\"]", software.get("10.99.1.12"));
        assertEquals("[\"gnutls-cli 3.7 limited to TLS 1.0\"]", software.get("10.99.1.13"));
        assertEquals("[\"openssl s_client 3.0 -tls1_1\"]", software.get("10.99.1.22"));
        assertTrue(software.get("10.99.1.42").startsWith("[\"JA4 t13d"), "a modern client is not named: " + software.get("10.99.1.42"));
    }

    private static List<JsonNode> rows(String file, String list) {
        CliRun run = CliRun.of("-q", "-r", TestInputs.samples().resolve(file).toString(), "--readiness", "--format", "jsonl");
        assertEquals(0, run.exitStatus, run.toString());
        return run.jsonLines().stream().filter(r -> r.get("list").asText().equals(list)).toList();
    }

    private static JsonNode manifest(String file) throws Exception {
        for (JsonNode s : CliRun.parseJsonLines(Files.readString(TestInputs.samples().resolve("manifest.jsonl")))) {
            if (s.get("file").asText().equals(file)) return s;
        }
        throw new AssertionError(file + " not in the manifest");
    }
}
