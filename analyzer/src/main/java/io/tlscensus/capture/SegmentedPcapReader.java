package io.tlscensus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Reads one plain pcap file with N threads, each delivering the packets of its own shard to its
 * own handler, in file order. The walk over the records, the part a single reading thread cannot
 * share, is split too: the file is cut into segments, any thread walks the next segment (copying
 * it into a heap buffer and listing each record under the shard it belongs to), and each thread
 * then hands its shard's records of every segment, in segment order, to its handler.
 *
 * <p>pcap has no sync markers, so a segment's walk starts at a guess: the first place from which
 * {@value #CHAIN} plausible records follow each other. Guesses are checked in file order against
 * where the previous segment's walk really ended; a wrong guess (a capture inside a captured
 * payload can fool it) is walked again from the right place before any of it is delivered, so the
 * records delivered are exactly those a sequential read finds. Damage ends the read where a
 * sequential read would end it, with the same message, after every packet before it.
 */
public final class SegmentedPcapReader {
    /**
     * Which shard a packet is for: 0..N-1, or -1 for every shard (each keeps what is its own). The
     * frame is read from the segment's array in place (a plain array for C1, see PacketDecoder).
     */
    @FunctionalInterface
    public interface Sharder {
        int shardOf(int linkType, byte[] frame, int offset, int capturedLength);
    }

    /**
     * 1 MiB, the size of a core's L2 here: a segment's walk and its own shard's delivery then mostly
     * hit the walker's cache (2 threads, reading phase: 0.72 s median against 0.81 s with 2 MiB
     * segments; 512 KiB the same as 1 MiB, 256 KiB slower).
     */
    static final int DEFAULT_SEGMENT_BYTES = 1 << 20;
    /** A segment and its tail must fit one mapping (2 GiB). */
    static final int MAX_SEGMENT_BYTES = 1 << 30;
    /** Records that must follow each other for a guessed segment start. */
    static final int CHAIN = 8;
    private static final int HEADER = PcapReader.RECORD_HEADER_BYTES;
    /** A record begun before a segment's end may run this far past it. */
    private static final int TAIL = HEADER + PcapReader.MAX_CAPTURED_LENGTH;
    /** What is copied past a segment's end at first: most records that cross it end within. */
    private static final int OVERHANG = 64 * 1024;

    private final String name;
    private final FileChannel channel;
    private final long fileSize;
    private final int segmentBytes;
    /** The file header read, and the reading of its record headers. */
    private final PcapReader header;
    private final int linkType;
    private final long segments;
    /** Mapped regions hold whole segments, about this many bytes (256 segments of the default size). */
    private static final int REGION_BYTES = 256 << 20;
    private final int segmentsPerRegion;
    private long regionIndex = -1;
    private MappedByteBuffer currentRegion;
    private MappedByteBuffer previousRegion;

    // Shared state, guarded by this.
    private final ArrayDeque<Segment> free = new ArrayDeque<>();
    private final Segment[] inFlight;
    private long nextToWalk;
    private long validated;        // segments [0, validated) are checked and may be delivered
    private long end = -1;         // once known: the segment after which nothing is delivered
    private long trueNext;         // where the last validated segment's walk ended
    private long consumedUpTo;     // for progress
    private Throwable failure;
    private int rewalks;
    private CaptureFormatException damage;
    private IOException ioDamage;

