package io.tlscensus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Maps a file in windows so files beyond the 2 GiB limit of one mapping can be read in place. When
 * a request crosses the window end, a new window is mapped starting at the requested offset (a
 * record boundary), so no record ever straddles two mappings.
 */
final class MappedFileWindow extends ByteWindow {
    static final int DEFAULT_WINDOW_BYTES = 256 << 20;

    private final FileChannel channel;
    private final long fileSize;
    private final int windowBytes;
    private ByteBuffer mapped = ByteBuffer.allocate(0);
    private long windowStart;
    private long windowEnd;
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
        if (offset < windowStart || offset + available > windowEnd) {
            // Old mappings are released by the GC: Java 17 has no supported unmap.
            long mapLength = Math.min(Math.max(windowBytes, available), left);
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset, mapLength);
            mapped.order(ByteOrder.BIG_ENDIAN);
            windowStart = offset;
            windowEnd = offset + mapLength;
        }
        consumed = offset + available;
        return available;
    }

    @Override
    ByteBuffer buffer() {
        return mapped;
    }

    @Override
    int index(long offset) {
        return (int) (offset - windowStart);
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
