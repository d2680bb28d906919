package io.tlscensus.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Spark job in local mode against the single-machine tool (the shaded jar, run as users run it)
 * on the same inputs: the same connections row for row, the same summary, the same run counters,
 * the same column names and types, read back by DuckDB.
 */
class SparkCensusTest {
    private static SparkSession spark;

    @TempDir
    Path temp;

    @BeforeAll
    static void startSpark() {
        // local[2,4]: two cores, and a failed task is tried up to 4 times, as on a cluster.
        spark = SparkSession.builder().appName("tlscensus-test").master("local[2,4]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) spark.stop();
    }

    static Path samples() {
        Path p = Path.of(System.getProperty("tlscensus.samples", "../capture-samples"));
        if (!Files.isDirectory(p)) fail("capture-samples/ not found at " + p.toAbsolutePath());
        return p;
    }

    /** ../shared/corpus/zeek: a missing corpus fails in CI (CI=true) and skips elsewhere, as in the analyzer. */
    static Path zeekCorpus() {
        Path p = Path.of(System.getProperty("tlscensus.shared", "../../shared")).resolve("corpus/zeek");
        if (!Files.isRegularFile(p.resolve("expected.jsonl"))) {
            String message = "Zeek corpus not found at " + p.toAbsolutePath();
            if ("true".equals(System.getenv("CI"))) fail(message);
            Assumptions.abort(message + ": skipped outside CI");
        }
        return p;
    }

    @Test
    void captureSamplesGiveTheSameDatasetsAsTheSingleMachineTool() throws Exception {
        CensusJob.Result result = compareWithTool(List.of(samples().toString()), 0);
        assertTrue(result.stats.tlsConnections > 40, "connections: " + result.stats.tlsConnections);
        assertEquals(List.of(samples() + "/README.md", samples() + "/manifest.jsonl"), result.skipped);
    }

    @Test
    void zeekCorpusGivesTheSameDatasetsAsTheSingleMachineTool() throws Exception {
        CensusJob.Result result = compareWithTool(List.of(zeekCorpus().toString()), 0);
        assertTrue(result.read > 100, "captures read: " + result.read);
    }

    @Test
    void damagedAndUnreadableCapturesAreCountedAndDoNotFailTheJob() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("in"));
        byte[] whole = Files.readAllBytes(samples().resolve("legacy-mix.pcap"));
        Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length * 2 / 3));
        Files.copy(samples().resolve("tls-versions.pcap"), dir.resolve("whole.pcap"));
        Files.writeString(dir.resolve("notes.txt"), "not a capture\n");
        Path junk = Files.writeString(temp.resolve("junk.pcap"), "not a capture either\n");
        Path missing = temp.resolve("missing.pcap");

        CensusJob.Result result = compareWithTool(List.of(dir.toString(), junk.toString(), missing.toString()), 1);
        assertEquals(2, result.read);
        assertEquals(1, result.damaged);
        assertEquals(3, result.stats.damagedInputs, "cut.pcap damaged, junk.pcap unreadable, missing.pcap missing");
        assertEquals(List.of(dir + "/notes.txt"), result.skipped);
        assertTrue(result.stats.tlsConnections > 12, "the connections before the damage count too");
    }

    @Test
    void aRetriedTaskDoesNotCountTwice() throws Exception {
        String file = samples().resolve("legacy-mix.pcap").toString();
        CaptureAnalysis.failFirstAttemptOf = file;
        int before = CaptureAnalysis.INJECTED_FAILURES.get();
        try {
            CensusJob.Result result = compareWithTool(List.of(file, samples().resolve("tls-versions.pcap").toString()), 0);
            assertEquals(9 + 12, result.stats.tlsConnections);
        } finally {
            CaptureAnalysis.failFirstAttemptOf = null;
        }
        assertEquals(before + 1, CaptureAnalysis.INJECTED_FAILURES.get(), "the first attempt failed once");
    }

    /**
     * Runs the tool and the job on the same -r arguments and asserts equal datasets, exit status and
     * messages; returns the job's result.
     */
    private CensusJob.Result compareWithTool(List<String> inputs, int expectedStatus) throws Exception {
        Path toolOut = temp.resolve("tool");
        Path sparkOut = temp.resolve("spark");
        List<String> toolErrors = runTool(inputs, toolOut, expectedStatus);
        CensusJob.Result result = CensusJob.run(spark, inputs, sparkOut.toString());
        assertEquals(new TreeSet<>(toolErrors), new TreeSet<>(result.errors), "the same problems, each once");
        assertEquals(expectedStatus != 0, result.stats.damagedInputs > 0);

        try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement s = db.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
            }
            for (String dataset : List.of("connections", "summary", "run")) {
                assertEquals(describe(db, toolOut, dataset), describe(db, sparkOut, dataset),
                        dataset + ": column names and types");
                assertEquals(parquetSchema(db, toolOut, dataset), parquetSchema(db, sparkOut, dataset),
                        dataset + ": Parquet physical and logical types, REQUIRED and OPTIONAL alike");
            }
            List<Map<String, Object>> connections = rows(db, toolOut, "connections", "");
            assertEquals(result.stats.tlsConnections, connections.size());
            assertEquals(connections, rows(db, sparkOut, "connections", ""), "connections, row for row");
            assertEquals(rows(db, toolOut, "summary", ""), rows(db, sparkOut, "summary", ""), "summary");
            String notTheClock = " EXCLUDE (run_id, start_time, end_time, date)";
            List<Map<String, Object>> toolRun = rows(db, toolOut, "run", notTheClock);
            assertEquals(1, toolRun.size());
            assertEquals(toolRun, rows(db, sparkOut, "run", notTheClock), "run counters and inputs");
            assertEquals(List.of(Map.of("run_id", result.runId)), rows(db, sparkOut, "run", " EXCLUDE "
                    + "(tlscensus_version, inputs, start_time, end_time, date, inputs_read, damaged_inputs, packets, bytes, "
                    + "input_bytes, flows, peak_flows, tls_connections, malformed_packets, dropped_packets, tcp_packets, "
                    + "udp_packets, other_ip_packets, non_ip_packets, unsupported_link_packets, fragments, "
                    + "fragments_reassembled, fragments_dropped, tunneled_packets, truncated_segments, evicted_idle, "
                    + "evicted_for_space, reassembly_limit_hits, tls_malformed)"));
        }
        return result;
    }

    /** `java -jar tlscensus.jar -q -r ... --parquet DIR`; returns its error lines without the "tlscensus: " prefix. */
    private List<String> runTool(List<String> inputs, Path out, int expectedStatus) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("tlscensus.jar", "../analyzer/target/tlscensus.jar"));
        assertTrue(Files.isRegularFile(jar), "the analyzer's jar at " + jar.toAbsolutePath() + " (mvn package)");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "-q", "--parquet", out.toString()));
        for (String in : inputs) {
            command.add("-r");
            command.add(in);
        }
        Path stderr = temp.resolve("tool.stderr");
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the tool finished");
        List<String> lines = Files.readAllLines(stderr);
        assertEquals(expectedStatus, p.exitValue(), String.join("\n", lines));
        List<String> errors = new ArrayList<>();
        for (String line : lines) {
            assertTrue(line.startsWith("tlscensus: "), line);
            errors.add(line.substring("tlscensus: ".length()));
        }
        return errors;
    }

    private static String dataset(Path dir, String name) {
        return "read_parquet('" + dir.resolve(name) + "/**/*.parquet', hive_partitioning = true)";
    }

    private static Map<String, String> describe(Connection db, Path dir, String name) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, Object> row : query(db, "DESCRIBE SELECT * FROM " + dataset(dir, name))) {
            types.put((String) row.get("column_name"), (String) row.get("column_type"));
        }
        return types;
    }

    /** The Parquet schema of the dataset's first file, without its root (named differently by each writer). */
    private static List<Map<String, Object>> parquetSchema(Connection db, Path dir, String name) throws SQLException {
        String file;
        try (var files = Files.walk(dir.resolve(name))) {
            file = files.filter(f -> f.getFileName().toString().startsWith("part-")
                    && f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow().toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<Map<String, Object>> schema = query(db, "SELECT name, type, repetition_type, logical_type FROM parquet_schema('"
                + file + "')");
        return schema.subList(1, schema.size());
    }

    private static List<Map<String, Object>> rows(Connection db, Path dir, String name, String exclude) throws SQLException {
        return query(db, "SELECT *" + exclude + " FROM " + dataset(dir, name) + " ORDER BY ALL");
    }

    private static List<Map<String, Object>> query(Connection db, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData m = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof Array) v = Arrays.asList((Object[]) ((Array) v).getArray());
                    row.put(m.getColumnLabel(i), v);
                }
                rows.add(row);
            }
        }
        assertFalse(rows.isEmpty(), "no rows: " + sql);
        return rows;
    }
}
