package io.tlscensus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Maps a file in windows so files beyond the 2 GiB limit of one mapping can be read. When a request
 * crosses the window end, a new window is mapped starting at the requested offset (a record
 * boundary), so no record ever straddles two mappings.
 *
 * <p>The handler sees the bytes in a reused heap chunk that is filled from the mapping one
 * megabyte at a time: the decoders then read plain arrays, which the C1 JIT of file runs compiles
 * to inline loads, where every read of a mapped {@code ByteBuffer} is a call (README, Performance;
 * the copy costs ~0.12 s per GB). A handler that keeps packets after its call copies them (the
 * sharded pipeline's rings do).
 */
final class MappedFileWindow extends ByteWindow {
    static final int DEFAULT_WINDOW_BYTES = 256 << 20;
    /** Several of the largest pcap records (256 KiB), so a refill seldom copies a record twice. */
    static final int CHUNK_BYTES = 1 << 20;

    private final FileChannel channel;
    private final long fileSize;
    private final int windowBytes;
    private ByteBuffer mapped = ByteBuffer.allocate(0);
    private long windowStart;
    private long windowEnd;
    private byte[] chunk = new byte[0];
    private ByteBuffer chunkBuffer = ByteBuffer.wrap(chunk);
    private long chunkStart;
    private long chunkEnd;
    private long consumed;

    MappedFileWindow(FileChannel channel, long fileSize, int windowBytes) {
        if (windowBytes <= 0) {
            throw new IllegalArgumentException("window size " + windowBytes);
        }
        this.channel = channel;
        this.fileSize = fileSize;
        this.windowBytes = windowBytes;
    }

    @Override
    int request(long offset, int length) throws IOException {
        long left = fileSize - offset;
        if (left <= 0) {
            consumed = fileSize;
            return 0;
        }
        int available = (int) Math.min(length, left);
        consumed = offset + available;
        if (offset < chunkStart || offset + available > chunkEnd) {
            int fill = (int) Math.min(Math.max(Math.max(Math.min(CHUNK_BYTES, windowBytes), available), chunk.length), left);
            if (fill > chunk.length) {
                chunk = new byte[fill];
                chunkBuffer = ByteBuffer.wrap(chunk);
            }
            map(offset, fill);
            mapped.get((int) (offset - windowStart), chunk, 0, fill);
            chunkStart = offset;
            chunkEnd = offset + fill;
        }
        return available;
    }

    /** Makes {@code [offset, offset + length)} part of the mapped window. */
    private void map(long offset, int length) throws IOException {
        if (offset < windowStart || offset + length > windowEnd) {
            // Old mappings are released by the GC: Java 17 has no supported unmap.
            long mapLength = Math.min(Math.max(windowBytes, length), fileSize - offset);
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset, mapLength);
            mapped.order(ByteOrder.BIG_ENDIAN);
            windowStart = offset;
            windowEnd = offset + mapLength;
        }
    }

    FileChannel channel() {
        return channel;
    }

    long fileSize() {
        return fileSize;
    }

    @Override
    ByteBuffer buffer() {
        return chunkBuffer;
    }

    @Override
    byte[] array() {
        return chunk;
    }

    @Override
    int index(long offset) {
        return (int) (offset - chunkStart);
    }

    @Override
    long remainingAfterShortRequest(long offset) {
        return Math.max(0, fileSize - offset);
    }

    @Override
    long storedBytesRead() {
        return consumed;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
