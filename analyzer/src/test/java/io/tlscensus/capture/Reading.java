package io.tlscensus.capture;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reads capture bytes through every kind of source, so each test covers mmap and streams alike. */
final class Reading {
    enum Mode {
        MAPPED,
        /** Records straddle window ends, so windows are remapped at record starts (the >2 GiB path). */
        MAPPED_TINY_WINDOW,
        /**
         * Split over 3 shards by SegmentedPcapReader (pcap; pcapng falls back to one reader), with
         * segments smaller than a record or of a few records: each shard must get exactly its
         * packets of a sequential read, in order, and the same damage.
         */
        SEGMENTED_TINY,
        SEGMENTED_SMALL,
        STDIN,
        /** Forces compaction and growth of the stream buffer. */
        STDIN_TINY_BUFFER,
        GZIP_FILE,
        GZIP_STDIN,
        GZIP_FILE_TINY_BUFFER
    }

    record Packet(long timestampMicros, int linkType, String hex, int capturedLength, int originalLength) {
        Packet(long timestampMicros, int linkType, byte[] data, int originalLength) {
            this(timestampMicros, linkType, HexFormat.of().formatHex(data), data.length, originalLength);
        }
    }

    /** What a read delivered: the packets, then the damage if any (from open or from readAll). */
    record Result(List<Packet> packets, CaptureFormatException damage, long sizeBytes, long bytesRead) {
        String message() {
            return damage == null ? null : damage.getMessage();
        }
    }

    private Reading() {
    }

    static boolean isGzip(Mode mode) {
        return mode == Mode.GZIP_FILE || mode == Mode.GZIP_STDIN || mode == Mode.GZIP_FILE_TINY_BUFFER;
    }

    static boolean isStdin(Mode mode) {
        return mode == Mode.STDIN || mode == Mode.STDIN_TINY_BUFFER || mode == Mode.GZIP_STDIN;
    }

    /** Reads {@code capture}, gzipped first in the gzip modes. */
    static Result read(byte[] capture, Mode mode, Path tempDir) {
        return readStored(isGzip(mode) ? CaptureBytes.gzip(capture) : capture, mode, tempDir);
    }

    /** Reads {@code stored} as is (for hand-made gzip bytes). */
    static Result readStored(byte[] stored, Mode mode, Path tempDir) {
        try {
            return readOrThrow(stored, mode, tempDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final int SHARDS = 3;

    /** By captured length, so the expected shard of a packet is known here; every 4th length goes to all. */
    private static int shardOf(int capturedLength) {
        return capturedLength % 4 == 3 ? -1 : capturedLength % SHARDS;
    }

    /** One handler per shard, each adding the packets it gets to its own list in {@code into}. */
    static PacketHandler[] collectors(int shards, List<List<Packet>> into) {
        PacketHandler[] handlers = new PacketHandler[shards];
        for (int k = 0; k < shards; k++) {
            List<Packet> mine = new ArrayList<>();
            into.add(mine);
            handlers[k] = (ts, linkType, buffer, offset, capturedLength, originalLength) -> {
                byte[] data = new byte[capturedLength];
                buffer.get(offset, data);
                mine.add(new Packet(ts, linkType, data, originalLength));
            };
        }
        return handlers;
    }

    private static Result readSegmented(byte[] stored, Mode mode, Path tempDir) throws IOException {
        Result sequential = readOrThrow(stored, Mode.MAPPED, tempDir);
        Path file = Files.createTempFile(tempDir, "capture", ".bin");
        Files.write(file, stored);
        CaptureSource source;
        try {
            source = Captures.open(file);
        } catch (CaptureFormatException e) {
            return new Result(List.of(), e, -2, -2);
        }
        List<List<Packet>> shards = new ArrayList<>();
        PacketHandler[] handlers = collectors(SHARDS, shards);
        CaptureFormatException damage = null;
        boolean split;
        try (source) {
            split = ((WindowedCaptureSource) source).readSharded(handlers, (linkType, b, off, len) -> shardOf(len),
                    mode == Mode.SEGMENTED_TINY ? 7 : 150);
        } catch (CaptureFormatException e) {
            damage = e;
            split = true;
        }
        if (!split) return sequential; // pcapng, or a file of fewer than two segments: read by one reader
        assertEquals(sequential.message(), damage == null ? null : damage.getMessage(), "damage of the split read");
        for (int k = 0; k < SHARDS; k++) {
            List<Packet> expected = new ArrayList<>();
            for (Packet p : sequential.packets()) {
                int shard = shardOf(p.capturedLength());
                if (shard == k || shard < 0) expected.add(p);
            }
            assertEquals(expected, shards.get(k), "shard " + k + " of the split read");
        }
        return sequential;
    }

    private static Result readOrThrow(byte[] stored, Mode mode, Path tempDir) throws IOException {
        if (mode == Mode.SEGMENTED_TINY || mode == Mode.SEGMENTED_SMALL) return readSegmented(stored, mode, tempDir);
        List<Packet> packets = new ArrayList<>();
        Path file = Files.createTempFile(tempDir, "capture", ".bin");
        Files.write(file, stored);
        CaptureSource source;
        try {
            source = switch (mode) {
                case MAPPED, GZIP_FILE, SEGMENTED_TINY, SEGMENTED_SMALL -> Captures.open(file);
                case MAPPED_TINY_WINDOW -> Captures.open(file, 64, 1 << 20);
                case GZIP_FILE_TINY_BUFFER -> Captures.open(file, 64, 16);
                case STDIN, GZIP_STDIN -> Captures.openStdin(new ByteArrayInputStream(stored));
                case STDIN_TINY_BUFFER -> Captures.openStdin(new ByteArrayInputStream(stored), 16);
            };
        } catch (CaptureFormatException e) {
            return new Result(packets, e, -2, -2);
        }
        try (source) {
            assertEquals(isStdin(mode) ? "-" : file.toString(), source.name());
            try {
                source.readAll((ts, linkType, buffer, offset, capturedLength, originalLength) -> {
                    assertEquals(ByteOrder.BIG_ENDIAN, buffer.order(), "packet data must stay big-endian");
                    byte[] data = new byte[capturedLength];
                    buffer.get(offset, data); // absolute: the handler must not depend on position
                    packets.add(new Packet(ts, linkType, data, originalLength));
                });
            } catch (CaptureFormatException e) {
                return new Result(packets, e, source.sizeBytes(), source.bytesRead());
            }
            return new Result(packets, null, source.sizeBytes(), source.bytesRead());
        }
    }

}
