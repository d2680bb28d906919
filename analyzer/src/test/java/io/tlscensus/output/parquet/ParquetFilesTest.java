package io.tlscensus.output.parquet;

import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Part files: new ones each run, none visible unless complete, and a failed write says so. */
class ParquetFilesTest {
    @TempDir
    Path temp;

    @Test
    void secondRunAddsFilesAndKeepsTheFirst() throws Exception {
        Path out = temp.resolve("out");
        String corpus = TestInputs.zeekCorpus().toString();
        CliRun first = CliRun.of("-q", "-r", corpus, "--parquet", out.toString());
        assertEquals(0, first.exitStatus, first.toString());
        Map<Path, byte[]> before = new HashMap<>();
        for (Path p : ParquetCliChecks.files(out)) before.put(p, Files.readAllBytes(p));
        long connections;
        try (DuckDb db = new DuckDb()) {
            connections = db.count("SELECT count(*) FROM " + DuckDb.dataset(out, "connections"));
        }
        assertTrue(connections > 0);

        CliRun second = CliRun.of("-q", "-r", corpus, "--parquet", out.toString());
        assertEquals(0, second.exitStatus, second.toString());
        List<Path> after = ParquetCliChecks.files(out);
        // File counts may differ between runs (with several threads, rows reach the date
        // partitions in another order); every earlier file must still be there, byte for byte.
        assertTrue(after.containsAll(before.keySet()) && after.size() > before.size(),
                "the second run's files beside the first's");
        for (Map.Entry<Path, byte[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), "untouched: " + e.getKey());
        }
        try (DuckDb db = new DuckDb()) {
            assertEquals(2 * connections, db.count("SELECT count(*) FROM " + DuckDb.dataset(out, "connections")));
            assertEquals(2L, db.count("SELECT count(DISTINCT run_id) FROM " + DuckDb.dataset(out, "run")));
            assertEquals(2 * connections, db.count("SELECT sum(connections) FROM " + DuckDb.dataset(out, "summary")));
        }
    }

    /**
     * A partition directory that cannot be created (a plain file stands in its place) fails the
     * write in the middle of the run, after other part files were already being written.
     */
    @Test
    void writeFailingMidwayLeavesNoFileAndExitsWithOneLine() throws Exception {
        Path probe = temp.resolve("probe");
        String corpus = TestInputs.zeekCorpus().toString();
        assertEquals(0, CliRun.of("-q", "-r", corpus, "--parquet", probe.toString()).exitStatus);
        List<String> days;
        try (Stream<Path> s = Files.list(probe.resolve("connections"))) {
            days = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertTrue(days.size() >= 3, days.toString());

        Path out = temp.resolve("out");
        Files.createDirectories(out.resolve("connections"));
        Path blocker = out.resolve("connections").resolve(days.get(days.size() / 2));
        Files.writeString(blocker, "not a directory");
        Path report = temp.resolve("report.jsonl");
        CliRun run = CliRun.of("-q", "-r", corpus, "--connections", "--format", "jsonl", "-o", report.toString(),
                "--parquet", out.toString());
        assertEquals(2, run.exitStatus, run.toString());
        assertEquals(1, run.stderr.lines().count(), run.stderr);
        assertTrue(run.stderr.startsWith("tlscensus: cannot write Parquet output in " + out + ": " + blocker
                + ": exists and is not a directory"), run.stderr);
        assertEquals(List.of(blocker), ParquetCliChecks.files(out), "no part file, finished or not, is left");
        assertFalse(Files.exists(report), "the -o file is not written either");
    }

    /** A full disk, for real: a 64 kB tmpfs (root only; CI runs as root). */
    @Test
    void fullDiskLeavesNoFileAndExitsWithOneLine() throws Exception {
        Path mount = temp.resolve("tiny");
        Files.createDirectories(mount);
        boolean mounted = exec("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()) == 0;
        if (!mounted && "true".equals(System.getenv("CI"))) throw new AssertionError("cannot mount a tmpfs in CI");
        Assumptions.assumeTrue(mounted, "mounting a tmpfs needs root: skipped");
        try {
            Path out = mount.resolve("out");
            CliRun run = CliRun.of("-q", "-r", TestInputs.zeekCorpus().toString(), "--parquet", out.toString());
            assertEquals(2, run.exitStatus, run.toString());
            assertEquals(1, run.stderr.lines().count(), run.stderr);
            assertTrue(run.stderr.startsWith("tlscensus: cannot write Parquet output in " + out + ": "), run.stderr);
            assertTrue(run.stderr.contains("No space left on device"), run.stderr);
            assertEquals(List.of(), ParquetCliChecks.files(out), "no part file, finished or not, is left");
        } finally {
            exec("umount", mount.toString());
        }
    }

    private static int exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    static List<String> names(List<Path> paths) {
        List<String> names = new ArrayList<>();
        for (Path p : paths) names.add(p.getFileName().toString());
        return names;
    }
}
