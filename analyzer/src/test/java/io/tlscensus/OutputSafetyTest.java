package io.tlscensus;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlscensus.testing.AdversarialCaptures;
import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.Conversation;
import io.tlscensus.testing.Packets;
import io.tlscensus.testing.TlsBytes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strings an attacker puts in packets (SNI, ALPN) through every output format, end to end; and
 * output files that appear whole or not at all, on a full file system and when the process is
 * killed mid-write.
 */
class OutputSafetyTest {
    /** SNIs as raw bytes: ESC sequences, a CSV formula, HTML, a newline, a bidi override, invalid UTF-8, C1 CSI. */
    static final List<byte[]> HOSTILE = List.of(
            "\u001b]0;owned\u0007\u001b[2J\u001b[31mred.test".getBytes(StandardCharsets.UTF_8),
            "=cmd|' /C calc'!A0".getBytes(StandardCharsets.UTF_8),
            "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8),
            "line1\r\nline2,\"quoted\"".getBytes(StandardCharsets.UTF_8),
            "\u202eexe.test\u202c".getBytes(StandardCharsets.UTF_8),
            new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xc3, '.', 't'},
            "\u009b31mcsi.test".getBytes(StandardCharsets.UTF_8),
            "@SUM(1+1)".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private Path hostileCapture() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            byte[] sni = HOSTILE.get(i);
            byte[] entry = TlsBytes.concat(new byte[] {0, (byte) (sni.length >>> 8), (byte) sni.length}, sni);
            byte[] ext = TlsBytes.concat(new byte[] {(byte) (entry.length >>> 8), (byte) entry.length}, entry);
            byte[] hello = TlsBytes.clientHello().extension(0, ext).alpn("h2\u001b[1m", "-1+1").record();
            Conversation c = new Conversation(Packets.v4(10, 50, 0, i), 45000 + i, Packets.v4(10, 60, 0, 1), 443, 1, 2);
            frames.add(c.client(Packets.SYN));
            frames.add(c.server(Packets.SYN | Packets.ACK));
            frames.add(c.client(Packets.ACK | Packets.PSH, hello));
            frames.add(c.server(Packets.ACK | Packets.PSH, TlsBytes.serverHello().version(0x0301).record()));
            frames.add(c.client(Packets.RST));
        }
        Path p = dir.resolve("hostile.pcap");
        Files.write(p, AdversarialCaptures.pcap(frames));
        return p;
    }

    /** Nothing a terminal acts on: C0/C1 controls (ESC, CSI, CR, LF inside a row), DEL, bidi controls. */
    private static void assertInert(String text, boolean newlinesEndRows) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && newlinesEndRows) continue;
            boolean bad = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.getType(c) == Character.FORMAT;
            assertFalse(bad, String.format("U+%04x at %d in:%n%s", (int) c, i, text));
        }
    }

    @Test
    void hostileStringsAreInertInEveryFormat() throws Exception {
        Path capture = hostileCapture();
        for (String format : List.of("table", "csv", "jsonl")) {
            for (List<String> extra : List.of(List.of("--connections"), List.of("--by", "sni"), List.<String>of())) {
                List<String> args = new ArrayList<>(List.of("-r", capture.toString(), "--format", format, "-q"));
                args.addAll(extra);
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, run.exitStatus, run::toString);
                String what = format + " " + extra;
                assertInert(run.stdout, true);
                // "<script>" on a terminal or in a spreadsheet is text; in JSON it is escaped (below)
                if (format.equals("jsonl")) {
                    for (String line : run.stdout.split("\n")) {
                        assertFalse(line.contains("<") || line.contains(">"), what + ": " + line);
                    }
                    List<JsonNode> rows = run.jsonLines(); // every line is JSON: no row was split
                    if (extra.contains("--connections")) {
                        assertEquals(HOSTILE.size(), rows.size(), what);
                        // Rows come in the order connections finish (threads may reorder them).
                        List<String> expected = new ArrayList<>();
                        for (byte[] h : HOSTILE) expected.add(new String(h, StandardCharsets.UTF_8));
                        List<String> got = new ArrayList<>();
                        for (JsonNode row : rows) {
                            got.add(row.get("sni").asText()); // escaped, not altered
                            assertEquals("h2\u001b[1m", row.get("alpn").get(0).asText(), what);
                        }
                        expected.sort(null);
                        got.sort(null);
                        assertEquals(expected, got, what);
                    }
                }
                if (format.equals("csv")) {
                    String[] lines = run.stdout.split("\n");
                    if (extra.contains("--connections")) assertEquals(HOSTILE.size() + 1, lines.length, what);
                    for (String line : lines) {
                        for (String cell : line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1)) {
                            String value = cell.startsWith("\"") ? cell.substring(1) : cell;
                            assertFalse(!value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0
                                    && !value.matches("-?[0-9.]+"), what + ": formula cell " + cell);
                        }
                    }
                }
                if (format.equals("table") && extra.contains("--connections")) {
                    assertEquals(HOSTILE.size() + 1, run.stdout.split("\n").length, what + "\n" + run.stdout);
                }
            }
        }
    }

    private Path manyConnections(int count) throws Exception {
        Path p = dir.resolve("many-" + count + ".pcap");
        Files.write(p, AdversarialCaptures.pcap(AdversarialCaptures.good(0, count)));
        return p;
    }

    private static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return uid.equals("0");
    }

    /** A file system that fills up mid-write: the previous file stays as it was, no partial file is left. */
    @Test
    void fullDiskLeavesThePreviousFile() throws Exception {
        if (!isRoot()) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI runs as root: mount needs it");
            Assumptions.abort("mounting a tmpfs needs root: skipped outside CI");
        }
        Path capture = manyConnections(600); // about 400 KB of jsonl
        Path mount = Files.createDirectories(dir.resolve("small"));
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
                .inheritIO().start().waitFor());
        try {
            Path out = mount.resolve("census.jsonl");
            Files.writeString(out, "previous complete results\n");
            CliRun run = CliRun.of("-r", capture.toString(), "--connections", "--format", "jsonl", "-o", out.toString(), "-q");
            assertNotEquals(0, run.exitStatus, run::toString);
            assertTrue(run.stderr.contains("could not write") && run.stderr.lines().count() == 1, run::toString);
            assertEquals("previous complete results\n", Files.readString(out));
            try (Stream<Path> files = Files.list(mount)) {
                assertEquals(List.of(out), files.toList(), "a partial file was left behind");
            }
            // and when it fits, the new file replaces the old one whole
            CliRun small = CliRun.of("-r", manyConnections(3).toString(), "--connections", "--format", "jsonl", "-o",
                    out.toString(), "-q");
            assertEquals(0, small.exitStatus, small::toString);
            assertEquals(3, CliRun.parseJsonLines(Files.readString(out)).size());
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
        }
    }

    /** SIGKILL while the output is being written: the previous file is intact (only a hidden .partial may remain). */
    @Test
    void killedMidWriteLeavesThePreviousFile() throws Exception {
        Path capture = manyConnections(20_000);
        Path out = dir.resolve("census.jsonl");
        Files.writeString(out, "previous complete results\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.tlscensus.cli.Main", "-r", capture.toString(),
                "-r", capture.toString(), "-r", capture.toString(), "--connections", "--format", "jsonl", "-o", out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long partialSize = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (partialSize < 64 * 1024 && p.isAlive() && System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(dir)) {
                partialSize = files.filter(f -> f.getFileName().toString().endsWith(".partial"))
                        .mapToLong(f -> f.toFile().length()).sum();
            }
            Thread.sleep(5);
        }
        assertTrue(p.isAlive(), "the run ended before it could be killed mid-write");
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
        assertTrue(partialSize >= 64 * 1024, "killed while writing: " + partialSize + " bytes written");
        assertEquals("previous complete results\n", Files.readString(out));
    }
}