    SegmentedPcapReader(String name, FileChannel channel, long fileSize, PcapReader header, int segmentBytes, int threads) {
        this.name = name;
        this.channel = channel;
        this.fileSize = fileSize;
        if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) throw new IllegalArgumentException("segment size " + segmentBytes);
        this.segmentBytes = segmentBytes;
        this.segmentsPerRegion = Math.max(1, REGION_BYTES / segmentBytes);
        this.header = header;
        this.linkType = header.linkType;
        long body = fileSize - PcapReader.FILE_HEADER_BYTES;
        this.segments = Math.max(1, (body + segmentBytes - 1) / segmentBytes);
        int slots = threads + 2; // as bufferBytes counts
        this.inFlight = new Segment[slots];
        for (int i = 0; i < slots; i++) free.add(new Segment(threads));
        this.trueNext = PcapReader.FILE_HEADER_BYTES;
    }

    /** Heap the segment buffers of a read take: N + 2 segments and their tails. */
    static long bufferBytes(int segmentBytes, int threads) {
        return (threads + 2L) * ((long) segmentBytes + TAIL);
    }

    /** Segments whose guessed start was wrong and that were walked again (for tests). */
    synchronized int rewalks() {
        return rewalks;
    }

    /** Bytes of the file delivered so far, for progress. */
    synchronized long bytesRead() {
        return consumedUpTo;
    }

    /**
     * Reads the file; the calling thread runs shard 0, new threads the others. Returns at the end of
     * the file; throws the damage a sequential read would meet, after delivering what precedes it.
     */
    void read(PacketHandler[] handlers, Sharder sharder) throws IOException, CaptureFormatException {
        Thread[] threads = new Thread[handlers.length - 1];
        for (int s = 1; s < handlers.length; s++) {
            int shard = s;
            threads[s - 1] = new Thread(() -> work(shard, handlers, sharder), "tlscensus-shard-" + s);
            threads[s - 1].setDaemon(true);
            threads[s - 1].start();
        }
        work(0, handlers, sharder);
        Threads.joinAll(threads);
        synchronized (this) {
            Threads.rethrow(failure);
            if (ioDamage != null) throw ioDamage;
            if (damage != null) throw damage;
        }
    }

    private void work(int shard, PacketHandler[] handlers, Sharder sharder) {
        try {
            long next = 0; // the next segment this shard delivers
            while (true) {
                Segment ready = null;
                Segment claimed = null;
                synchronized (this) {
                    while (true) {
                        if (failure != null || (end >= 0 && next >= end) || next >= segments) return;
                        if (next < validated) {
                            ready = inFlight[(int) (next % inFlight.length)];
                            break;
                        }
                        if (nextToWalk < segments && (end < 0 || nextToWalk < end) && !free.isEmpty()) {
                            claimed = free.poll();
                            claimed.index = nextToWalk++;
                            claimed.walked = false;
                            inFlight[(int) (claimed.index % inFlight.length)] = claimed;
                            break;
                        }
                        wait(10);
                    }
                }
                if (ready != null) {
                    deliver(ready, shard, handlers[shard]);
                    next++;
                    synchronized (this) {
                        consumedUpTo = Math.max(consumedUpTo, ready.next > 0 ? ready.next : ready.copyStart);
                        if (--ready.pending == 0) {
                            inFlight[(int) (ready.index % inFlight.length)] = null;
                            free.add(ready);
                            notifyAll();
                        }
                    }
                } else {
                    walkGuessed(claimed, handlers.length, sharder);
                    synchronized (this) {
                        claimed.walked = true;
                        validate(handlers.length, sharder);
                        notifyAll();
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                if (failure == null) failure = e;
                notifyAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (this) {
                if (failure == null) failure = new IllegalStateException("interrupted while reading " + name);
                notifyAll();
            }
        }
    }

    /** Checks walked segments in file order; walks one again from the right place when its guess was wrong. */
    private void validate(int shards, Sharder sharder) {
        while (validated < segments && (end < 0 || validated < end)) {
            Segment s = inFlight[(int) (validated % inFlight.length)];
            if (s == null || s.index != validated || !s.walked) return;
            if (s.start != trueNext) {
                rewalks++;
                walkFrom(s, trueNext, shards, sharder);
            }
            s.pending = shards;
            validated++;
            if (s.damage != null || s.ioDamage != null) {
                damage = s.damage;
                ioDamage = s.ioDamage;
                end = validated;
            } else {
                trueNext = s.next;
                if (trueNext >= fileSize) end = validated;
            }
        }
    }

    private void walkGuessed(Segment s, int shards, Sharder sharder) {
        long from = segmentStart(s.index);
        try {
            copy(s, from);
        } catch (IOException e) {
            s.reset(from);
            s.ioDamage = e;
            return;
        }
        long guess = s.index == 0 ? from : guessStart(s);
        walkFrom(s, guess < 0 ? -1 : guess, shards, sharder);
    }

    private long segmentStart(long index) {
        return PcapReader.FILE_HEADER_BYTES + index * segmentBytes;
    }

    /**
     * Copies the segment and a little past its end into the segment's heap buffer (sized for the
     * longest record that may run past the end, which {@link #copyUpTo} adds when one does).
     */
    private void copy(Segment s, long from) throws IOException {
        int capacity = (int) Math.min(fileSize - from, (long) segmentBytes + TAIL);
        if (s.bytes.length < capacity) s.allocate(capacity);
        s.copyStart = from;
        s.copyEnd = from;
        copyUpTo(s, Math.min(fileSize, segmentStart(s.index) + segmentBytes + OVERHANG));
    }

    /** Extends the segment's copy to {@code to} (within its buffer). */
    private void copyUpTo(Segment s, long to) throws IOException {
        to = Math.min(to, s.copyStart + s.bytes.length);
        if (to <= s.copyEnd) return;
        long regionStart = regionStart(s.index);
        region(s.index).get((int) (s.copyEnd - regionStart), s.bytes, (int) (s.copyEnd - s.copyStart),
                (int) (to - s.copyEnd));
        s.copyEnd = to;
    }

    private long regionStart(long segment) {
        return segmentStart(segment / segmentsPerRegion * segmentsPerRegion);
    }

    /**
     * The mapping that holds the segment and its tail: regions of {@link #segmentsPerRegion}
     * segments, overlapping by a segment's tail, mapped once and shared by the threads (absolute
     * bulk gets leave a buffer's position alone). Regions behind every thread are dropped for the GC
     * to unmap (Java 17 has no supported unmap).
     */
    private synchronized MappedByteBuffer region(long segment) throws IOException {
        long r = segment / segmentsPerRegion;
        if (r == regionIndex) return currentRegion;
        if (r == regionIndex - 1 && previousRegion != null) return previousRegion; // a thread a little behind
        long start = regionStart(segment);
        long length = Math.min(fileSize - start, (long) segmentsPerRegion * segmentBytes + TAIL);
        MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
        if (r > regionIndex) {
            previousRegion = currentRegion;
            currentRegion = m;
            regionIndex = r;
        }
        return m;
    }

    /** The first offset from which {@link #CHAIN} plausible records follow each other, or -1. */
    private long guessStart(Segment s) {
        long segEnd = Math.min(fileSize, segmentStart(s.index) + segmentBytes);
        for (long p = s.copyStart; p < segEnd; p++) {
            if (chainAt(s, p)) return p;
        }
        return -1;
    }

    private boolean chainAt(Segment s, long p) {
        for (int n = 0; n < CHAIN; n++) {
            if (p == fileSize) return true; // the chain reaches the end of the file exactly
            if (p + HEADER > s.copyEnd) return p + HEADER <= fileSize && n >= 2; // runs past the copy
            int i = (int) (p - s.copyStart);
            long captured = header.capturedLength(s.bytes, i);
            if (!header.plausible(s.bytes, i) || captured > PcapReader.MAX_CAPTURED_LENGTH
                    || header.wireLength(s.bytes, i) < captured || captured < 14) {
                return false;
            }
            p += HEADER + captured;
            if (p > fileSize) return false;
        }
        return true;
    }

    /**
     * Walks the records from {@code from} (-1: no start found, nothing to list) to the first one at
     * or past the segment's end, listing each under its shard; stops at damage, which it records.
     */
    private void walkFrom(Segment s, long from, int shards, Sharder sharder) {
        s.clearLists();
        s.start = from;
        s.damage = null;
        s.ioDamage = null;
        if (from < 0) {
            s.next = -1;
            return;
        }
        long segEnd = Math.min(fileSize, segmentStart(s.index) + segmentBytes);
        long p = from;
        byte[] a = s.bytes;
        while (p < segEnd) {
            long left = fileSize - p;
            if (left < HEADER) {
                s.damage = PcapReader.truncatedHeader(p, left);
                break;
            }
            if (p + HEADER > s.copyEnd && !extend(s, p + TAIL)) break;
            int i = (int) (p - s.copyStart);
            long captured = header.capturedLength(a, i);
            if (captured > PcapReader.MAX_CAPTURED_LENGTH) {
                s.damage = PcapReader.tooLong(p, captured);
                break;
            }
            if (HEADER + captured > left) {
                s.damage = PcapReader.truncatedRecord(p, captured, left);
                break;
            }
            if (p + HEADER + captured > s.copyEnd && !extend(s, p + TAIL)) break;
            int shard = sharder.shardOf(linkType, a, i + HEADER, (int) captured);
            if (shard < 0) {
                for (int k = 0; k < shards; k++) s.add(k, i);
            } else {
                s.add(shard, i);
            }
            p += HEADER + captured;
        }
        s.next = s.damage != null || s.ioDamage != null ? -1 : p;
    }

    /** Copies more of a segment for a record that runs past the copy; false (noted) on an I/O error. */
    private boolean extend(Segment s, long to) {
        try {
            copyUpTo(s, to);
            return true;
        } catch (IOException e) {
            s.ioDamage = e;
            return false;
        }
    }

    private void deliver(Segment s, int shard, PacketHandler handler) {
        int[] list = s.lists[shard];
        int count = s.counts[shard];
        byte[] a = s.bytes;
        ByteBuffer view = s.views[shard];
        for (int k = 0; k < count; k++) {
            int i = list[k];
            handler.onPacket(header.timestampMicros(a, i), linkType, view, i + HEADER, (int) header.capturedLength(a, i),
                    header.wireLength(a, i));
        }
    }

    /** One segment's bytes and its records by shard; reused once every shard has delivered it. */
    private static final class Segment {
        long index;
        long copyStart;
        long copyEnd;
        long start;
        long next;
        boolean walked;
        int pending;
        CaptureFormatException damage;
        IOException ioDamage;
        byte[] bytes = new byte[0];
        /** One view per shard: decoders may move a buffer's position and limit. */
        ByteBuffer[] views;
        final int[][] lists;
        final int[] counts;

        Segment(int shards) {
            lists = new int[shards][1024];
            counts = new int[shards];
            views = new ByteBuffer[shards];
            allocate(0);
        }

        void allocate(int length) {
            bytes = new byte[length];
            for (int k = 0; k < views.length; k++) views[k] = ByteBuffer.wrap(bytes);
        }

        void reset(long from) {
            copyStart = from;
            copyEnd = from;
            start = from;
            next = -1;
            clearLists();
        }

        void clearLists() {
            Arrays.fill(counts, 0);
        }

        void add(int shard, int index) {
            int n = counts[shard];
            if (n == lists[shard].length) lists[shard] = Arrays.copyOf(lists[shard], n * 2);
            lists[shard][n] = index;
            counts[shard] = n + 1;
        }
    }
}
