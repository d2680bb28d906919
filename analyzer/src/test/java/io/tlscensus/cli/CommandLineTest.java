package io.tlscensus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command as users meet it: options, formats, exit statuses and messages for bad input. */
class CommandLineTest {
    @TempDir
    Path tmp;

    private static Path sample(String name) {
        return TestInputs.samples().resolve(name);
    }

    private static void assertOneLineError(CliRun run, String... fragments) {
        String[] lines = run.stderr.strip().split("\n");
        boolean found = false;
        for (String line : lines) {
            boolean all = true;
            for (String f : fragments) all &= line.contains(f);
            found |= all && line.startsWith("tlscensus: ");
        }
        assertTrue(found, "one line with " + Arrays.toString(fragments) + " in:\n" + run.stderr);
        assertFalse(run.stderr.contains("\tat "), "no stack trace:\n" + run.stderr);
        assertFalse(run.stderr.contains("Exception"), "no exception names:\n" + run.stderr);
    }

    @Test
    void defaultSummaryShowsClientAndServerTables() {
        CliRun run = CliRun.of("-r", sample("tls-versions.pcap").toString());
        assertEquals(0, run.exitStatus, run.toString());
        assertTrue(run.stdout.lines().anyMatch(l -> l.startsWith("client ")), run.stdout);
        assertTrue(run.stdout.lines().anyMatch(l -> l.startsWith("server ")), run.stdout);
        assertTrue(run.stdout.lines().anyMatch(l -> l.contains("-- negotiated --")), run.stdout);
        assertTrue(run.stdout.contains("10.99.1.1:4410"), run.stdout);
        assertTrue(run.stdout.contains("tls13.example.test"), run.stdout);
        // 12 connections: 3 of each version; the totals line says so.
        assertTrue(run.stdout.lines().anyMatch(l -> l.matches("total\\s+12\\s+3\\s+3\\s+3\\s+3\\s.*")), run.stdout);
        assertTrue(run.stderr.contains("12 TLS connections"), run.stderr);
    }

    @Test
    void jsonlSummaryRowsCountByGroup() {
        CliRun run = CliRun.of("-q", "-r", sample("legacy-mix.pcap").toString(), "--by", "sni", "--format", "jsonl");
        assertEquals(0, run.exitStatus, run.toString());
        List<JsonNode> rows = run.jsonLines();
        JsonNode total = rows.get(rows.size() - 1);
        assertEquals("total", total.get("group").asText());
        assertEquals(9, total.get("connections").asInt());
        assertEquals(6, total.get("negotiated").get("TLSv1.0").asInt());
        assertEquals(2, total.get("negotiated").get("none").asInt());
        assertEquals(5, total.get("client_max").get("TLSv1.3").asInt());
        JsonNode tls10 = rows.stream().filter(r -> "tls10.example.test".equals(r.get("key").asText())).findFirst().orElseThrow();
        assertEquals("sni", tls10.get("group").asText());
        assertEquals(4, tls10.get("negotiated").get("TLSv1.0").asInt());
    }

    @Test
    void csvConnectionsMirrorJsonl() {
        String file = sample("ipv6.pcap").toString();
        // One thread: rows come in the order connections finish, which across threads may differ between runs.
        CliRun csv = CliRun.of("-q", "-r", file, "--connections", "--format", "csv", "--threads", "1");
        CliRun jsonl = CliRun.of("-q", "-r", file, "--connections", "--format", "jsonl", "--threads", "1");
        List<String> lines = csv.stdout.lines().toList();
        assertEquals(String.join(",", io.tlscensus.output.ConnectionFields.NAMES), lines.get(0));
        assertEquals(jsonl.jsonLines().size(), lines.size() - 1);
        assertTrue(lines.get(1).contains(",fd00:99::11,") || csv.stdout.contains(",fd00:99::"), csv.stdout);
        JsonNode first = jsonl.jsonLines().get(0);
        assertTrue(lines.get(1).contains("," + first.get("client").asText() + "," + first.get("client_port").asInt() + ","));
    }

    @Test
    void byPairAndByServerAreSeparateTables() {
        CliRun run = CliRun.of("-q", "-r", sample("tls-versions.pcap").toString(), "--by", "pair,server", "--format", "csv");
        assertEquals(0, run.exitStatus, run.toString());
        assertTrue(run.stdout.lines().anyMatch(l -> l.startsWith("pair,tcp,10.99.1.11 -> 10.99.1.1:4410,1,")), run.stdout);
        assertTrue(run.stdout.lines().anyMatch(l -> l.startsWith("server,tcp,10.99.1.1:4413,3,")), run.stdout);
    }

    @Test
    void stdinIsReadLikeAFile() throws IOException {
        byte[] gz = Files.readAllBytes(sample("compressed.pcap.gz"));
        CliRun run = CliRun.withStdin(new ByteArrayInputStream(gz), "-q", "-r", "-", "--connections", "--format", "jsonl");
        assertEquals(0, run.exitStatus, run.toString());
        assertEquals(3, run.jsonLines().size());
        assertEquals("-", run.jsonLines().get(0).get("file").asText());
    }

