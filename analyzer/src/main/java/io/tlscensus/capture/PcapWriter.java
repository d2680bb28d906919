package io.tlscensus.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes packets to a classic pcap file (microsecond timestamps, little-endian), like tcpdump -w:
 * the file is created at once and grows as packets arrive (buffered; {@link #flush} pushes what is
 * buffered to the file, so others can read a capture in progress up to the last flush). A crash
 * leaves a readable file up to the last complete record that reached the disk.
 */
public final class PcapWriter implements PacketHandler, AutoCloseable {
    private static final int MAGIC_MICROS = 0xa1b2c3d4;

    private final Path path;
    private final OutputStream out;
    private final byte[] header = new byte[16];
    private final int snaplen;
    private long packets;

    public PcapWriter(Path path, int linkType, int snaplen) throws IOException {
        this.path = path;
        this.snaplen = snaplen;
        this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20);
        byte[] h = new byte[24];
        putInt(h, 0, MAGIC_MICROS);
        putShort(h, 4, 2);
        putShort(h, 6, 4);
        // thiszone 0, sigfigs 0
        putInt(h, 16, snaplen);
        putInt(h, 20, linkType);
        out.write(h);
    }

    public Path path() {
        return path;
    }

    public long packets() {
        return packets;
    }

    /** Appends one packet; an I/O failure is rethrown unchecked and ends the run with its message. */
    @Override
    public void onPacket(long timestampMicros, int linkType, ByteBuffer buffer, int offset, int capturedLength,
                         int originalLength) {
        int length = Math.min(capturedLength, snaplen);
        putInt(header, 0, (int) Math.floorDiv(timestampMicros, 1_000_000L));
        putInt(header, 4, (int) Math.floorMod(timestampMicros, 1_000_000L));
        putInt(header, 8, length);
        putInt(header, 12, originalLength);
        try {
            out.write(header);
            if (buffer.hasArray()) {
                out.write(buffer.array(), buffer.arrayOffset() + offset, length);
            } else {
                for (int i = 0; i < length; i++) out.write(buffer.get(offset + i));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        packets++;
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }
}
