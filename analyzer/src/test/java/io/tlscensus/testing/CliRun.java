package io.tlscensus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlscensus.cli.Main;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the command in-process, as a user would type it, and keeps what it printed. */
public final class CliRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final int exitStatus;
    public final String stdout;
    public final String stderr;

    private CliRun(int exitStatus, String stdout, String stderr) {
        this.exitStatus = exitStatus;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static CliRun of(String... args) {
        return withStdin(new ByteArrayInputStream(new byte[0]), args);
    }

    public static CliRun withStdin(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** stdout parsed as JSON lines. */
    public List<JsonNode> jsonLines() {
        return parseJsonLines(stdout);
    }

    public static List<JsonNode> parseJsonLines(String text) {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            try {
                rows.add(JSON.readTree(line));
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return rows;
    }

    @Override
    public String toString() {
        return "exit " + exitStatus + "\nstderr:\n" + stderr + "\nstdout (first 2000 chars):\n"
                + stdout.substring(0, Math.min(2000, stdout.length()));
    }
}
