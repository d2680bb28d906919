package io.tlscensus.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/** Where the tests find captures: the project's own samples and the shared Zeek corpus. */
public final class TestInputs {
    private TestInputs() {
    }

    public static Path samples() {
        Path p = Path.of(System.getProperty("tlscensus.samples", "../capture-samples"));
        if (!Files.isDirectory(p)) fail("capture-samples/ not found at " + p.toAbsolutePath());
        return p;
    }

    /**
     * ../shared/corpus/zeek. In CI (CI=true) a missing corpus fails the test; elsewhere the test is
     * skipped with a message saying so.
     */
    public static Path zeekCorpus() {
        Path p = Path.of(System.getProperty("tlscensus.shared", "../../shared")).resolve("corpus/zeek");
        if (!Files.isRegularFile(p.resolve("expected.jsonl"))) {
            String message = "Zeek corpus not found at " + p.toAbsolutePath() + " (../shared beside the checkout)";
            if ("true".equals(System.getenv("CI"))) fail(message);
            Assumptions.abort(message + ": skipped outside CI");
        }
        return p;
    }
}
