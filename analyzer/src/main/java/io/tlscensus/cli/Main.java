package io.tlscensus.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/** Entry point: parses the command line and runs the census; never shows the user a stack trace. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs tlscensus as the command would, for tests and embedding; returns the exit status. */
    public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            stderr.println("tlscensus: " + e.getMessage());
            stderr.println("Try 'tlscensus --help' for more information.");
            return ExitStatus.USAGE;
        }
        try {
            if (options.help) {
                Options.printHelp(stdout);
                stdout.flush();
                return ExitStatus.OK;
            }
            if (options.version) {
                stdout.println("tlscensus " + version());
                return ExitStatus.OK;
            }
            if (options.listInterfaces) return LiveRun.listInterfaces(stdout, stderr);
            if (options.liveInterface != null) return new LiveRun(options, stdout, stderr).run();
            return new CensusRun(options, stdin, stdout, stderr).run();
        } catch (IOException e) {
            stderr.println("tlscensus: " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (RuntimeException | Error e) {
            stderr.println("tlscensus: internal error: " + e + (System.getenv("TLSCENSUS_DEBUG") == null
                    ? " (set TLSCENSUS_DEBUG=1 for details)" : ""));
            if (System.getenv("TLSCENSUS_DEBUG") != null) e.printStackTrace(stderr);
            return ExitStatus.USAGE;
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/io/tlscensus/version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }
}
