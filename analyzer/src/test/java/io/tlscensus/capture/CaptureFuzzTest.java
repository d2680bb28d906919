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
