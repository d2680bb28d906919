package io.tlscensus.output.parquet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped while part files are being written: Ctrl-C/SIGTERM (shutdown hooks run) leaves no
 * file at all; SIGKILL (nothing runs) leaves only hidden temporary files that readers skip.
 */
class InterruptedRunTest {
    @TempDir
    Path temp;

    @Test
    void terminatedRunLeavesNoFile() throws Exception {
        Path out = temp.resolve("out");
        Process child = startWriting(out);
        child.destroy(); // SIGTERM: shutdown hooks run, as on Ctrl-C
        assertTrue(child.waitFor(2, TimeUnit.MINUTES));
        assertEquals(List.of(), ParquetCliChecks.files(out));
    }

    @Test
    void killedRunLeavesNoVisibleFile() throws Exception {
        Path out = temp.resolve("out");
        Process child = startWriting(out);
        child.destroyForcibly(); // SIGKILL: no hook runs
        assertTrue(child.waitFor(2, TimeUnit.MINUTES));
        List<Path> left = ParquetCliChecks.files(out);
        assertTrue(!left.isEmpty(), "the temporary file is still there");
        for (Path p : left) {
            String name = p.getFileName().toString();
            assertTrue(name.startsWith(".part-") && name.endsWith(".zstd.parquet.tmp"), name);
        }
    }

    /** Starts a long synthetic run and returns once its first part file is open and rows stream into it. */
    private static Process startWriting(Path out) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), SyntheticLoad.class.getName(),
                out.toString(), "1000000000")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(out)) {
                try (Stream<Path> s = Files.walk(out)) {
                    List<Path> temps = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList());
                    if (!temps.isEmpty()) {
                        Thread.sleep(500); // rows are going into the open part file
                        return child;
                    }
                } catch (java.io.UncheckedIOException | java.io.IOException e) {
                    // a directory appeared or vanished while walking: look again
                }
            }
            if (!child.isAlive()) throw new AssertionError("child exited early: " + child.exitValue());
            Thread.sleep(50);
        }
        child.destroyForcibly();
        throw new AssertionError("no part file was started within 2 minutes");
    }
}
