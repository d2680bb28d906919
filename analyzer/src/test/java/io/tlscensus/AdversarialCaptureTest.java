package io.tlscensus;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.testing.AdversarialCaptures;
import io.tlscensus.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile captures from {@link AdversarialCaptures}, each run through the real command in a
 * forked JVM with a 256 MB heap: the exit status, a time bound (a guard against hangs, not a speed
 * goal), the damage named on stderr or counted in the statistics line, and every good connection
 * before and after the damage still counted.
 */
class AdversarialCaptureTest {
    private static final long TIME_LIMIT_SECONDS = 60;

    @TempDir
    Path dir;

    record Run(int exit, String stdout, String stderr, double seconds) {
        List<JsonNode> rows() {
            return CliRun.parseJsonLines(stdout);
        }

        List<String> snis() {
            List<String> out = new ArrayList<>();
            for (JsonNode r : rows()) if (!r.get("sni").isNull()) out.add(r.get("sni").asText());
            out.sort(null); // threads finish connections in any order
            return out;
        }

        /** The statistics line's counters, by their label ("TLS connections", "malformed packets", ...). */
        Map<String, Long> stats() {
            String line = stderr.lines().filter(l -> l.contains(" inputs (")).findFirst()
                    .orElseThrow(() -> new AssertionError("no statistics line:\n" + stderr));
            Map<String, Long> m = new TreeMap<>();
            Matcher x = Pattern.compile("(\\d+) ([a-zA-Z][a-zA-Z ]*?)(?=[,;()]|$)").matcher(line.substring(line.indexOf(':') + 1));
            while (x.find()) m.putIfAbsent(x.group(2).trim(), Long.parseLong(x.group(1)));
            return m;
        }

        @Override
        public String toString() {
            return "exit " + exit + " in " + seconds + " s\n" + stderr;
        }
    }

    static Run tlscensus(Path... inputs) throws IOException, InterruptedException {
        return tlscensusWithHeap("256m", true, inputs);
    }

