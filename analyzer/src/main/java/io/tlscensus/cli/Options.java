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
    /** --readiness, --report FILE, --fingerprints FILE: TLS 1.2 readiness verdicts (io.tlscensus.readiness). */
    boolean readiness;
    String report;
    String fingerprints;
    boolean quiet;
    /** Worker threads for files (-r): several files in parallel, one file sharded by flow. */
    int threads = defaultThreads();
    boolean help;
    boolean version;
    final EngineLimits limits = new EngineLimits();
    // Live capture (-i), with tcpdump's letters and meanings; see LiveRun.
    String liveInterface;
    boolean listInterfaces;
    String filter;
    int snaplen = 262_144;
    boolean promiscuous = true;
    long count = -1;
    long durationSeconds = -1;
    /** --rotate: live Parquet output rolls over this often. */
    long rotateSeconds = 3600;
    long intervalSeconds = 10;
    int bufferKiB;
    String writeFile;
    /** -Z: the user to become once the capture is open. */
    String user;

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
            .addOption(Option.builder().longOpt("readiness")
                    .desc("TLS 1.2 readiness verdict rows (clients, servers, SNIs, refusals, software, hours) instead of the summary").get())
            .addOption(Option.builder().longOpt("report").hasArg().argName("FILE.html")
                    .desc("also write the TLS 1.2 readiness report as one self-contained HTML file").get())
            .addOption(Option.builder().longOpt("fingerprints").hasArg().argName("FILE")
                    .desc("extra client fingerprints for the readiness report (TSV: ja3|ja4, value, name, source)").get())
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
            .addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                    .desc("worker threads for -r: files in parallel, a single file split by flow (default: cores, at most 8; "
                            + "1 = one thread)").get())
            .addOption(Option.builder("i").longOpt("interface").hasArg().argName("IFACE")
                    .desc("capture live on IFACE instead of reading files (root or CAP_NET_RAW+CAP_NET_ADMIN); "
                            + "stops on Ctrl-C/SIGTERM, -c or --duration").get())
            .addOption(Option.builder("D").longOpt("list-interfaces")
                    .desc("list the interfaces live capture can use, with their addresses").get())
            .addOption(Option.builder("f").longOpt("filter").hasArg().argName("BPF")
                    .desc("live: capture filter in tcpdump syntax, e.g. 'tcp port 443' (also accepted as trailing arguments)").get())
            .addOption(Option.builder("s").longOpt("snaplen").hasArg().argName("BYTES")
                    .desc("live: bytes kept of each packet (default and 0: 262144)").get())
            .addOption(Option.builder("p").longOpt("no-promisc")
                    .desc("live: do not put the interface into promiscuous mode").get())
            .addOption(Option.builder("c").longOpt("count").hasArg().argName("N")
                    .desc("live: stop after N packets").get())
            .addOption(Option.builder().longOpt("rotate").hasArg().argName("D")
                    .desc("live with --parquet: close the Parquet files and start new ones every D (default 1h; 90, 15m, 2h, 1d)").get())
            .addOption(Option.builder().longOpt("duration").hasArg().argName("D")
                    .desc("live: stop after D seconds (or 30s, 15m, 2h, 1d)").get())
            .addOption(Option.builder().longOpt("interval").hasArg().argName("SECONDS")
                    .desc("live: refresh the summary on the terminal (else a status line on stderr) every SECONDS, "
                            + "0 for never (default 10)").get())
            .addOption(Option.builder("B").longOpt("buffer-size").hasArg().argName("KiB")
                    .desc("live: kernel capture buffer in KiB (default 32768)").get())
            .addOption(Option.builder("w").longOpt("write").hasArg().argName("FILE")
                    .desc("live: also save the raw packets to FILE (classic pcap)").get())
            .addOption(Option.builder("Z").longOpt("relinquish-privileges").hasArg().argName("USER")
                    .desc("live: once the interface is open, switch to USER (as tcpdump -Z): packets are parsed and "
                            + "outputs written as USER, who must be able to write them").get())
            .addOption(Option.builder("h").longOpt("help").desc("show this help").get())
            .addOption(Option.builder().longOpt("version").desc("show the version").get());

    static final int MAX_DEFAULT_THREADS = 8;

    /** One per core, capped: each worker holds its own flow table, and past 8 the memory bus is the limit. */
    static int defaultThreads() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), MAX_DEFAULT_THREADS));
    }

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
        o.liveInterface = cl.getOptionValue("i");
        o.listInterfaces = cl.hasOption("D");
        o.filter = cl.getOptionValue("f");
        if (o.liveInterface != null && o.filter == null && !cl.getArgList().isEmpty()) {
            o.filter = String.join(" ", cl.getArgList()); // tcpdump style: the filter follows the options
            cl.getArgList().clear();
        }
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
        o.readiness = cl.hasOption("readiness");
        o.report = cl.getOptionValue("report");
        o.fingerprints = cl.getOptionValue("fingerprints");
        if (o.readiness && cl.hasOption("connections")) throw new UsageException("--readiness and --connections cannot be combined");
        o.quiet = cl.hasOption("q");
        o.limits.maxFlows = (int) number(cl, "max-flows", o.limits.maxFlows, 1, Integer.MAX_VALUE / 4);
        o.limits.idleTimeoutMicros = number(cl, "idle-timeout", o.limits.idleTimeoutMicros / 1_000_000, 1, 86_400 * 365)
                * 1_000_000L;
        o.limits.maxReassemblyBytes = (int) number(cl, "max-reassembly", o.limits.maxReassemblyBytes, 1024, 1 << 26);
        o.limits.scanLimitBytes = (int) number(cl, "scan-limit", o.limits.scanLimitBytes, 0, 1 << 26);
        o.threads = (int) number(cl, "threads", o.threads, 1, 256);
        live(cl, o);
        if (!o.help && !o.version && !o.listInterfaces && o.inputs.isEmpty() && o.liveInterface == null) {
            throw new UsageException("no input: name a capture file or directory with -r (or -r - for stdin), "
                    + "or an interface with -i");
        }
        if (o.inputs.stream().filter("-"::equals).count() > 1) throw new UsageException("stdin (-r -) can be read only once");
        return o;
    }

    private static void live(CommandLine cl, Options o) throws UsageException {
        if (o.liveInterface != null && !o.inputs.isEmpty()) {
            throw new UsageException("-i (live capture) and -r (files) cannot be combined");
        }
        for (String name : List.of("f", "s", "p", "c", "duration", "interval", "B", "w", "rotate", "Z")) {
            if (cl.hasOption(name) && o.liveInterface == null) {
                throw new UsageException((name.length() == 1 ? "-" : "--") + name + " applies to live capture: name an interface with -i");
            }
        }
        o.snaplen = (int) number(cl, "snaplen", o.snaplen, 0, 262_144);
        if (o.snaplen == 0) o.snaplen = 262_144;
        if (o.snaplen < 68) throw new UsageException("--snaplen takes 0 or a number from 68 to 262144, not '" + o.snaplen + "'");
        o.promiscuous = !cl.hasOption("p");
        o.count = number(cl, "count", -1, 1, Long.MAX_VALUE);
        o.intervalSeconds = number(cl, "interval", o.intervalSeconds, 0, 86_400);
        o.bufferKiB = (int) number(cl, "buffer-size", 32_768, 64, 2_000_000);
        o.writeFile = cl.getOptionValue("w");
        o.user = cl.getOptionValue("Z");
        String d = cl.getOptionValue("duration");
        if (d != null) o.durationSeconds = duration(d);
        String r = cl.getOptionValue("rotate");
        if (r != null) {
            if (o.parquet == null) throw new UsageException("--rotate goes with --parquet DIR");
            o.rotateSeconds = duration(r);
        }
    }

    /** 90, 90s, 15m, 2h or 1d. */
    static long duration(String text) throws UsageException {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 's': unit = 1; break;
                case 'm': unit = 60; break;
                case 'h': unit = 3600; break;
                case 'd': unit = 86_400; break;
                default: unit = 0;
            }
            if (unit != 0) t = t.substring(0, t.length() - 1);
            else unit = 1;
        }
        try {
            long n = Long.parseLong(t);
            if (n < 1 || n > 366L * 86_400 / unit) throw new NumberFormatException();
            return n * unit;
        } catch (NumberFormatException e) {
            throw new UsageException("--duration takes seconds or a number with s, m, h or d (e.g. 90, 15m, 2h), not '"
                    + text + "'");
        }
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
        out.append("Usage: tlscensus -r PATH [-r PATH ...] [options]\n       tlscensus -i IFACE [-f BPF] [options]\n\n")
                .append("Counts SSL/TLS versions per client and server from packet captures (pcap, pcapng, gzip)\nor a live interface.\n\n");
        for (Option o : SPEC.getOptions()) {
            String names = (o.getOpt() != null ? "-" + o.getOpt() + (o.hasLongOpt() ? ", " : "") : "    ")
                    + (o.hasLongOpt() ? "--" + o.getLongOpt() : "") + (o.hasArg() ? " " + o.getArgName() : "");
            out.append(String.format("  %-26s %s%n", names, o.getDescription()));
        }
        out.append("\nExit status: 0 success; 1 some input damaged or unreadable (results of the rest written);\n")
                .append("2 usage error, or nothing could be read.\n");
    }
}
