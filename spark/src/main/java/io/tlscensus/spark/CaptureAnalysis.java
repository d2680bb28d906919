package io.tlscensus.spark;

import io.tlscensus.capture.CaptureFormatException;
import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.EngineLimits;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One capture, one task: the file is streamed from its file system (HDFS, S3A, local) through the
 * analyzer's engine, exactly as the single-machine tool reads stdin, and its connections come out as
 * rows while it is being read. The engine pushes (CaptureSource.readAll) and Spark pulls (an
 * iterator), so a reader thread feeds a small bounded queue: memory stays the same whatever the
 * size of the capture or the number of its connections. The last row carries the {@link FileResult}.
 */
final class CaptureAnalysis implements Iterator<Row> {
    private static final int BATCH = 512;
    private static final int QUEUED_BATCHES = 8;
    private static final Object END = new Object();

    /**
     * Tests only: the first attempt of the task reading the capture of this name fails after its
     * first row, as an executor lost in the middle of a task would, to show that retries do not
     * count twice. Local mode runs tasks in this JVM.
     */
    static volatile String failFirstAttemptOf;
    static final java.util.concurrent.atomic.AtomicInteger INJECTED_FAILURES = new java.util.concurrent.atomic.AtomicInteger();

    private final CaptureInput input;
    private long returned;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread reader;
    private Iterator<Row> batch = java.util.Collections.emptyIterator();
    private boolean ended;
    /** Set when the task is over (completed, failed or killed): the reader stops at its next row. */
    private volatile boolean stopped;

    private CaptureAnalysis(CaptureInput input, Configuration conf) {
        this.input = input;
        reader = new Thread(() -> read(input, conf), "tlscensus-read " + input.name());
        reader.setDaemon(true);
        TaskContext task = TaskContext.get();
        // A killed or failed task (or one that stops pulling) stops its reader and closes the file.
        if (task != null) {
            task.addTaskCompletionListener(ctx -> {
                stopped = true;
                reader.interrupt();
            });
        }
        reader.start();
    }

