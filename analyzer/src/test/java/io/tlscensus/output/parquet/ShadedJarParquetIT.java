package io.tlscensus.output.parquet;

import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped jar, run as users run it: `java -jar tlscensus.jar ... --parquet DIR`. Unit tests
 * have Hadoop's API on their classpath (it is a provided dependency); this proves that the shaded
 * jar writes ZSTD Parquet without any Hadoop class, with its own zstd natives, and that nothing
 * (no slf4j or Hadoop warning) appears on stderr.
 */
class ShadedJarParquetIT {
    @TempDir
    Path temp;

    @Test
    void shadedJarWritesParquetWithoutHadoopAndWithoutNoise() throws Exception {
        Path jar = Path.of(System.getProperty("tlscensus.jar", "target/tlscensus.jar"));
        assertTrue(Files.isRegularFile(jar), "built jar at " + jar.toAbsolutePath());
        Path out = temp.resolve("out");
        Path stdout = temp.resolve("stdout");
        Path stderr = temp.resolve("stderr");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "-q", "-r", TestInputs.samples().resolve("tls-versions.pcap").toString(),
                "--parquet", out.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished");
        assertEquals(0, p.exitValue(), Files.readString(stderr));
        assertEquals("", Files.readString(stderr), "nothing on stderr with -q");
        assertFalse(Files.readString(stdout).isBlank(), "the summary table still goes to stdout");
        try (DuckDb db = new DuckDb()) {
            assertEquals(12L, db.count("SELECT count(*) FROM " + DuckDb.dataset(out, "connections")));
            assertEquals(List.of("ZSTD"), db.rows("SELECT DISTINCT compression FROM parquet_metadata('" + out
                    + "/**/*.parquet')").stream().map(r -> r.get("compression")).toList());
            assertEquals(12L, db.count("SELECT sum(connections) FROM " + DuckDb.dataset(out, "summary")));
            assertEquals(1L, db.count("SELECT count(*) FROM " + DuckDb.dataset(out, "run")));
        }
    }
}
