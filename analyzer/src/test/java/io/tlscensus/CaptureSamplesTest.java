package io.tlscensus;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's own captures (made by scripts/make-samples with real TLS stacks) against their
 * manifest: exact connection counts and every connection's versions, SNI and endpoints.
 */
class CaptureSamplesTest {
    private static final List<String> MATCHED_FIELDS =
            List.of("client", "server", "server_port", "sni", "client_max_version", "negotiated_version",
                    "transport", "vlan", "tunnel_id");

    private static List<JsonNode> manifest() throws Exception {
        return CliRun.parseJsonLines(Files.readString(TestInputs.samples().resolve("manifest.jsonl")));
    }

    @TestFactory
    Iterator<DynamicTest> eachSampleMatchesItsManifest() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode sample : manifest()) {
            if (!sample.get("is_capture").asBoolean()) continue;
            String file = sample.get("file").asText();
            tests.add(DynamicTest.dynamicTest(file, () -> checkSample(sample)));
        }
        assertTrue(tests.size() >= 10, "manifest lists the samples");
        return tests.iterator();
    }

    private static void checkSample(JsonNode sample) {
        Path file = TestInputs.samples().resolve(sample.get("file").asText());
        CliRun run = CliRun.of("-q", "-r", file.toString(), "--connections", "--format", "jsonl");
        assertEquals(0, run.exitStatus, run.toString());
        List<JsonNode> rows = run.jsonLines();
        assertEquals(sample.get("tls_connections").asInt(), rows.size(), run.toString());

        JsonNode counts = sample.get("counts");
        for (String field : List.of("negotiated_version", "client_max_version", "client", "server_port")) {
            if (counts == null || !counts.has(field)) continue;
            Map<String, Integer> want = new TreeMap<>();
            counts.get(field).fields().forEachRemaining(e -> want.put(e.getKey(), e.getValue().asInt()));
            Map<String, Integer> have = new TreeMap<>();
            for (JsonNode r : rows) have.merge(r.get(field).isNull() ? "null" : r.get(field).asText(), 1, Integer::sum);
            want.remove("null", 0);
            assertEquals(want, have, file + " by " + field);
        }

        List<String> want = new ArrayList<>();
        for (JsonNode c : sample.get("connections")) want.add(describe(c));
        List<String> have = new ArrayList<>();
        for (JsonNode r : rows) have.add(describe(r));
        want.sort(null);
        have.sort(null);
        assertEquals(want, have, file + " connections");
    }

    private static String describe(JsonNode c) {
        StringBuilder sb = new StringBuilder();
        for (String f : MATCHED_FIELDS) sb.append(f).append('=').append(c.get(f).isNull() ? "null" : c.get(f).asText()).append(' ');
        return sb.toString();
    }

    @Test
    void theWholeDirectoryAddsUpAndSkipsNonCaptures() throws Exception {
        int expected = 0;
        for (JsonNode sample : manifest()) expected += sample.get("tls_connections").asInt();
        CliRun run = CliRun.of("-r", TestInputs.samples().toString(), "--connections", "--format", "jsonl");
        assertEquals(0, run.exitStatus, run.toString());
        assertEquals(expected, run.jsonLines().size());
        assertTrue(run.stderr.contains("README.md: skipped, not a capture file"), run.stderr);
        assertTrue(run.stderr.contains("manifest.jsonl: skipped, not a capture file"), run.stderr);
    }

    @Test
    void vlanTagsAreKeptOnTheRecord() {
        CliRun run = CliRun.of("-q", "-r", TestInputs.samples().resolve("vlan.pcap").toString(), "--connections",
                "--format", "jsonl");
        Map<String, String> vlanByClient = new TreeMap<>();
        for (JsonNode r : run.jsonLines()) vlanByClient.put(r.get("client").asText(), r.get("vlan").asText());
        // 10.99.8.x untagged, 10.99.81.x 802.1Q 100, 10.99.82.x QinQ with outer (802.1ad) tag 300.
        assertEquals(Map.of("10.99.8.11", "null", "10.99.81.11", "100", "10.99.81.12", "100",
                "10.99.82.11", "300", "10.99.82.12", "300"), vlanByClient);
    }
}
