package io.tlscensus.cli;

import io.tlscensus.capture.PacketHandler;
import io.tlscensus.capture.Threads;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.FlowShards;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One file, N shard engines: the reading thread walks the capture and hashes each packet's flow
 * ({@link FlowShards#fastOwner}, a few header reads). It runs shard 0's engine itself and hands
 * the other shards' packets (their place in the mapped file) to their workers through
 * single-producer single-consumer rings; packets that need a full decode to be placed (tunnels,
 * fragments, non-IP) go to every shard, whose engine keeps what is its own. Each shard sees its
 * packets in file order. N shards are N threads: on 2 cores, a reader of its own beside two
 * workers left three threads fighting for two cores.
 *
 * <p>Each ring copies its packets into a heap arena of its own, where its worker decodes them as
 * plain arrays: the reader's buffer is reused once its call returns, and decoding a mapped buffer
 * in place made 2 threads slower than one under C1 (pcapng, 2 cores: 1.1 s against 0.75 s;
 * README, Performance).
 */
final class ShardPipeline implements PacketHandler {
    private static final int RING = 1 << 10;
    private static final int BATCH = 64;
    /** Bytes of packets a ring holds: several of the largest pcap records (256 KiB). */
    private static final int ARENA = 4 << 20;
    /**
     * A pcapng packet may be up to 16 MiB: one larger than this gets an array of its own instead
     * (rare, so the allocation does not matter; waiting for arena room it could never get would).
     */
    private static final int LARGE = ARENA / 4;

    /** Shard 0, run by the reading thread. */
    private final CensusEngine inline;
    /** Shards 1..N-1. */
    private final Ring[] rings;
    private final Thread[] threads;

    ShardPipeline(CensusEngine[] engines, String name) {
        inline = engines[0];
        rings = new Ring[engines.length - 1];
        threads = new Thread[engines.length - 1];
        for (int s = 1; s < engines.length; s++) {
            Ring ring = rings[s - 1] = new Ring(engines[s]);
            threads[s - 1] = new Thread(ring::consume, "tlscensus-shard-" + s);
            threads[s - 1].setDaemon(true);
        }
    }

    void start() {
        for (Thread t : threads) t.start();
    }

    @Override
    public void onPacket(long ts, int linkType, ByteBuffer buffer, int offset, int capturedLength, int originalLength) {
        int owner = FlowShards.fastOwner(linkType, buffer, offset, capturedLength, rings.length + 1);
        if (owner > 0) {
            rings[owner - 1].put(ts, linkType, buffer, offset, capturedLength, originalLength);
            return;
        }
        if (owner < 0) {
            for (Ring r : rings) r.put(ts, linkType, buffer, offset, capturedLength, originalLength);
        }
        // On the reading thread, like a one-thread read: the reader's buffer as it is.
        inline.onPacket(ts, linkType, buffer, offset, capturedLength, originalLength);
    }

    /** Waits until every worker has handled every packet; rethrows a worker's failure. */
    void finish() {
        for (Ring r : rings) r.close();
        Threads.joinAll(threads);
        for (Ring r : rings) Threads.rethrow(r.failure);
    }

    private static final class Ring {
        final CensusEngine engine;
        final long[] ts = new long[RING];
        final int[] link = new int[RING];
        final int[] offset = new int[RING];
        /** Where each packet's bytes end in the arena, counted from the start of the run (with wrap gaps). */
        final long[] end = new long[RING];
        /** A {@link #LARGE} packet's own copy, else null. */
        final ByteBuffer[] large = new ByteBuffer[RING];
        final byte[] arena = new byte[ARENA];
        /** The worker's view of the arena (decoders may move its position and limit). */
        final ByteBuffer arenaView = ByteBuffer.wrap(arena);
        long written;
        final int[] captured = new int[RING];
        final int[] original = new int[RING];
        /** Slots written (by the reader) and slots consumed (by the worker); release/acquire ordered. */
        /** head: written by the reader only; published: what the worker may read. */
        final AtomicLong head = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong tail = new AtomicLong();
        /** Arena bytes the worker is done with (the end of the last packet it handled). */
        final AtomicLong consumed = new AtomicLong();
        long cachedTail;
        long cachedConsumed;
        volatile boolean closed;
        volatile Thread waiting;
        volatile Throwable failure;

        Ring(CensusEngine engine) {
            this.engine = engine;
        }

        void put(long t, int l, ByteBuffer b, int o, int c, int orig) {
            long h = head.getPlain();
            int inArena = c > LARGE ? 0 : c;
            int at = (int) (written % ARENA);
            long start = at + inArena > ARENA ? written + ARENA - at : written; // a packet never wraps
            if (h - cachedTail == RING || start + inArena - cachedConsumed > ARENA) {
                int spins = 0;
                while (h - (cachedTail = tail.getAcquire()) == RING
                        || start + inArena - (cachedConsumed = consumed.getAcquire()) > ARENA) {
                    if (failure != null) return; // the worker died: finish() reports it
                    if (++spins < 10) {
                        Thread.onSpinWait();
                    } else {
                        publish(h); // the worker may be waiting for packets not yet published
                        LockSupport.parkNanos(50_000);
                    }
                }
            }
            int i = (int) h & (RING - 1);
            int index;
            if (inArena == c) {
                index = (int) (start % ARENA);
                b.get(o, arena, index, c);
                written = start + c;
                large[i] = null;
            } else {
                byte[] own = new byte[c];
                b.get(o, own, 0, c);
                large[i] = ByteBuffer.wrap(own);
                index = 0;
            }
            ts[i] = t;
            link[i] = l;
            offset[i] = index;
            end[i] = written;
            captured[i] = c;
            original[i] = orig;
            head.setPlain(h + 1);
            // Published in batches: one release store (and at most one wake-up) per 64 packets.
            if ((h & (BATCH - 1)) == BATCH - 1) publish(h + 1);
        }

        private void publish(long h) {
            published.setRelease(h);
            Thread w = waiting;
            if (w != null) LockSupport.unpark(w);
        }

        /** Publishes the last packets, then says there will be no more (in this order: see consume). */
        void close() {
            published.setRelease(head.getPlain());
            closed = true;
            Thread w = waiting;
            if (w != null) LockSupport.unpark(w);
        }

        void consume() {
            try {
                long t = tail.getPlain();
                while (true) {
                    long h = published.getAcquire();
                    if (h == t) {
                        if (closed && published.getAcquire() == t) return;
                        idle(t);
                        continue;
                    }
                    for (; t < h; t++) {
                        int i = (int) t & (RING - 1);
                        ByteBuffer own = large[i];
                        engine.onPacket(ts[i], link[i], own != null ? own : arenaView, offset[i], captured[i], original[i]);
                        if ((t & 255) == 255) release(t + 1, end[i]);
                    }
                    release(t, end[(int) (t - 1) & (RING - 1)]);
                }
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }

        private void release(long slots, long bytes) {
            consumed.setRelease(bytes);
            tail.setRelease(slots);
        }

        private void idle(long t) {
            for (int spins = 0; spins < 20; spins++) {
                if (published.getAcquire() != t || closed) return;
                Thread.onSpinWait();
            }
            waiting = Thread.currentThread();
            if (published.getAcquire() == t && !closed) LockSupport.parkNanos(this, 200_000);
            waiting = null;
        }
    }
}