    /** Connection rows when {@code connections}, else the summary (for captures of too many connections to parse here). */
    static Run tlscensusWithHeap(String heap, boolean connections, Path... inputs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.tlscensus.cli.Main",
                "--format", "jsonl"));
        if (connections) cmd.add("--connections");
        for (Path p : inputs) {
            cmd.add("-r");
            cmd.add(p.toString());
        }
        Path out = Files.createTempFile("adv", ".out");
        Path err = Files.createTempFile("adv", ".err");
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("tlscensus did not finish within " + TIME_LIMIT_SECONDS + " s");
            }
            Run run = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9);
            assertFalse(run.stderr.contains("internal error") || run.stderr.contains("\tat "), run::toString);
            return run;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static List<String> fileDamage() {
        return AdversarialCaptures.FILE_DAMAGE;
    }

    /**
     * A damaged file between two good ones: the good files are counted in full, the damaged file
     * up to its damage (and past it where the damage is one record that can be stepped over).
     */
    @ParameterizedTest
    @MethodSource("fileDamage")
    void damagedFileBetweenGoodOnes(String kind) throws Exception {
        Path before = write("before.pcap", AdversarialCaptures.pcap(AdversarialCaptures.good(100, 2)));
        Path damaged = write(kind, AdversarialCaptures.damagedFile(kind, 2));
        Path after = write("after.pcap", AdversarialCaptures.pcap(AdversarialCaptures.good(200, 2)));
        Run run = tlscensus(before, damaged, after);
        boolean clean = kind.equals("pcap-cut-at-record-boundary") || kind.equals("pcap-zero-length-record")
                || kind.equals("pcap-wire-length-0xffffffff");
        List<String> snis = run.snis();
        for (String sni : List.of("good-100.test", "good-101.test", "good-200.test", "good-201.test")) {
            assertTrue(snis.contains(sni), sni + " missing: " + run);
        }
        assertEquals(clean ? 0 : 1, run.exit(), run::toString);
        assertEquals(clean ? 0 : 1, run.stats().get("damaged"), run::toString);
        if (!clean) {
            List<String> errors = run.stderr().lines().filter(l -> l.startsWith("tlscensus: " + damaged)).toList();
            assertEquals(1, errors.size(), run::toString);
            assertTrue(errors.get(0).endsWith("the packets before it were counted"), run::toString);
        }
        long fromDamaged = snis.stream().filter(s -> s.startsWith("good-") && s.length() == "good-0.test".length()).count();
        int expected = switch (kind) {
            case "pcap-cut-in-file-header" -> 0;
            case "gzip-cut-mid-stream" -> 1;
            case "pcap-zero-length-record", "pcap-wire-length-0xffffffff" -> 4;
            default -> 2;
        };
        if (kind.equals("gzip-corrupt-byte")) {
            assertTrue(fromDamaged >= 2, run::toString); // deflate turns the flipped byte into other bytes until the CRC
        } else {
            assertEquals(expected, fromDamaged, run::toString);
        }
        if (kind.equals("pcap-zero-length-record")) assertEquals(1, run.stats().get("malformed packets"), run::toString);
    }

    @Test
    void clientHellosWhoseLengthsLie() throws Exception {
        Run run = tlscensus(write("lying.pcap", AdversarialCaptures.pcap(AdversarialCaptures.lyingHellos())));
        assertEquals(0, run.exit(), run::toString);
        List<String> snis = run.snis();
        assertTrue(snis.containsAll(List.of("good-0.test", "good-1.test", "good-2.test", "good-3.test")), run::toString);
        // 7 liars, each counted as a connection from its ServerHello. 5 hellos are rejected whole (no
        // ClientHello fields). Two lies inside server_name are tolerated without reading past it: a
        // list length that overstates is clamped to the extension (the name, which fits, is read),
        // and a host name longer than the list is not read (no SNI).
        assertEquals(11, run.rows().size(), run::toString);
        assertEquals(5, snis.size(), run::toString);
        long withoutClientHello = run.rows().stream().filter(r -> r.get("client_hello_version").isNull()).count();
        assertEquals(5, withoutClientHello, run::toString);
        // Counted as malformed TLS: three hellos rejected whole and the two read in part. Not damage:
        // the record that announces more bytes than ever come (waited for), and the hello length
        // of 2^24 - 1 (no hello is that long, so the search never takes it for one). Both
        // connections show without ClientHello fields.
        assertEquals(5, run.stats().get("malformed TLS"), run::toString);
    }

    @Test
    void tlsRecordsAroundTwoToTheFourteen() throws Exception {
        Run run = tlscensus(write("big.pcap", AdversarialCaptures.pcap(AdversarialCaptures.bigRecords())));
        assertEquals(0, run.exit(), run::toString);
        List<String> snis = run.snis();
        // 2^14 + 1 and 2^14 + 2048 (the RFC 8446 ciphertext limit) are read; 2^14 + 2049 and 65535 are not TLS
        assertTrue(snis.containsAll(List.of("good-0.test", "good-1.test", "good-2.test", "good-3.test", "big-0.test",
                "big-1.test")), run::toString);
        assertFalse(snis.contains("big-2.test") || snis.contains("big-3.test"), run::toString);
        assertEquals(8, run.rows().size(), run::toString);
    }

    /** Which copy wins: the first to arrive, for bytes delivered and for bytes held ahead of a hole. */
    @Test
    void hundredThousandConflictingOverlappingSegments() throws Exception {
        Run run = tlscensus(write("overlap.pcap", AdversarialCaptures.pcap(AdversarialCaptures.overlapStorm(100_000))));
        assertEquals(0, run.exit(), run::toString);
        List<String> snis = run.snis();
        assertTrue(snis.containsAll(List.of("good-0.test", "good-1.test", "first-copy.test", "good-2.test", "good-3.test")),
                run::toString);
        assertFalse(snis.contains("other-copy.test"), run::toString);
        assertEquals(200_049, run.stats().get("packets"), run::toString);
        assertEquals(1, run.stats().get("reassembly limit hits"), run::toString); // the flow with 100,000 segments ahead
    }

    @Test
    void deeplyNestedTunnels() throws Exception {
        Run run = tlscensus(write("nested.pcap", AdversarialCaptures.pcap(AdversarialCaptures.deepTunnels())));
        assertEquals(0, run.exit(), run::toString);
        List<String> snis = run.snis();
        assertTrue(snis.containsAll(List.of("good-0.test", "good-1.test", "good-10.test", "good-2.test", "good-3.test")),
                run::toString);
        assertFalse(snis.contains("good-11.test") || snis.contains("good-12.test"), run::toString);
        assertEquals(14, run.stats().get("malformed packets"), run::toString); // 9 and 200 deep: 7 frames each
    }

    @Test
    void ipFragmentFlood() throws Exception {
        Run run = tlscensus(write("fragments.pcap", AdversarialCaptures.pcapTimed(AdversarialCaptures.fragmentFlood(100_000))));
        assertEquals(0, run.exit(), run::toString);
        List<String> snis = run.snis();
        // the fragmented hello after the flood is reassembled; its conflicting overlap lost to the first copy
        assertTrue(snis.containsAll(List.of("good-0.test", "good-1.test", "fragmented.test", "good-2.test", "good-3.test")),
                run::toString);
        assertEquals(100_004, run.stats().get("IP fragments"), run::toString);
        assertEquals(1, run.stats().get("datagrams reassembled"), run::toString);
        // never completed: at most 4096 held at once, the rest dropped (ids repeat after 65,536)
        assertTrue(run.stats().get("dropped") >= 60_000, run::toString);
    }

    /** Issue 7: a 256 MB heap holds 1,000,000 flows at once (here: half-open connections). */
    @Test
    void millionHalfOpenConnections() throws Exception {
        Path flood = dir.resolve("syn-flood.pcap");
        AdversarialCaptures.synFlood(flood, 1_000_000);
        try {
            Run run = tlscensus(flood);
            assertEquals(0, run.exit(), run::toString);
            assertEquals(List.of("good-0.test", "good-1.test", "good-2.test", "good-3.test"), run.snis(), run::toString);
            Map<String, Long> s = run.stats();
            assertEquals(1_000_004, s.get("flows"), run::toString);
            // all held: only --max-flows (1,000,000) made room for the last good connections, by evicting the first two
            assertEquals(1_000_000, peakFlows(run), run::toString);
            assertEquals(4, s.get("for space"), run::toString);

            // In a heap too small for them, the oldest half-open flows are evicted, counted, and nothing fails.
            Run small = tlscensusWithHeap("64m", true, flood);
            assertEquals(0, small.exit(), small::toString);
            assertEquals(run.snis(), small.snis(), small::toString);
            long peak = peakFlows(small);
            assertTrue(peak < 500_000 && peak > 100_000, small::toString);
            assertTrue(small.stats().get("for space") >= 1_000_004 - peak, small::toString);
        } finally {
            Files.deleteIfExists(flood);
        }
    }

    /**
     * Handshakes in flight (a SYN and a ClientHello each, never answered) in a 64 MB heap, as dense
     * as 1,000,000 in 256 MB: 200,000 that repeat a few SNIs are all held, none evicted, and every
     * one is reported; 200,000 with distinct SNIs (the worst case) end in counted evictions, not an
     * OutOfMemoryError, and every one is still reported (an evicted handshake is emitted as it was).
     */
    @Test
    void handshakesInFlight() throws Exception {
        Run run = helloFlood(500);
        assertEquals(200_004, peakFlows(run), run::toString);
        assertEquals(0, run.stats().get("for space"), run::toString);

        Run worst = helloFlood(0);
        assertTrue(worst.stats().get("for space") > 0, worst::toString);
    }

    /** 200,000 handshakes in flight with {@code distinctSnis} SNIs (0: all distinct) in a 64 MB heap: all reported. */
    private Run helloFlood(int distinctSnis) throws Exception {
        Path capture = dir.resolve("hellos-" + distinctSnis + ".pcap");
        AdversarialCaptures.helloFlood(capture, 200_000, distinctSnis);
        Run run = tlscensusWithHeap("64m", false, capture);
        Files.delete(capture);
        assertEquals(0, run.exit(), run::toString);
        assertEquals(200_004, run.stats().get("TLS connections"), run::toString);
        JsonNode total = run.rows().stream().filter(r -> r.path("group").asText().equals("total")).findFirst().orElseThrow();
        assertEquals(200_004, total.get("connections").asLong(), run::toString);
        return run;
    }

    private static long peakFlows(Run run) {
        Matcher peak = Pattern.compile("peak (\\d+)").matcher(run.stderr());
        assertTrue(peak.find(), run::toString);
        return Long.parseLong(peak.group(1));
    }
}
