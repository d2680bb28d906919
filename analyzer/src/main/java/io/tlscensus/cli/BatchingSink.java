package io.tlscensus.cli;

import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.tls.ConnectionRecord;

import java.util.Arrays;

/**
 * One thread's way into a sink that reading threads share (connection rows, Parquet):
 * connections are handed over in batches, one lock per {@value #BATCH} rather than per
 * connection. A lock taken for every connection, contended by every thread, made 2 threads
 * slower than one on captures of short connections (README, Performance). Each thread's
 * connections keep their order; connections of different threads interleave by batch.
 */
final class BatchingSink implements ConnectionSink {
    static final int BATCH = 256;

    private final ConnectionSink shared;
    private final ConnectionRecord[] batch = new ConnectionRecord[BATCH];
    private int size;

    /** @param shared the sink, also the lock every thread's batches take */
    BatchingSink(ConnectionSink shared) {
        this.shared = shared;
    }

    @Override
    public void accept(ConnectionRecord r) {
        batch[size++] = r;
        if (size == BATCH) flush();
    }

    /** Hands over what is held; called by the thread that fed this sink, or after it ended. */
    void flush() {
        if (size == 0) return;
        synchronized (shared) {
            for (int i = 0; i < size; i++) shared.accept(batch[i]);
        }
        Arrays.fill(batch, 0, size, null);
        size = 0;
    }
}
