package io.tlscensus.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two network namespaces joined by a veth pair, for tests with real traffic: the server side
 * {@value #SRV} holds {@value #SRV_IF} (10.123.0.1, fd00:123::1), the client side {@value #CLI}
 * holds {@value #CLI_IF} (10.123.0.2, fd00:123::2, plus any client address added). Offloads are
 * off so the capture sees wire-sized segments. Names and addresses are this lab's own: other labs
 * on the same machine use other names.
 *
 * <p>Needs root and {@code ip netns}. Without them the test fails in CI (CI=true) and is skipped
 * with a message elsewhere. {@link #close} kills every process started here and deletes both
 * namespaces (which removes the veth pair); call it from {@code @AfterAll}.
 */
public final class NetnsLab implements AutoCloseable {
    /** Names carry the JVM's pid so that two test runs on one machine never share a namespace. */
    private static final long ID = ProcessHandle.current().pid() % 100_000;
    public static final String SRV = "tcl-live-srv-" + ID;
    public static final String CLI = "tcl-live-cli-" + ID;
    public static final String SRV_IF = "tcl" + ID + "s"; // interface names: at most 15 characters
    public static final String CLI_IF = "tcl" + ID + "c";
    public static final String SRV4 = "10.123.0.1";
    public static final String SRV6 = "fd00:123::1";
    public static final String CLI4 = "10.123.0.2";
    public static final String CLI6 = "fd00:123::2";

    private final List<Process> processes = new ArrayList<>();
    private final Path dir;

    private NetnsLab(Path dir) {
        this.dir = dir;
    }

    /** Builds the lab, or fails/skips (see the class comment) when this machine cannot. */
    public static NetnsLab start() throws IOException, InterruptedException {
        String missing = null;
        if (!"0".equals(output("id", "-u").trim())) missing = "live capture tests need root (for ip netns and libpcap)";
        else if (exit("ip", "netns", "list") != 0) missing = "live capture tests need 'ip netns' (iproute2)";
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) fail(missing);
            Assumptions.abort(missing + ": skipped outside CI");
        }
        NetnsLab lab = new NetnsLab(Files.createTempDirectory("tcl-live"));
        try {
            lab.deleteNamespaces(); // left over from a run that was killed
            must("ip", "netns", "add", SRV);
            must("ip", "netns", "add", CLI);
            must("ip", "link", "add", SRV_IF, "netns", SRV, "type", "veth", "peer", "name", CLI_IF, "netns", CLI);
            for (String[] side : new String[][] {{SRV, SRV_IF, SRV4, SRV6}, {CLI, CLI_IF, CLI4, CLI6}}) {
                must("ip", "-n", side[0], "addr", "add", side[2] + "/24", "dev", side[1]);
                must("ip", "-n", side[0], "addr", "add", side[3] + "/64", "dev", side[1], "nodad");
                must("ip", "-n", side[0], "link", "set", side[1], "up");
                must("ip", "-n", side[0], "link", "set", "lo", "up");
                // Best effort: without ethtool the capture sees offloaded super-segments, still valid TCP.
                exit("ip", "netns", "exec", side[0], "ethtool", "-K", side[1], "tso", "off", "gso", "off", "gro", "off");
            }
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    public Path dir() {
        return dir;
    }

    /** Adds an IPv4 address (10.123.0.x) or IPv6 address (fd00:123::x) to the client side. */
    public void addClientAddress(String address) throws IOException, InterruptedException {
        must("ip", "-n", CLI, "addr", "add", address + (address.contains(":") ? "/64" : "/24"), "dev", CLI_IF, "nodad");
    }

    /** A self-signed certificate and key in the lab's directory: {cert, key}. */
    public Path[] certificate() throws IOException, InterruptedException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!Files.exists(cert)) {
            must("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                    cert.toString(), "-days", "30", "-subj", "/CN=live.test");
        }
        return new Path[] {cert, key};
    }

    /**
     * Starts {@code openssl s_server} in the server namespace on every address (IPv4 and IPv6),
     * allowing only one TLS version (tls1, tls1_1, tls1_2, tls1_3) and serving files with -WWW;
     * returns once it listens.
     */
    public void tlsServer(int port, String version) throws IOException, InterruptedException {
        Path[] ck = certificate();
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", SRV, "openssl", "s_server", "-quiet",
                "-accept", String.valueOf(port), "-cert", ck[0].toString(), "-key", ck[1].toString(), "-" + version,
                "-cipher", "DEFAULT:@SECLEVEL=0", "-WWW").directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        processes.add(pb.start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!output("ip", "netns", "exec", SRV, "ss", "-Hltn", "sport = :" + port).contains(":" + port)) {
            if (System.nanoTime() > deadline) fail("openssl s_server did not listen on port " + port);
            Thread.sleep(50);
        }
    }

    /**
     * One HTTPS request with curl from the client namespace, from a given source address, with
     * exactly one TLS version ("1.0" .. "1.3"); returns curl's exit status (0: handshake and
     * request done).
     */
    public int curl(String source, String server, int port, String version) throws IOException, InterruptedException {
        String host = server.contains(":") ? "[" + server + "]" : server;
        return exit("ip", "netns", "exec", CLI, "curl", "-sk", "--max-time", "10", "--interface", source,
                "--tlsv" + version, "--tls-max", version, "--ciphers", "DEFAULT:@SECLEVEL=0", "-o", "/dev/null",
                "https://" + host + ":" + port + "/cert.pem");
    }

    /** Starts a process in a namespace; it is killed by {@link #close} if still running. */
    public Process spawn(String namespace, List<String> command, Path stdout, Path stderr) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Runs a command in a namespace to its end; returns {exit status, stdout+stderr}. */
    public static String[] run(String namespace, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(Arrays.asList(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = read(p.getInputStream());
        return new String[] {String.valueOf(p.waitFor()), out};
    }

    /** Waits until the file's text satisfies the condition; fails with the text after the timeout. */
    public static String awaitText(Path file, Predicate<String> condition, Duration timeout, Process process)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = Files.exists(file) ? Files.readString(file) : "";
            if (condition.test(text)) return text;
            if (System.nanoTime() > deadline || (process != null && !process.isAlive() && !condition.test(text))) {
                if (process != null && !process.isAlive()) text = Files.readString(file);
                if (condition.test(text)) return text;
                fail("timed out waiting for " + file + "; it holds:\n" + text);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            deleteNamespaces();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not delete the lab's namespaces " + SRV + ", " + CLI, e);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private void deleteNamespaces() throws IOException, InterruptedException {
        String list = output("ip", "netns", "list");
        for (String ns : List.of(SRV, CLI)) {
            if (list.lines().anyMatch(l -> l.equals(ns) || l.startsWith(ns + " "))) must("ip", "netns", "del", ns);
        }
    }

    private static void must(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = read(p.getInputStream());
        if (p.waitFor() != 0) fail(String.join(" ", command) + " failed: " + out);
    }

    private static int exit(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        read(p.getInputStream());
        return p.waitFor();
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = read(p.getInputStream());
        p.waitFor();
        return out;
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }
}
