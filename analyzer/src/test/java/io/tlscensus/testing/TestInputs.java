package io.tlscensus.testing;

import org.junit.jupiter.api.Assumptions;

import io.tlscensus.capture.Captures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** Every capture file of the samples and the Zeek corpus (manifests and READMEs left out). */
    public static List<Path> captureFiles() throws IOException {
        List<Path> files = new ArrayList<>(Captures.expand(samples()));
        files.addAll(Captures.expand(zeekCorpus()));
        files.removeIf(f -> {
            try {
                return !Captures.sniff(f);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return files;
    }
}
