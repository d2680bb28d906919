package io.tlscensus.output.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.output.ConnectionFields;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `--parquet` on a set of captures, read back with DuckDB and compared with the jsonl output of the
 * same run: row counts, column types, nullability, compression, partitions and every value. Runs on
 * the project's capture-samples/ and on the Zeek corpus (ParquetCaptureSamplesTest, ParquetZeekCorpusTest).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ParquetCliChecks {
    abstract Path input();

    abstract int minimumConnections();

    /** A counter of the statistics line on stderr: its first "N label". */
    private long stat(String label) {
        Matcher m = Pattern.compile("(\\d+) " + label + "\\b").matcher(run.stderr);
        assertTrue(m.find(), label + " in " + run.stderr);
        return Long.parseLong(m.group(1));
    }

    private Path out;
    private CliRun run;
    private List<JsonNode> jsonl;

    @BeforeAll
    void runCli(@TempDir Path temp) {
        out = temp.resolve("out");
        run = CliRun.of("-r", input().toString(), "--connections", "--format", "jsonl", "--parquet", out.toString());
        jsonl = run.jsonLines();
    }

    @Test
    void connectionsHaveEveryJsonlFieldTypedAsDocumented() throws Exception {
        assertEquals(0, run.exitStatus, run.toString());
        assertEquals(ConnectionFields.NAMES, Datasets.CONNECTIONS.columnNames(), "same columns, same order as jsonl");
        Map<String, String> expected = new LinkedHashMap<>();
        for (String name : ConnectionFields.NAMES) expected.put(name, "VARCHAR");
        expected.put("ts", "TIMESTAMP WITH TIME ZONE");
        expected.put("client_port", "INTEGER");
        expected.put("server_port", "INTEGER");
        expected.put("vlan", "INTEGER");
        expected.put("tunnel_id", "BIGINT");
        expected.put("client_supported_versions", "VARCHAR[]");
        expected.put("alpn", "VARCHAR[]");
        expected.put("alerts", "INTEGER[]");
        expected.put("server_hello_seen", "BOOLEAN");
        expected.put("date", "DATE");
        try (DuckDb db = new DuckDb()) {
            assertEquals(expected, db.describe(DuckDb.dataset(out, "connections")));
            Set<String> optional = new TreeSet<>();
            for (Map<String, Object> col : db.rows("SELECT DISTINCT name, repetition_type, converted_type, logical_type FROM parquet_schema('"
                    + out + "/connections/*/*.parquet')")) {
                String name = (String) col.get("name");
                if ("OPTIONAL".equals(col.get("repetition_type"))) optional.add(name);
                if (name.equals("ts")) {
                    assertEquals("TIMESTAMP_MICROS", col.get("converted_type"));
                    assertTrue(((String) col.get("logical_type")).contains("isAdjustedToUTC=1"), col.toString());
                }
            }
            assertEquals(new TreeSet<>(List.of("vlan", "tunnel_id", "sni", "client_hello_version", "client_max_version",
                    "server_hello_version", "negotiated_version", "cipher_suite", "record_version",
                    "ja3", "ja3s", "ja4", "ja4_r")), optional);
            assertEquals(List.of("ZSTD"), db.rows("SELECT DISTINCT compression FROM parquet_metadata('" + out + "/**/*.parquet')")
                    .stream().map(r -> r.get("compression")).collect(Collectors.toList()));
            // small datasets: one row group per file, never one per row
            assertTrue(db.count("SELECT count(*) FROM " + DuckDb.dataset(out, "connections")) > 1);
            assertEquals(0L, db.count("SELECT max(row_group_id) FROM parquet_metadata('" + out + "/**/*.parquet')"));
        }
    }

    @Test
    void connectionRowsEqualTheJsonlRows() throws Exception {
        assertTrue(jsonl.size() >= minimumConnections(), "connections: " + jsonl.size());
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode row : jsonl) assertNull(byKey.put(key(row), row), "unique key " + key(row));
        try (DuckDb db = new DuckDb()) {
            List<Map<String, Object>> rows = db.rows("SELECT *, epoch_us(ts) AS ts_us, CAST(date AS VARCHAR) AS day FROM "
                    + DuckDb.dataset(out, "connections"));
            assertEquals(jsonl.size(), rows.size());
            Set<String> seen = new HashSet<>();
            for (Map<String, Object> row : rows) {
                long micros = (Long) row.get("ts_us");
                String k = row.get("file") + " " + row.get("client") + ":" + row.get("client_port") + " "
                        + row.get("server") + ":" + row.get("server_port") + " " + micros;
                JsonNode expected = byKey.get(k);
                assertNotNull(expected, "parquet row not in jsonl: " + k);
                assertTrue(seen.add(k));
                for (String name : ConnectionFields.NAMES) {
                    if (name.equals("ts")) {
                        assertEquals(micros(expected.get("ts").asText()), micros, k);
                    } else {
                        Object want = plain(expected.get(name));
                        Object got = row.get(name);
                        if (want instanceof Number && got instanceof Number) {
                            assertEquals(((Number) want).longValue(), ((Number) got).longValue(), k + " " + name);
                        } else {
                            assertEquals(want, got, k + " " + name);
                        }
                    }
                }
                assertEquals(LocalDate.ofEpochDay(Math.floorDiv(micros, 86_400_000_000L)).toString(), row.get("day"),
                        "partitioned by the UTC date of ts: " + k);
            }
        }
    }

    @Test
    void summaryCountsEachCombinationOnce() throws Exception {
        Map<String, long[]> expected = new TreeMap<>();
        for (JsonNode r : jsonl) {
            String k = String.join("|", r.get("transport").asText(), text(r.get("vlan")), text(r.get("tunnel_id")),
                    r.get("client").asText(), r.get("server").asText(), r.get("server_port").asText(),
                    text(r.get("sni")), text(r.get("negotiated_version")), text(r.get("client_max_version")));
            long ts = micros(r.get("ts").asText());
            long[] cell = expected.computeIfAbsent(k, x -> new long[]{0, Long.MAX_VALUE, Long.MIN_VALUE});
            cell[0]++;
            cell[1] = Math.min(cell[1], ts);
            cell[2] = Math.max(cell[2], ts);
        }
        Map<String, long[]> actual = new TreeMap<>();
        try (DuckDb db = new DuckDb()) {
            Map<String, String> types = db.describe(DuckDb.dataset(out, "summary"));
            assertEquals(List.of("transport", "vlan", "tunnel_id", "client", "server", "server_port", "sni",
                    "negotiated_version", "client_max_version", "connections", "first_seen", "last_seen", "date"),
                    new ArrayList<>(types.keySet()));
            assertEquals("INTEGER", types.get("server_port"));
            assertEquals("BIGINT", types.get("connections"));
            assertEquals("TIMESTAMP WITH TIME ZONE", types.get("first_seen"));
            for (Map<String, Object> r : db.rows("SELECT *, epoch_us(first_seen) AS f, epoch_us(last_seen) AS l, "
                    + "CAST(date AS VARCHAR) AS day FROM " + DuckDb.dataset(out, "summary"))) {
                String k = String.join("|", (String) r.get("transport"), text(r.get("vlan")), text(r.get("tunnel_id")),
                        (String) r.get("client"), (String) r.get("server"), r.get("server_port").toString(),
                        text(r.get("sni")), text(r.get("negotiated_version")), text(r.get("client_max_version")));
                long first = (Long) r.get("f");
                assertNull(actual.put(k, new long[]{(Long) r.get("connections"), first, (Long) r.get("l")}), k);
                assertEquals(LocalDate.ofEpochDay(Math.floorDiv(first, 86_400_000_000L)).toString(), r.get("day"));
            }
        }
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertEquals(List.of(v[0], v[1], v[2]), List.of(actual.get(k)[0], actual.get(k)[1],
                actual.get(k)[2]), k));
    }

    @Test
    void runRowHasTheStatisticsOfTheRun() throws Exception {
        try (DuckDb db = new DuckDb()) {
            List<Map<String, Object>> rows = db.rows("SELECT *, CAST(date AS VARCHAR) AS day, "
                    + "epoch_us(start_time) AS s, epoch_us(end_time) AS e FROM " + DuckDb.dataset(out, "run"));
            assertEquals(1, rows.size());
            Map<String, Object> r = rows.get(0);
            assertEquals(stat("inputs"), r.get("inputs_read"));
            assertEquals(stat("packets"), r.get("packets"));
            assertEquals(stat("bytes"), r.get("bytes"));
            assertEquals(stat("flows"), r.get("flows"));
            assertEquals(stat("TLS connections"), r.get("tls_connections"));
            assertEquals((long) jsonl.size(), r.get("tls_connections"));
            assertNull(r.get("dropped_packets"), "offline runs drop nothing they could count");
            assertEquals(0L, r.get("damaged_inputs"));
            List<?> inputs = (List<?>) r.get("inputs");
            assertEquals(stat("inputs"), inputs.size());
            Set<String> files = jsonl.stream().map(j -> j.get("file").asText()).collect(Collectors.toSet());
            assertTrue(inputs.containsAll(files), "every connection's file is an input");
            assertEquals("0.1.0", r.get("tlscensus_version"));
            long start = (Long) r.get("s");
            long end = (Long) r.get("e");
            assertTrue(start <= end && Math.abs(start / 1000 - System.currentTimeMillis()) < 3_600_000, start + " " + end);
            assertEquals(LocalDate.ofEpochDay(Math.floorDiv(start, 86_400_000_000L)).toString(), r.get("day"));
            // every part file of the run carries its id
            String runId = (String) r.get("run_id");
            try (Stream<Path> files2 = Files.walk(out)) {
                List<Path> parts = files2.filter(Files::isRegularFile).collect(Collectors.toList());
                assertFalse(parts.isEmpty());
                for (Path p : parts) {
                    assertTrue(p.getFileName().toString().matches("part-\\d{8}T\\d{6}Z-" + runId + "-\\d{4}\\.zstd\\.parquet"), p.toString());
                }
            }
        }
    }

    static long micros(String iso) {
        Instant t = Instant.parse(iso);
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    private static String key(JsonNode row) {
        return row.get("file").asText() + " " + row.get("client").asText() + ":" + row.get("client_port").asInt() + " "
                + row.get("server").asText() + ":" + row.get("server_port").asInt() + " " + micros(row.get("ts").asText());
    }

    private static String text(Object v) {
        if (v instanceof JsonNode) return ((JsonNode) v).isNull() ? "(null)" : ((JsonNode) v).asText();
        return v == null ? "(null)" : v.toString();
    }

    /** A JSON value as the Java value DuckDB's JDBC driver gives for the same column. */
    static Object plain(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isTextual()) return v.asText();
        if (v.isBoolean()) return v.asBoolean();
        if (v.isInt()) return v.asInt();
        if (v.isLong()) return v.asLong();
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            v.forEach(e -> list.add(plain(e)));
            return list;
        }
        throw new AssertionError("unexpected JSON value " + v);
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }

    static String day(long micros) {
        return Instant.EPOCH.plusNanos(micros * 1000).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
