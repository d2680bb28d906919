package io.tlscensus.cli;

import io.tlscensus.aggregate.Grouping;
import io.tlscensus.engine.EngineLimits;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.ParseException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The command line, with tcpdump's and tshark's letters where they have one. */
final class Options {
    final List<String> inputs = new ArrayList<>();
    final Set<Grouping> groupings = EnumSet.noneOf(Grouping.class);
    String format = "table";
    boolean connections;
    String output;
    /** --parquet DIR: Parquet datasets written beside any other output. */
    String parquet;
    boolean quiet;
    boolean help;
    boolean version;
    final EngineLimits limits = new EngineLimits();

    private static final org.apache.commons.cli.Options SPEC = new org.apache.commons.cli.Options()
            .addOption(Option.builder("r").longOpt("read").hasArg().argName("PATH")
                    .desc("capture file, directory (all captures below it, in name order) or - for stdin; repeatable").get())
            .addOption(Option.builder().longOpt("by").hasArg().argName("GROUP")
                    .desc("summary grouping: client, server, sni or pair; repeatable or comma-separated (default: client and server)").get())
            .addOption(Option.builder().longOpt("format").hasArg().argName("FORMAT")
                    .desc("table (default), csv or jsonl").get())
            .addOption(Option.builder().longOpt("connections")
                    .desc("one row per TLS connection instead of the summary").get())
            .addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE")
                    .desc("write results to FILE (complete or not at all) instead of standard output").get())
            .addOption(Option.builder().longOpt("parquet").hasArg().argName("DIR")
                    .desc("also write Parquet datasets DIR/connections, DIR/summary and DIR/run (new files each run; "
                            + "nothing visible unless complete)").get())
            .addOption(Option.builder("q").longOpt("quiet")
                    .desc("no progress, notes or statistics on standard error; errors still shown").get())
            .addOption(Option.builder().longOpt("max-flows").hasArg().argName("N")
                    .desc("flows tracked at once; the least recently active is evicted beyond it (default 1000000)").get())
            .addOption(Option.builder().longOpt("idle-timeout").hasArg().argName("SECONDS")
                    .desc("forget a flow idle this long in capture time (default 300)").get())
            .addOption(Option.builder().longOpt("max-reassembly").hasArg().argName("BYTES")
                    .desc("bytes held per flow direction to reassemble hellos (default 65536)").get())
            .addOption(Option.builder().longOpt("scan-limit").hasArg().argName("BYTES")
                    .desc("bytes searched per direction for the start of TLS, e.g. after STARTTLS (default 16384)").get())
            .addOption(Option.builder("h").longOpt("help").desc("show this help").get())
            .addOption(Option.builder().longOpt("version").desc("show the version").get());

    static Options parse(String[] args) throws UsageException {
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(SPEC, args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
        Options o = new Options();
        o.help = cl.hasOption("h");
        o.version = cl.hasOption("version");
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "' (inputs are given with -r)");
        }
        String[] reads = cl.getOptionValues("r");
        if (reads != null) o.inputs.addAll(List.of(reads));
        String[] bys = cl.getOptionValues("by");
        if (bys != null) {
            for (String by : bys) {
                for (String g : by.split(",")) {
                    try {
                        o.groupings.add(Grouping.parse(g.trim()));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
            }
        }
        if (o.groupings.isEmpty()) {
            o.groupings.add(Grouping.CLIENT);
            o.groupings.add(Grouping.SERVER);
        }
        o.format = cl.getOptionValue("format", "table");
        if (!List.of("table", "csv", "jsonl").contains(o.format)) {
            throw new UsageException("--format takes table, csv or jsonl, not '" + o.format + "'");
        }
        o.connections = cl.hasOption("connections");
        o.output = cl.getOptionValue("o");
        o.parquet = cl.getOptionValue("parquet");
        o.quiet = cl.hasOption("q");
        o.limits.maxFlows = (int) number(cl, "max-flows", o.limits.maxFlows, 1, Integer.MAX_VALUE / 4);
        o.limits.idleTimeoutMicros = number(cl, "idle-timeout", o.limits.idleTimeoutMicros / 1_000_000, 1, 86_400 * 365)
                * 1_000_000L;
        o.limits.maxReassemblyBytes = (int) number(cl, "max-reassembly", o.limits.maxReassemblyBytes, 1024, 1 << 26);
        o.limits.scanLimitBytes = (int) number(cl, "scan-limit", o.limits.scanLimitBytes, 0, 1 << 26);
        if (!o.help && !o.version && o.inputs.isEmpty()) {
            throw new UsageException("no input: name a capture file or directory with -r (or -r - for stdin)");
        }
        if (o.inputs.stream().filter("-"::equals).count() > 1) throw new UsageException("stdin (-r -) can be read only once");
        return o;
    }

    private static long number(CommandLine cl, String name, long dflt, long min, long max) throws UsageException {
        String v = cl.getOptionValue(name);
        if (v == null) return dflt;
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a whole number from " + min + " to " + max + ", not '" + v + "'");
        }
    }

    /** Help in the classic man-page layout that tcpdump and tshark users read at a glance. */
    static void printHelp(Appendable out) throws IOException {
        out.append("Usage: tlscensus -r PATH [-r PATH ...] [options]\n\n")
                .append("Counts SSL/TLS versions per client and server from packet captures (pcap, pcapng, gzip).\n\n");
        for (Option o : SPEC.getOptions()) {
            String names = (o.getOpt() != null ? "-" + o.getOpt() + (o.hasLongOpt() ? ", " : "") : "    ")
                    + (o.hasLongOpt() ? "--" + o.getLongOpt() : "") + (o.hasArg() ? " " + o.getArgName() : "");
            out.append(String.format("  %-26s %s%n", names, o.getDescription()));
        }
        out.append("\nExit status: 0 success; 1 some input damaged or unreadable (results of the rest written);\n")
                .append("2 usage error, or nothing could be read.\n");
    }
}
