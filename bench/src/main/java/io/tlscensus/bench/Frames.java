package io.tlscensus.bench;

import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packets of a real capture (capture-samples/tls-versions.pcap unless -Dbench.capture=FILE),
 * each in a heap buffer as files are read (a reused heap chunk), or in a direct buffer as live
 * capture presents them.
 */
final class Frames {
    final ByteBuffer[] buffers;
    final long[] timestamps;
    final int[] linkTypes;
    final int[] originalLengths;

    private Frames(List<ByteBuffer> b, List<long[]> meta) {
        buffers = b.toArray(new ByteBuffer[0]);
        timestamps = new long[buffers.length];
        linkTypes = new int[buffers.length];
        originalLengths = new int[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            timestamps[i] = meta.get(i)[0];
            linkTypes[i] = (int) meta.get(i)[1];
            originalLengths[i] = (int) meta.get(i)[2];
        }
    }

    static Frames load(String kind) throws IOException {
        boolean direct = "direct".equals(kind);
        String name = System.getProperty("bench.capture");
        Path path = name != null ? Path.of(name) : locateSamples().resolve("tls-versions.pcap");
        List<ByteBuffer> buffers = new ArrayList<>();
        List<long[]> meta = new ArrayList<>();
        try (CaptureSource source = Captures.open(path)) {
            source.readAll((ts, link, buffer, offset, captured, original) -> {
                ByteBuffer copy = direct ? ByteBuffer.allocateDirect(captured) : ByteBuffer.allocate(captured);
                copy.put(0, buffer, offset, captured);
                buffers.add(copy);
                meta.add(new long[] {ts, link, original});
            });
        } catch (io.tlscensus.capture.CaptureFormatException e) {
            throw new IOException(e);
        }
        return new Frames(buffers, meta);
    }

    private static Path locateSamples() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("capture-samples"))) return p.resolve("capture-samples");
        }
        throw new IllegalStateException("capture-samples/ not found above " + Path.of("").toAbsolutePath()
                + "; run from the checkout or set -Dbench.capture=FILE");
    }
}
