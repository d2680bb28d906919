package io.tlscensus.cli;

import io.tlscensus.aggregate.Census;
import io.tlscensus.capture.LiveCapture;
import io.tlscensus.capture.LiveCapture.LiveCaptureException;
import io.tlscensus.capture.PacketHandler;
import io.tlscensus.capture.PcapWriter;
import io.tlscensus.capture.Privileges;
import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.output.ReportWriter;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A live census on one interface (-i): packets from libpcap through the same {@link CensusEngine}
 * as files, until SIGINT/SIGTERM, -c or --duration; then flows in flight are finished, outputs are
 * closed, the final summary is written and the status is 0.
 *
 * <p>One capture thread does everything that touches the engine and the outputs. Other threads
 * (the once-a-second ticker, signal handlers) only set a flag and wake the capture thread with
 * pcap_breakloop, which also works on an idle interface; the capture thread then does the work
 * (refreshed summary, flushing, {@link Periodic} tasks, stopping) and goes back to capturing.
 */
final class LiveRun {
    /**
     * Work done on the capture thread about once a second, between packets, with the engine quiet.
     * This is the hook for rolling output (issue 4's {@code --parquet DIR --rotate}): a task that
     * checks whether the wall clock crossed a period boundary and, if so, closes the current files
     * atomically and starts new ones. {@link #finish} is called once after the last packet.
     */
    interface Periodic {
        void tick(long nowMillis) throws IOException;

        default void finish() throws IOException {
        }
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Options options;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final List<Periodic> periodic = new ArrayList<>();
    private volatile boolean stopRequested;
    private volatile boolean tickDue;
    private volatile String stopReason;
    private volatile LiveCapture live;

