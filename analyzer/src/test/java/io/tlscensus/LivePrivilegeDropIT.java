package io.tlscensus;

import io.tlscensus.testing.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.tlscensus.testing.NetnsLab.SRV;
import static io.tlscensus.testing.NetnsLab.SRV4;
import static io.tlscensus.testing.NetnsLab.SRV_IF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code -Z USER}: the shipped jar opens the interface as root, then runs as USER. Checked from
 * outside, in /proc, while it captures: every uid and gid is USER's, no capability is left, and
 * the outputs it writes belong to USER. An integration test because it runs the shaded jar, as
 * users do: once the process is not root it can read no class from a directory root keeps private,
 * only from the jar it opened before the switch.
 */
class LivePrivilegeDropIT {
    private static NetnsLab lab;

    @BeforeAll
    static void lab() throws Exception {
        lab = NetnsLab.start();
        lab.tlsServer(4402, "tls1_2");
        lab.tlsServer(4400, "tls1");
    }

    @AfterAll
    static void cleanUp() {
        if (lab != null) lab.close();
    }

    private static List<String> jar(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-jar",
                Path.of(System.getProperty("tlscensus.jar", "target/tlscensus.jar")).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Map<String, String> status(long pid) throws Exception {
        Map<String, String> fields = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) fields.put(line.substring(0, colon), line.substring(colon + 1).strip().replaceAll("\\s+", " "));
        }
        return fields;
    }

    @Test
    void capturesAsNobodyAfterOpeningTheInterface() throws Exception {
        // nobody must be able to write the outputs: a directory of its own.
        Path out = Files.createTempDirectory(Path.of("/tmp"), "tlscensus-z");
        try {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path summary = out.resolve("summary.jsonl");
            Path saved = out.resolve("saved.pcap");
            Process p = lab.spawn(SRV, jar("-i", SRV_IF, "-Z", "nobody", "--format", "jsonl", "--by", "client",
                    "-o", summary.toString(), "-w", saved.toString()), lab.dir().resolve("z.out"), lab.dir().resolve("z.err"));
            Path err = lab.dir().resolve("z.err");
            NetnsLab.awaitText(err, t -> t.contains("listening on " + SRV_IF) && t.contains("running as nobody\n"),
                    Duration.ofSeconds(30), p);

            Map<String, String> s = status(p.pid()); // `ip netns exec` execs: the same pid is the JVM
            assertEquals("65534 65534 65534 65534", s.get("Uid"), s.toString());
            assertEquals("65534 65534 65534 65534", s.get("Gid"), s.toString());
            assertEquals("65534", s.get("Groups"), s.toString());
            assertEquals("0000000000000000", s.get("CapEff"), s.toString());
            assertEquals("0000000000000000", s.get("CapPrm"), s.toString());

            // The capture socket opened as root keeps delivering packets.
            assertEquals(0, lab.curl(NetnsLab.CLI4, SRV4, 4402, "1.2"));
            assertEquals(0, lab.curl(NetnsLab.CLI4, SRV4, 4400, "1.0"));
            Thread.sleep(500);
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), stderr);
            assertTrue(stderr.contains(" 2 TLS connections"), stderr);

            String text = Files.readString(summary);
            String client = text.lines().filter(l -> l.contains("\"key\": \"" + NetnsLab.CLI4 + "\"")).findFirst().orElse(text);
            assertTrue(client.contains("\"negotiated\": {\"SSLv2\": 0, \"SSLv3\": 0, \"TLSv1.0\": 1, \"TLSv1.1\": 0, \"TLSv1.2\": 1,"),
                    text);
            assertEquals("nobody", Files.getOwner(summary).getName());
            assertEquals("nobody", Files.getOwner(saved).getName());
            assertTrue(Files.size(saved) > 24, "saved capture holds packets");
            // The output gets the mode the umask gives, like the -w file, not a temporary file's 0600.
            assertEquals(Files.getPosixFilePermissions(saved), Files.getPosixFilePermissions(summary));
        } finally {
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(out);
        }
    }

    @Test
    void unknownUserIsOneLineBeforeAnythingIsOpened() throws Exception {
        String[] r = NetnsLab.run(SRV, jar("-i", SRV_IF, "-Z", "no-such-user-tlscensus").toArray(String[]::new));
        assertEquals("2", r[0], r[1]);
        assertEquals("tlscensus: -Z no-such-user-tlscensus: no such user", r[1].strip());
    }

    @Test
    void withoutRootAnotherUserIsRefusedInOneLine() throws Exception {
        // The checkout may sit where nobody cannot read: nobody runs a copy of the jar.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "tlscensus-z");
        Path copy = dir.resolve("tlscensus.jar");
        try {
            Files.copy(Path.of(jar().get(jar().size() - 1)), copy);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            String[] r = NetnsLab.run(SRV, "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", copy.toString(),
                    "-i", SRV_IF, "-Z", "root");
            assertEquals("2", r[0], r[1]);
            assertEquals("tlscensus: -Z root: switching to another user needs root (running as uid 65534)", r[1].strip());
        } finally {
            Files.deleteIfExists(copy);
            Files.delete(dir);
        }
    }

    @Test
    void zWithoutAnInterfaceIsAUsageError() throws Exception {
        String[] r = NetnsLab.run(SRV, jar("-r", "x.pcap", "-Z", "nobody").toArray(String[]::new));
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("-Z applies to live capture"), r[1]);
    }
}