    @Test
    void outputFileIsWrittenWholeAndNothingElseIsLeft() throws IOException {
        Path out = tmp.resolve("result.jsonl");
        CliRun run = CliRun.of("-q", "-r", sample("tls-versions.pcap").toString(), "--connections", "--format", "jsonl",
                "-o", out.toString());
        assertEquals(0, run.exitStatus, run.toString());
        assertEquals("", run.stdout);
        assertEquals(12, CliRun.parseJsonLines(Files.readString(out)).size());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(out), files.toList(), "no temporary file left beside the output");
        }
    }

    @Test
    void unwritableOutputIsAnErrorAndLeavesNoFile() {
        Path out = tmp.resolve("missing-dir/result.csv");
        CliRun run = CliRun.of("-q", "-r", sample("tls-versions.pcap").toString(), "-o", out.toString());
        assertEquals(2, run.exitStatus, run.toString());
        assertOneLineError(run, "missing-dir");
        assertFalse(Files.exists(out));
    }

    @Test
    void truncatedCaptureKeepsWhatCameBeforeTheDamage() throws IOException {
        byte[] whole = Files.readAllBytes(sample("tls-versions.pcap"));
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2 + 7));
        CliRun run = CliRun.of("-r", cut.toString(), "--connections", "--format", "jsonl");
        assertEquals(1, run.exitStatus, run.toString());
        assertOneLineError(run, cut.toString(), "truncated");
        int rows = run.jsonLines().size();
        assertTrue(rows >= 4 && rows < 12, "the handshakes of the first half are counted: " + rows);
    }

    @Test
    void recordLongerThanTheFileIsDamage() throws IOException {
        byte[] whole = Files.readAllBytes(sample("tls-versions.pcap"));
        ByteBuffer b = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "sample is a little-endian microsecond pcap");
        // Walk to the last record and claim it is a megabyte long.
        int p = 24, last = 24;
        while (p + 16 <= whole.length) {
            last = p;
            p += 16 + b.getInt(p + 8);
        }
        b.putInt(last + 8, 1 << 20).putInt(last + 12, 1 << 20);
        Path bad = tmp.resolve("long-record.pcap");
        Files.write(bad, whole);
        CliRun run = CliRun.of("-r", bad.toString(), "--connections", "--format", "jsonl");
        assertEquals(1, run.exitStatus, run.toString());
        assertOneLineError(run, bad.toString(), "offset " + last);
        assertEquals(12, run.jsonLines().size(), "the last record is a FIN/ACK: every handshake still counts");
    }

    @Test
    void garbageAndEmptyFilesAreNotCaptures() throws IOException {
        Path garbage = tmp.resolve("garbage.pcap");
        Files.writeString(garbage, "<html>this is not a capture</html>\n");
        Path empty = tmp.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        CliRun run = CliRun.of("-r", garbage.toString(), "-r", empty.toString());
        assertEquals(2, run.exitStatus, "nothing could be read: " + run);
        assertOneLineError(run, garbage.toString(), "not a capture");
        assertOneLineError(run, empty.toString(), "empty");
    }

    @Test
    void oneBadInputAmongGoodOnesGivesExitOneAndTheRest() throws IOException {
        Path garbage = tmp.resolve("garbage.pcap");
        Files.write(garbage, "GARBAGE!".repeat(100).getBytes(StandardCharsets.US_ASCII));
        CliRun run = CliRun.of("-r", garbage.toString(), "-r", sample("ipv6.pcap").toString(), "--connections",
                "--format", "jsonl");
        assertEquals(1, run.exitStatus, run.toString());
        assertEquals(3, run.jsonLines().size());
    }

    @Test
    void directoryWithoutCapturesIsAnError() throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "no packets here\n");
        CliRun run = CliRun.of("-r", tmp.toString());
        assertEquals(2, run.exitStatus, run.toString());
        assertOneLineError(run, tmp.toString(), "no capture files");
        assertTrue(run.stderr.contains("notes.txt: skipped, not a capture file"), run.stderr);
    }

    @Test
    void missingFileIsNamed() {
        CliRun run = CliRun.of("-r", tmp.resolve("nope.pcap").toString());
        assertEquals(2, run.exitStatus);
        assertOneLineError(run, "nope.pcap", "no such file");
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, CliRun.of().exitStatus);
        assertEquals(2, CliRun.of("-r", "x", "--format", "xml").exitStatus);
        assertEquals(2, CliRun.of("-r", "x", "--by", "vlan").exitStatus);
        assertEquals(2, CliRun.of("--no-such-option").exitStatus);
        assertEquals(2, CliRun.of("-r", "x", "--max-flows", "lots").exitStatus);
        CliRun stray = CliRun.of("capture.pcap");
        assertEquals(2, stray.exitStatus);
        assertOneLineError(stray, "unexpected argument 'capture.pcap'");
    }

    @Test
    void helpAndVersion() {
        CliRun help = CliRun.of("-h");
        assertEquals(0, help.exitStatus);
        assertTrue(help.stdout.contains("--connections"), help.stdout);
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exitStatus);
        assertTrue(version.stdout.matches("tlscensus \\d+\\.\\d+\\.\\d+.*\\n"), version.stdout);
    }

    @Test
    void quietPrintsNothingButResults() {
        CliRun run = CliRun.of("-q", "-r", TestInputs.samples().toString());
        assertEquals(0, run.exitStatus);
        assertEquals("", run.stderr);
    }
}
