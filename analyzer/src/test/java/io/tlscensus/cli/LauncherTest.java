package io.tlscensus.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/tlscensus picks the JIT from the run: C1 only for files, C2 for a live capture, which runs
 * for hours, and for 4 GiB or more of files read by fewer threads than there are cores, where C2's
 * steady state pays for its compiling on the free core (README, Performance). TLSCENSUS_SHOW_JAVA
 * prints the JVM options it would use without running anything.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "scripts", "tlscensus").toAbsolutePath().normalize();
    private static final String C1 = "-XX:TieredStopAtLevel=1";

    private static String javaOptions(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TLSCENSUS_SHOW_JAVA", "1");
        pb.environment().remove("TLSCENSUS_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("java -XX:+UseSerialGC") && out.contains("-Xmx256m"), out);
        return out;
    }

    @Test
    void shortRunsGetC1Only() throws Exception {
        assertTrue(javaOptions("--help").contains(C1));
        assertTrue(javaOptions("-r", Path.of("..", "capture-samples").toString()).contains(C1));
        assertTrue(javaOptions("-r", "-").contains(C1), "stdin: size unknown");
    }

    @Test
    void liveCaptureGetsC2() throws Exception {
        assertFalse(javaOptions("-i", "eth9").contains(C1));
        assertFalse(javaOptions("--interface=eth9", "-f", "tcp").contains(C1));
        assertFalse(javaOptions("-ieth9").contains(C1));
    }

    @Test
    void bigFilesGetC2OnlyWithACoreToSpare(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.pcap");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(6L << 30); // sparse: 6 GiB that take no disk
        }
        Path small = dir.resolve("small.pcap");
        try (RandomAccessFile f = new RandomAccessFile(small.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        int cores = nproc();
        boolean spare = cores > 1;
        assertEquals(!spare, javaOptions("-r", big.toString(), "--threads", "1").contains(C1), cores + " cores");
        assertEquals(!spare, javaOptions("--threads=1", "-r" + big).contains(C1), cores + " cores");
        assertEquals(!spare, javaOptions("--threads", "1", "-r", dir.toString()).contains(C1), "a directory: 9 GiB");
        assertTrue(javaOptions("-r", small.toString(), "--threads", "1").contains(C1), "3 GiB: C1");
        assertTrue(javaOptions("-r", big.toString(), "--threads", String.valueOf(cores)).contains(C1),
                "every core reading: C1");
        // The default thread count is one per core, at most 8: a spare core only past 8.
        assertEquals(cores <= 8, javaOptions("-r", big.toString()).contains(C1), cores + " cores");
    }

    private static int nproc() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nproc").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor());
        return Integer.parseInt(out);
    }
}
