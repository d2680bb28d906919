package io.tlscensus.output.parquet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five million connections streamed to Parquet in a JVM limited to 256 MB of heap: if rows were
 * kept (a few hundred bytes each) the child would run out of memory long before the end.
 */
class StreamingMemoryTest {
    private static final long ROWS = 5_000_000L;

    @TempDir
    Path temp;

    @Test
    void fiveMillionConnectionsUnder256MbOfHeap() throws Exception {
        Path out = temp.resolve("out");
        Path log = temp.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                SyntheticLoad.class.getName(), out.toString(), Long.toString(ROWS)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // a guard against a hung child only, not a timing assertion
        if (!child.waitFor(15, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError("child still running after 15 minutes");
        }
        String output = Files.readString(log);
        System.out.println("StreamingMemoryTest child: " + output.strip());
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.startsWith("rows=" + ROWS + " max_heap="), "nothing else on the child's stdout/stderr: " + output);

        long lastMicros = SyntheticLoad.START_MICROS + (ROWS - 1) * SyntheticLoad.STEP_MICROS;
        try (DuckDb db = new DuckDb()) {
            String connections = DuckDb.dataset(out, "connections");
            assertEquals(ROWS, db.count("SELECT count(*) FROM " + connections));
            List<Map<String, Object>> days = db.rows("SELECT CAST(date AS VARCHAR) AS day, count(*) AS n FROM "
                    + connections + " GROUP BY ALL ORDER BY day");
            assertEquals(List.of("2024-03-01", "2024-03-02", "2024-03-03"),
                    days.stream().map(d -> d.get("day")).collect(java.util.stream.Collectors.toList()));
            assertEquals(86_400_000_000L / SyntheticLoad.STEP_MICROS, ((Number) days.get(0).get("n")).longValue());
            assertEquals(lastMicros, db.count("SELECT max(epoch_us(ts)) FROM " + connections));
            assertEquals(ROWS / 10, db.count("SELECT count(vlan) FROM " + connections));
            assertEquals(ROWS / 5, db.count("SELECT count(*) FROM " + connections + " WHERE sni IS NULL"));
            assertEquals((ROWS + 6) / 7, db.count("SELECT count(*) FROM " + connections + " WHERE len(alpn) = 2"));
            // the summary holds every connection once, in few rows
            String summary = DuckDb.dataset(out, "summary");
            assertEquals(ROWS, db.count("SELECT sum(connections) FROM " + summary));
            assertTrue(db.count("SELECT count(*) FROM " + summary) < 100_000);
            // row groups sized for analytics (64 MB buffered, ~1.7M rows here): a few per partition, not thousands
            long rowGroups = db.count("SELECT count(*) FROM (SELECT DISTINCT file_name, row_group_id FROM parquet_metadata('"
                    + out + "/connections/**/*.parquet'))");
            assertTrue(rowGroups >= 3 && rowGroups <= 30, "row groups: " + rowGroups);
        }
    }
}
