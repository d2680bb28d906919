package io.tlscensus.cli;

import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --threads N must not change a single count: files read in parallel (a directory) and one file
 * split by flow hash across N engines (each capture alone) give exactly the summary and the
 * connections of one thread. Only the order of connection rows may differ (by completion).
 */
class ThreadCountTest {
    private static final String[] SUMMARY = {"--format", "jsonl", "--by", "client,server,sni,pair"};
    private static final String[] CONNECTIONS = {"--format", "jsonl", "--connections"};

    @Test
    void samplesDirectoryGivesTheSameResultsForEveryThreadCount() {
        sameForEveryThreadCount(TestInputs.samples().toString());
    }

    @Test
    void zeekCorpusGivesTheSameResultsForEveryThreadCount() {
        sameForEveryThreadCount(TestInputs.zeekCorpus().toString());
    }

    @Test
    void everySampleAndCorpusFileAloneGivesTheSameResultsWhenShardedByFlow() throws Exception {
        int withConnections = 0;
        for (Path file : TestInputs.captureFiles()) {
            withConnections += sameForEveryThreadCount(file.toString());
        }
        assertTrue(withConnections > 100, withConnections + " connections compared");
    }

    /**
     * Plain pcap files are split into segments walked by every thread (1 MiB by default, so the
     * files here are read whole by one thread): cut into 4 KiB segments, every boundary case
     * (records across segment ends, guessed starts, flows across segments) meets real traffic.
     */
    @Test
    void everyFileCutIntoSmallSegmentsGivesTheSameResults() throws Exception {
        String before = System.getProperty("tlscensus.segmentBytes");
        System.setProperty("tlscensus.segmentBytes", "4096");
        try {
            everySampleAndCorpusFileAloneGivesTheSameResultsWhenShardedByFlow();
        } finally {
            if (before == null) System.clearProperty("tlscensus.segmentBytes");
            else System.setProperty("tlscensus.segmentBytes", before);
        }
    }

    /** Returns the number of connections compared. */
    private static int sameForEveryThreadCount(String input) {
        CliRun oneSummary = run(input, 1, SUMMARY);
        CliRun oneRows = run(input, 1, CONNECTIONS);
        List<String> rows = sortedLines(oneRows.stdout);
        List<String> verdicts = sortedLines(run(input, 1, "--readiness", "--format", "jsonl").stdout);
        for (int threads = 2; threads <= 3; threads++) {
            assertEquals(verdicts, sortedLines(run(input, threads, "--readiness", "--format", "jsonl").stdout),
                    input + " --threads " + threads + ": readiness verdicts");
            CliRun summary = run(input, threads, SUMMARY);
            assertEquals(oneSummary.exitStatus, summary.exitStatus, input + " --threads " + threads + ": " + summary);
            assertEquals(oneSummary.stdout, summary.stdout, input + " --threads " + threads + ": summary");
            assertEquals(statsWithoutTimes(oneSummary.stderr), statsWithoutTimes(summary.stderr),
                    input + " --threads " + threads + ": statistics");
            CliRun connections = run(input, threads, CONNECTIONS);
            assertEquals(rows, sortedLines(connections.stdout), input + " --threads " + threads + ": connection rows");
        }
        return rows.size();
    }

    private static CliRun run(String input, int threads, String... format) {
        List<String> args = new ArrayList<>(List.of("-r", input, "--threads", String.valueOf(threads)));
        args.addAll(Arrays.asList(format));
        return CliRun.of(args.toArray(new String[0]));
    }

    /** The lines of an output, blank ones left out, sorted (threads interleave rows). */
    static List<String> sortedLines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n")));
        lines.removeIf(String::isBlank);
        lines.sort(null);
        return lines;
    }

    /** The stats line without elapsed time, rate and peak flows (shards hold flows side by side). */
    private static String statsWithoutTimes(String stderr) {
        return stderr.replaceAll("peak \\d+, ", "").replaceAll("; [0-9.]+ s, [0-9.]+ MB/s", "");
    }
}
