package io.tlscensus.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.ZipException;

/**
 * Reads a stream (gzip, stdin) through one reusable heap buffer: bytes before the current request
 * are dropped by compacting, and the buffer only grows for a request larger than itself (the format
 * readers bound every request).
 */
final class StreamWindow extends ByteWindow {
    static final int DEFAULT_BUFFER_BYTES = 1 << 20;
    /** Far above any request the readers make; a guard against a reader bug, not a format limit. */
    static final int MAX_BUFFER_BYTES = 64 << 20;

    private final InputStream in;
    private final CountingInputStream stored;
    private final boolean gzip;
    private byte[] array;
    private ByteBuffer buffer;
    private long bufferStart;
    private int filled;
    private long endOffset = -1;

    /**
     * @param in     the (decompressed) bytes to parse
     * @param stored the stored bytes beneath {@code in}, for progress
     * @param gzip   whether {@code in} inflates, so its EOF and zip errors mean a damaged gzip file
     */
    StreamWindow(InputStream in, CountingInputStream stored, boolean gzip, int initialBufferBytes) {
        this.in = in;
        this.stored = stored;
        this.gzip = gzip;
        this.array = new byte[Math.max(16, initialBufferBytes)];
        this.buffer = handlerView(array);
    }

    @Override
    int request(long offset, int length) throws IOException, CaptureFormatException {
        if (offset < bufferStart) {
            throw new IllegalStateException("request at " + offset + " before window start " + bufferStart);
        }
        long bufferEnd = bufferStart + filled;
        if (offset + length <= bufferEnd) {
            return length;
        }
        if (offset >= bufferEnd) {
            filled = 0;
            bufferStart = bufferEnd;
            if (!discard(offset - bufferEnd)) {
                return 0;
            }
            bufferStart = offset;
        } else {
            int drop = (int) (offset - bufferStart);
            System.arraycopy(array, drop, array, 0, filled - drop);
            filled -= drop;
            bufferStart = offset;
        }
        if (length > array.length) {
            grow(length);
        }
        while (filled < length && endOffset < 0) {
            int n = read(array, filled, array.length - filled);
            if (n < 0) {
                endOffset = bufferStart + filled;
            } else {
                filled += n;
            }
        }
        return Math.min(length, filled);
    }

    /** Skips {@code count} bytes (a block the readers ignore); false when the input ends first. */
    private boolean discard(long count) throws IOException, CaptureFormatException {
        long left = count;
        while (left > 0) {
            if (endOffset >= 0) {
                return false;
            }
            int n = read(array, 0, (int) Math.min(left, array.length));
            if (n < 0) {
                endOffset = bufferStart;
                return false;
            }
            left -= n;
            bufferStart += n;
        }
        return true;
    }

    private int read(byte[] into, int from, int length) throws IOException, CaptureFormatException {
        if (!gzip) {
            return in.read(into, from, length);
        }
        long at = bufferStart + filled;
        try {
            return in.read(into, from, length);
        } catch (EOFException e) {
            throw new CaptureFormatException("truncated gzip data after " + at + " decompressed bytes", at);
        } catch (ZipException e) {
            throw new CaptureFormatException("corrupt gzip data after " + at + " decompressed bytes (" + e.getMessage() + ")", at);
        }
    }

    private void grow(int length) {
        if (length > MAX_BUFFER_BYTES) {
            throw new IllegalArgumentException("request of " + length + " bytes exceeds the stream buffer limit");
        }
        int size = (int) Math.min(MAX_BUFFER_BYTES, Math.max((long) length, 2L * array.length));
        byte[] bigger = new byte[size];
        System.arraycopy(array, 0, bigger, 0, filled);
        array = bigger;
        buffer = handlerView(array);
    }

    /**
     * Writable, so decoders can read the array behind it (a read-only buffer hides it); handlers
     * never write into packets ({@link PacketHandler}). Big-endian, as wrap makes it.
     */
    private static ByteBuffer handlerView(byte[] array) {
        return ByteBuffer.wrap(array);
    }

    @Override
    ByteBuffer buffer() {
        return buffer;
    }

    @Override
    byte[] array() {
        return array;
    }

    @Override
    int index(long offset) {
        return (int) (offset - bufferStart);
    }

    @Override
    long remainingAfterShortRequest(long offset) {
        return endOffset < 0 ? -1 : Math.max(0, endOffset - offset);
    }

    @Override
    long storedBytesRead() {
        return stored.count();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
