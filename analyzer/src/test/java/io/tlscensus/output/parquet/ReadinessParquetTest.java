package io.tlscensus.output.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.readiness.ReadinessWriter;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import io.tlscensus.tls.TlsVersion;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DIR/readiness read back with DuckDB: the same rows as --readiness --format jsonl, typed, by date;
 * with several threads too, whose aggregates are merged into the one written (counted once).
 */
class ReadinessParquetTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void readinessDatasetMatchesTheJsonlRows(int threads, @TempDir Path temp) throws Exception {
        Path out = temp.resolve("out");
        String input = TestInputs.samples().resolve("legacy-mix.pcap").toString();
        CliRun run = CliRun.of("-q", "-r", input, "--threads", String.valueOf(threads), "--parquet", out.toString(),
                "--readiness", "--format", "jsonl");
        assertEquals(0, run.exitStatus, run.toString());
        List<JsonNode> rows = run.jsonLines();

        try (Stream<Path> files = Files.walk(out.resolve("readiness"))) {
            List<Path> parts = files.filter(p -> p.toString().endsWith(".zstd.parquet")).toList();
            assertEquals(1, parts.size(), "one date, one part file: " + parts);
            assertEquals("date=2026-11-27", parts.get(0).getParent().getFileName().toString());
        }
        String readiness = DuckDb.dataset(out, "readiness");
        try (DuckDb db = new DuckDb()) {
            List<String> columns = new ArrayList<>(db.describe(readiness).keySet());
            List<String> want = new ArrayList<>();
            for (String name : ReadinessWriter.NAMES) {
                if (!name.equals("negotiated")) want.add(name);
                else for (String b : TlsVersion.BUCKETS) want.add("negotiated_" + b);
            }
            want.add("date");
            assertEquals(want, columns, "the csv columns, in order, plus the partition");
            assertEquals("BIGINT", db.describe(readiness).get("negotiated_TLSv1.0"));
            assertEquals("VARCHAR[]", db.describe(readiness).get("talked_down_by"));
            assertEquals("TIMESTAMP WITH TIME ZONE", db.describe(readiness).get("first_seen"));

            assertEquals((long) rows.size(), db.count("SELECT count(*) FROM " + readiness));
            Map<String, String> verdicts = new TreeMap<>();
            for (Map<String, Object> r : db.rows("SELECT key, verdict FROM " + readiness + " WHERE list = 'client'")) {
                verdicts.put((String) r.get("key"), (String) r.get("verdict"));
            }
            Map<String, String> jsonVerdicts = new TreeMap<>();
            for (JsonNode r : rows) if (r.get("list").asText().equals("client")) jsonVerdicts.put(r.get("key").asText(), r.get("verdict").asText());
            assertEquals(jsonVerdicts, verdicts);
            assertEquals(4L, db.count("SELECT count(*) FROM " + readiness + " WHERE list = 'client' AND verdict = 'will break'"));
            assertEquals(4L, db.count("SELECT \"negotiated_TLSv1.0\" FROM " + readiness
                    + " WHERE list = 'server' AND key = '10.99.2.1:4410'"));
            assertEquals("legacy only", db.value("SELECT verdict FROM " + readiness + " WHERE list = 'server' AND key = '10.99.2.1:4410'"));
            assertEquals(List.of(70), db.value("SELECT alerts FROM " + readiness + " WHERE list = 'refused' AND key LIKE '10.99.2.31 %'"));
            assertEquals(9L, db.count("SELECT sum(connections) FROM " + readiness + " WHERE list = 'hour'"));
            // The run row is written last, after readiness: a run row means its readiness files are in place.
            assertEquals(1L, db.count("SELECT count(*) FROM " + DuckDb.dataset(out, "run")));
        }
        assertTrue(Files.isDirectory(out.resolve("summary")));
    }
}