    /** The rows of the captures, one after the other; each capture's reader starts when the previous one is done. */
    static Iterator<Row> analyse(List<CaptureInput> captures, Configuration conf) {
        Iterator<CaptureInput> next = captures.iterator();
        return new Iterator<>() {
            private Iterator<Row> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!next.hasNext()) return false;
                    current = new CaptureAnalysis(next.next(), conf);
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return current.next();
            }
        };
    }

    @Override
    public boolean hasNext() {
        while (!batch.hasNext()) {
            if (ended) return false;
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                reader.interrupt();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading a capture", e);
            }
            if (next == END) {
                ended = true;
                return false;
            }
            if (next instanceof Throwable) {
                ended = true;
                throw new IllegalStateException("analysing a capture failed: " + next, (Throwable) next);
            }
            @SuppressWarnings("unchecked")
            List<Row> rows = (List<Row>) next;
            batch = rows.iterator();
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        if (returned++ == 1 && input.name().equals(failFirstAttemptOf) && TaskContext.get() != null
                && TaskContext.get().attemptNumber() == 0) {
            INJECTED_FAILURES.incrementAndGet();
            throw new IllegalStateException("test: first attempt at " + input.name() + " fails");
        }
        return batch.next();
    }

    /** The rows not yet handed to the task thread. */
    private static final class Batch {
        List<Row> list = new ArrayList<>(BATCH);
    }

    /** Thrown through the engine when the task has gone away. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    private void put(Object o) {
        if (stopped) throw new Stopped();
        try {
            queue.put(o);
        } catch (InterruptedException e) {
            stopped = true;
            throw new Stopped();
        }
    }

    private void read(CaptureInput input, Configuration conf) {
        try {
            FileResult result = readCapture(input, conf);
            List<Row> last = new ArrayList<>(1);
            last.add(resultRow(result));
            put(last);
            put(END);
        } catch (Stopped e) {
            // the task is over: nobody reads the queue any more
        } catch (Throwable t) {
            try {
                put(t);
            } catch (Stopped e) {
                // as above
            }
        }
    }

    private FileResult readCapture(CaptureInput input, Configuration conf) {
        FileResult result = new FileResult(input);
        InputStream in;
        try {
            Path path = new Path(input.path());
            in = path.getFileSystem(conf).open(path);
        } catch (IOException e) {
            result.status = FileResult.Status.UNREADABLE;
            result.message = describe(e);
            return result;
        }
        try (InputStream stream = in) {
            CaptureSource source;
            try {
                source = Captures.openStdin(stream);
            } catch (CaptureFormatException e) {
                result.status = input.fromListing() ? FileResult.Status.SKIPPED : FileResult.Status.UNREADABLE;
                result.message = input.fromListing() ? "skipped, not a capture file" : e.getMessage();
                return result;
            } catch (IOException e) {
                result.status = FileResult.Status.UNREADABLE;
                result.message = describe(e);
                return result;
            }
            Batch rows = new Batch();
            CensusEngine engine = new CensusEngine(new EngineLimits(), r -> {
                rows.list.add(connectionRow(r));
                if (rows.list.size() == BATCH) {
                    put(rows.list);
                    rows.list = new ArrayList<>(BATCH);
                }
            });
            engine.beginInput(input.name());
            try (source) {
                source.readAll(engine);
            } catch (CaptureFormatException e) {
                result.status = FileResult.Status.DAMAGED;
                result.message = e.getMessage() + "; the packets before it were counted";
            } catch (IOException e) {
                if (stopped) throw new Stopped();
                result.status = FileResult.Status.DAMAGED;
                result.message = describe(e) + "; the packets before it were counted";
            } finally {
                engine.endInput();
            }
            if (!rows.list.isEmpty()) put(rows.list);
            CaptureStats stats = engine.stats();
            stats.inputBytes = Math.max(source.bytesRead(), input.length());
            stats.damagedInputs = result.status == FileResult.Status.DAMAGED ? 1 : 0;
            result.stats(stats);
            return result;
        } catch (IOException e) {
            // closing the input failed: everything was read
            return result;
        }
    }

    static String describe(IOException e) {
        if (e instanceof FileNotFoundException) return "no such file or directory";
        if (e instanceof AccessDeniedException || e instanceof org.apache.hadoop.security.AccessControlException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The connection columns as the single-machine tool's Parquet has them (Datasets.CONNECTIONS). */
    static Row connectionRow(ConnectionRecord r) {
        Object[] v = new Object[Schemas.ANALYSIS.size()];
        int i = 0;
        v[i++] = r.file;
        v[i++] = Instant.ofEpochSecond(Math.floorDiv(r.tsMicros, 1_000_000L), Math.floorMod(r.tsMicros, 1_000_000L) * 1000L);
        v[i++] = r.transport;
        v[i++] = r.client;
        v[i++] = r.clientPort;
        v[i++] = r.server;
        v[i++] = r.serverPort;
        v[i++] = r.vlan < 0 ? null : r.vlan;
        v[i++] = r.tunnelId < 0 ? null : r.tunnelId;
        v[i++] = r.sni;
        v[i++] = TlsVersion.name(r.clientHelloVersion);
        v[i++] = versionNames(r.clientSupportedVersions);
        v[i++] = TlsVersion.name(r.clientMaxVersion());
        v[i++] = TlsVersion.name(r.serverHelloVersion);
        v[i++] = TlsVersion.name(r.negotiatedVersion);
        v[i++] = r.cipherSuite < 0 || r.cipherSuite > 0xffff ? null : String.format("0x%04x", r.cipherSuite);
        v[i++] = r.alpn.toArray(new String[0]);
        v[i++] = r.alerts.toArray(new Integer[0]);
        v[i++] = TlsVersion.name(r.recordVersion);
        v[i++] = r.serverHelloSeen;
        v[i++] = io.tlscensus.tls.Fingerprints.ja3(r);
        v[i++] = io.tlscensus.tls.Fingerprints.ja3s(r);
        v[i++] = io.tlscensus.tls.Fingerprints.ja4(r);
        v[i++] = io.tlscensus.tls.Fingerprints.ja4Raw(r);
        v[i] = null;
        return RowFactory.create(v);
    }

    /** The capture's result; the connection columns that cannot be null hold placeholders. */
    private static Row resultRow(FileResult result) {
        Object[] v = new Object[Schemas.ANALYSIS.size()];
        for (int i = 0; i < Schemas.CONNECTIONS.size(); i++) {
            org.apache.spark.sql.types.StructField f = Schemas.CONNECTIONS.fields()[i];
            if (f.nullable()) continue;
            org.apache.spark.sql.types.DataType t = f.dataType();
            if (t == org.apache.spark.sql.types.DataTypes.StringType) v[i] = "";
            else if (t == org.apache.spark.sql.types.DataTypes.TimestampType) v[i] = Instant.EPOCH;
            else if (t == org.apache.spark.sql.types.DataTypes.IntegerType) v[i] = 0;
            else if (t == org.apache.spark.sql.types.DataTypes.BooleanType) v[i] = false;
            else v[i] = new Object[0];
        }
        v[v.length - 1] = result.toBytes();
        return RowFactory.create(v);
    }

    private static String[] versionNames(List<Integer> versions) {
        String[] names = new String[versions.size()];
        for (int i = 0; i < names.length; i++) names[i] = TlsVersion.name(versions.get(i));
        return names;
    }
}
