package io.tlscensus.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.testing.Fuzzing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Fuzz targets for the capture readers (pcap, pcapng, gzip, stream and mapped windows). In
 * {@code mvn verify} each runs its seeds and committed crash inputs from
 * {@code src/test/resources/io/tlscensus/capture/CaptureFuzzTestInputs/<target>/}; with
 * {@code JAZZER_FUZZ=1} (scripts/fuzz) it is fuzzed. Damage must end in a
 * {@link CaptureFormatException} (or an IOException from the stream), never another exception,
 * and every packet handed on must lie inside the buffer.
 */
class CaptureFuzzTest {

    /** pcap/pcapng (and gzip, by magic) through the stream window, read in small uneven pieces. */
    @FuzzTest(maxDuration = "10s")
    void captureStream(byte[] data) {
        readStream(data, data);
    }

    /**
     * gzip handling: the input as it is (a damaged gzip stream), or compressed as one or two
     * members, selected by the first byte.
     */
    @FuzzTest(maxDuration = "10s")
    void gzipStream(byte[] data) {
        if (data.length == 0) return;
        byte[] rest = java.util.Arrays.copyOfRange(data, 1, data.length);
        byte[] input;
        switch ((data[0] & 0xff) % 3) {
            case 0 -> input = rest;
            case 1 -> input = gzip(rest);
            default -> {
                int cut = rest.length / 2;
                input = concat(gzip(java.util.Arrays.copyOf(rest, cut)), gzip(java.util.Arrays.copyOfRange(rest, cut, rest.length)));
            }
        }
        readStream(input, data);
    }

    /** A regular file: memory-mapped in small windows, so remapping at record boundaries is exercised. */
    @FuzzTest(maxDuration = "10s")
    void mappedFile(byte[] data) throws IOException {
        Path file = Files.createTempFile("fuzz", ".cap");
        try {
            Files.write(file, data);
            Captures.sniff(file);
            CaptureSource source;
            try {
                source = Captures.open(file, 4096, 512);
            } catch (CaptureFormatException e) {
                return;
            }
            read(source);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A regular file read by SegmentedPcapReader over 3 shards, in segments of 1-256 bytes (from the
     * last byte, so that even small inputs split): each shard must get exactly its packets of a
     * sequential read, in order, and the read must end with the same damage.
     */
    @FuzzTest(maxDuration = "10s")
    void segmentedFile(byte[] data) throws IOException {
        if (data.length == 0) return;
        int segmentBytes = 1 + (data[data.length - 1] & 0xff);
        Path file = Files.createTempFile("fuzz", ".pcap");
        try {
            Files.write(file, data);
            java.util.List<String> all = new java.util.ArrayList<>();
            String damage = readAll(file, (ts, link, b, off, len, orig) -> all.add(packet(ts, b, off, len, orig)));
            int shards = 3;
            java.util.List<java.util.List<String>> split = new java.util.ArrayList<>();
            PacketHandler[] handlers = new PacketHandler[shards];
            for (int k = 0; k < shards; k++) {
                java.util.List<String> mine = new java.util.ArrayList<>();
                split.add(mine);
                handlers[k] = (ts, link, b, off, len, orig) -> mine.add(packet(ts, b, off, len, orig));
            }
            String splitDamage = null;
            CaptureSource source;
            try {
                source = Captures.open(file);
            } catch (CaptureFormatException e) {
                return;
            }
            try (source) {
                if (!((WindowedCaptureSource) source).readSharded(handlers, CaptureFuzzTest::shardOf, segmentBytes)) return;
            } catch (CaptureFormatException e) {
                splitDamage = e.getMessage();
            }
            if (!java.util.Objects.equals(damage, splitDamage)) {
                throw new AssertionError("damage: sequential " + damage + ", split " + splitDamage);
            }
            for (int k = 0; k < shards; k++) {
                java.util.List<String> expected = new java.util.ArrayList<>();
                for (String p : all) {
                    int len = Integer.parseInt(p.substring(0, p.indexOf(' ')));
                    int shard = len % 4 == 3 ? -1 : len % shards;
                    if (shard == k || shard < 0) expected.add(p);
                }
                if (!expected.equals(split.get(k))) {
                    throw new AssertionError("shard " + k + ": " + split.get(k).size() + " packets, expected "
                            + expected.size() + " (segments of " + segmentBytes + " bytes)");
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static int shardOf(int linkType, byte[] frame, int offset, int capturedLength) {
        return capturedLength % 4 == 3 ? -1 : capturedLength % 3;
    }

    private static String packet(long ts, ByteBuffer b, int off, int len, int orig) {
        byte[] bytes = new byte[len];
        b.get(off, bytes);
        return len + " " + ts + " " + orig + " " + java.util.HexFormat.of().formatHex(bytes);
    }

    /** Reads the file sequentially; the damage message, or null at a clean end. */
    private static String readAll(Path file, PacketHandler handler) throws IOException {
        try (CaptureSource source = Captures.open(file)) {
            source.readAll(handler);
            return null;
        } catch (CaptureFormatException e) {
            return e.getMessage();
        }
    }

    private static void readStream(byte[] input, byte[] seed) {
        int piece = 1 + (seed.length == 0 ? 0 : (seed[seed.length - 1] & 0x3f));
        CaptureSource source;
        try {
            source = Captures.openStdin(new Trickle(input, piece), 64);
        } catch (CaptureFormatException | IOException e) {
            return;
        }
        read(source);
    }

    private static void read(CaptureSource source) {
        CensusEngine engine = Fuzzing.checkingEngine(Fuzzing.smallLimits());
        engine.beginInput(source.name());
        try (source) {
            source.readAll((ts, linkType, buffer, offset, captured, original) -> {
                if (offset < 0 || captured < 0 || original < 0 || offset + captured > buffer.limit()) {
                    throw new AssertionError("packet outside its buffer: offset " + offset + " captured " + captured
                            + " original " + original + " limit " + buffer.limit());
                }
                engine.onPacket(ts, linkType, buffer, offset, captured, original);
            });
        } catch (CaptureFormatException | IOException e) {
            // damage, reported with what came before it: the expected outcome
        } finally {
            engine.endInput();
        }
    }

    /** Returns at most {@code piece} bytes per read, like a pipe. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;
        private final int piece;

        Trickle(byte[] data, int piece) {
            this.in = new ByteArrayInputStream(data);
            this.piece = piece;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, piece));
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }
}
