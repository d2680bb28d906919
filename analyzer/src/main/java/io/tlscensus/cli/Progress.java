package io.tlscensus.cli;

import io.tlscensus.capture.CaptureSource;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Input bytes done of total, rate and ETA on stderr, refreshed twice a second, for runs on a
 * terminal only (never when piped or quiet). The reader thread is never slowed: this thread only
 * reads the source's byte counter.
 */
final class Progress {
    private final PrintStream err;
    private final long totalBytes;
    private final Thread thread;
    private final long started = System.nanoTime();
    private volatile CaptureSource current;
    private volatile long doneBytes;
    private volatile boolean running = true;

    private Progress(PrintStream err, long totalBytes, boolean show) {
        this.err = err;
        this.totalBytes = totalBytes;
        this.thread = show ? new Thread(this::loop, "tlscensus-progress") : null;
        if (thread != null) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    static Progress start(List<String> inputs, PrintStream err, boolean show) {
        long total = 0;
        for (String input : inputs) {
            try {
                total += "-".equals(input) ? 0 : Files.size(Path.of(input));
            } catch (Exception e) {
                // unknown size: progress shows bytes without a total
            }
        }
        return new Progress(err, total, show);
    }

    synchronized void begin(CaptureSource source) {
        current = source;
    }

    synchronized void end(CaptureSource source) {
        doneBytes += Math.max(source.bytesRead(), Math.max(0, source.sizeBytes()));
        if (current == source) current = null;
    }

    long bytesDone() {
        CaptureSource c = current;
        return doneBytes + (c == null ? 0 : c.bytesRead());
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r\033[K");
            err.flush();
        }
    }

    private void loop() {
        try {
            Thread.sleep(1000); // short runs show nothing
            while (running) {
                long done = bytesDone();
                double seconds = (System.nanoTime() - started) / 1e9;
                double rate = done / Math.max(seconds, 1e-3);
                String line = totalBytes > 0
                        ? String.format(Locale.ROOT, "\rtlscensus: %3.0f%% of %s, %s/s, ETA %.0f s\033[K",
                        100.0 * done / totalBytes, size(totalBytes), size((long) rate),
                        rate > 0 ? Math.max(0, totalBytes - done) / rate : 0)
                        : String.format(Locale.ROOT, "\rtlscensus: %s, %s/s\033[K", size(done), size((long) rate));
                err.print(line);
                err.flush();
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        return String.format(Locale.ROOT, "%.0f kB", bytes / 1e3);
    }
}