    LiveRun(Options options, PrintStream stdout, PrintStream stderr) {
        this.options = options;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** tlscensus -D. */
    static int listInterfaces(PrintStream stdout, PrintStream stderr) {
        try {
            List<String> lines = LiveCapture.listInterfaces();
            for (String line : lines) stdout.println(line);
            stdout.flush();
            if (lines.isEmpty()) {
                stderr.println("tlscensus: no interfaces found (live capture needs root or CAP_NET_RAW and CAP_NET_ADMIN)");
                return ExitStatus.USAGE;
            }
            return ExitStatus.OK;
        } catch (LiveCaptureException e) {
            stderr.println("tlscensus: " + e.getMessage());
            return ExitStatus.USAGE;
        }
    }

    /** Registers work for the capture thread (see {@link Periodic}); call before {@link #run}. */
    void addPeriodic(Periodic task) {
        periodic.add(task);
    }

    int run() throws IOException {
        LiveCapture capture;
        try {
            Privileges.Account account = options.user == null ? null : Privileges.lookup(options.user);
            capture = LiveCapture.open(options.liveInterface, options.snaplen, options.promiscuous,
                    options.bufferKiB * 1024, options.filter);
            if (account != null) {
                try {
                    // Before any output is opened: files are created by the user they will belong to.
                    Privileges.dropTo(account);
                } catch (LiveCaptureException e) {
                    capture.close();
                    throw e;
                }
            }
        } catch (LiveCaptureException e) {
            stderr.println("tlscensus: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        live = capture;
        if (options.count > 0) capture.limit(options.count);
        Census census = new Census(options.groupings);
        Outputs outputs = null;
        PcapWriter dump = null;
        int status = ExitStatus.OK;
        ScheduledExecutorService timer = null;
        try {
            outputs = Outputs.open(options, stdout, false);
            dump = options.writeFile == null ? null
                    : new PcapWriter(Path.of(options.writeFile), capture.linkType(), capture.snaplen());
            ConnectionSink sink = Outputs.both(census, outputs.sink());
            CensusEngine[] engineRef = new CensusEngine[1];
            if (options.parquet != null) {
                LiveCapture c = capture;
                RotatingParquet parquet = new RotatingParquet(Path.of(options.parquet), Main.version(),
                        options.liveInterface, options.rotateSeconds, Outputs.fingerprints(options), () -> {
                            CaptureStats s = engineRef[0].stats();
                            long[] kernel = c.stats(); // -1 once closed: the last numbers were kept
                            if (kernel[1] >= 0) s.packetsDropped = kernel[1];
                            if (kernel[2] >= 0) s.interfaceDropped = kernel[2];
                            return s;
                        });
                ConnectionSink first = sink;
                sink = r -> {
                    first.accept(r);
                    parquet.accept(r);
                };
                addPeriodic(parquet);
            }
            CensusEngine engine = new CensusEngine(options.limits, sink);
            engineRef[0] = engine;
            engine.beginInput(options.liveInterface);
            PcapWriter saved = dump;
            PacketHandler handler = saved == null ? engine : (ts, lt, buf, off, cap, orig) -> {
                saved.onPacket(ts, lt, buf, off, cap, orig);
                engine.onPacket(ts, lt, buf, off, cap, orig);
            };

            Signals.install(this::requestStop);
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tlscensus-ticker");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(() -> {
                tickDue = true;
                capture.wake();
            }, 1, 1, TimeUnit.SECONDS);
            if (options.durationSeconds > 0) {
                timer.schedule(() -> requestStop("duration"), options.durationSeconds, TimeUnit.SECONDS);
            }
            if (!options.quiet) {
                stderr.printf(Locale.ROOT, "tlscensus: listening on %s, link-type %s, snapshot length %d bytes%s%s%n",
                        options.liveInterface, capture.linkTypeName(), capture.snaplen(),
                        options.filter == null ? "" : ", filter '" + options.filter + "'",
                        options.user == null ? "" : ", running as " + options.user);
                stderr.flush();
            }

            long started = System.nanoTime();
            long nextSummary = options.intervalSeconds > 0 ? started + options.intervalSeconds * 1_000_000_000L : Long.MAX_VALUE;
            String failure = null;
            try {
                while (!stopRequested && !capture.limitReached()) {
                    capture.capture(handler);
                    if (tickDue && !stopRequested) {
                        tickDue = false;
                        outputs.flush();
                        if (saved != null) saved.flush();
                        for (Periodic p : periodic) p.tick(System.currentTimeMillis());
                        long now = System.nanoTime();
                        if (now >= nextSummary - 200_000_000L && !options.quiet) { // ticks are 1 s apart, not aligned
                            nextSummary = now + options.intervalSeconds * 1_000_000_000L;
                            refresh(engine, census, capture, started);
                        }
                    }
                }
                // Packets still in the kernel's ring when the stop came are counted too.
                if (stopRequested) capture.drain(handler);
            } catch (LiveCaptureException e) {
                failure = e.getMessage();
            } catch (UncheckedIOException e) {
                failure = (options.writeFile != null ? options.writeFile + ": " : "") + e.getCause().getMessage();
            }
            timer.shutdownNow();
            long[] kernel = capture.stats();
            engine.stats().packetsDropped = Math.max(0, kernel[1]);
            engine.stats().interfaceDropped = Math.max(0, kernel[2]);
            capture.close();
            engine.endInput();
            for (Periodic p : periodic) p.finish();
            if (saved != null) saved.close();
            dump = null;

            CaptureStats stats = engine.stats();
            stats.elapsedNanos = System.nanoTime() - started;
            stats.inputBytes = stats.bytes;
            stats.packetsDropped = Math.max(0, kernel[1]);
            stats.interfaceDropped = Math.max(0, kernel[2]);
            if (failure != null) {
                stderr.println("tlscensus: " + failure + "; the packets before it were counted");
                status = ExitStatus.DAMAGED;
            }
            outputs.finish(census, stats, List.of(options.liveInterface));
            outputs.commit();
            if (!options.quiet) {
                stderr.println("tlscensus: " + stats.line());
                if (stopReason != null) stderr.println("tlscensus: stopped by " + stopReason);
            }
            stderr.flush();
        } finally {
            if (timer != null) timer.shutdownNow();
            capture.close();
            if (dump != null) dump.close();
            if (outputs != null) outputs.close();
        }
        return status;
    }

    /** From a signal handler or the timer: the capture thread stops at its next wake-up. */
    private void requestStop(String reason) {
        if (stopReason == null) stopReason = reason;
        stopRequested = true;
        LiveCapture c = live;
        if (c != null) c.wake();
    }

    /** On a terminal the summary table is redrawn in place; otherwise one status line (for logs). */
    private void refresh(CensusEngine engine, Census census, LiveCapture capture, long started) {
        CaptureStats s = engine.stats();
        long[] kernel = capture.stats();
        String status = String.format(Locale.ROOT,
                "tlscensus: %s live on %s for %d s: %d packets, %d TLS connections, %d flows active; "
                        + "dropped: %d by kernel, %d by interface",
                LocalTime.now().format(CLOCK), options.liveInterface,
                (System.nanoTime() - started) / 1_000_000_000L, s.packets, s.tlsConnections, engine.activeFlows(),
                Math.max(0, kernel[1]), Math.max(0, kernel[2]));
        if (System.console() != null) {
            PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), false);
            err.print("\033[H\033[2J");
            err.println(status);
            err.println();
            ReportWriter.create("table", err).summary(census);
            err.flush();
        } else {
            stderr.println(status);
            stderr.flush();
        }
    }

    /**
     * SIGINT and SIGTERM stop the capture cleanly and the run exits 0 (a shutdown hook could not:
     * the JVM would exit 130/143 however the hook ended). A second Ctrl-C exits at once.
     * sun.misc.Signal (module jdk.unsupported, in every JDK) is reached by reflection so that javac
     * has no internal-API warning to print.
     */
    private static final class Signals {
        static void install(java.util.function.Consumer<String> stop) {
            for (String name : new String[] {"INT", "TERM"}) {
                try {
                    Class<?> signalClass = Class.forName("sun.misc.Signal");
                    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                    Object signal = signalClass.getConstructor(String.class).newInstance(name);
                    boolean[] seen = {false};
                    Object handler = java.lang.reflect.Proxy.newProxyInstance(handlerClass.getClassLoader(),
                            new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                                switch (method.getName()) {
                                    case "handle":
                                        if (seen[0] && "INT".equals(name)) Runtime.getRuntime().halt(130);
                                        seen[0] = true;
                                        stop.accept("SIG" + name);
                                        return null;
                                    case "hashCode": return System.identityHashCode(proxy);
                                    case "equals": return proxy == args[0];
                                    default: return "tlscensus SIG" + name + " handler";
                                }
                            });
                    signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // Signal ignored at start (nohup, background job) or not available (-Xrs):
                    // it keeps its disposition; SIGTERM/-c/--duration still end the run cleanly.
                }
            }
        }
    }
}
