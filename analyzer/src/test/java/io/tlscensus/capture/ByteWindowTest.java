package io.tlscensus.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window contract both implementations keep; the readers rely on nothing else. */
class ByteWindowTest {
    @TempDir
    Path temp;

    private static final byte[] CONTENT = CaptureBytes.payload(1000, 3);

    private ByteWindow mapped(int windowBytes) throws Exception {
        Path file = Files.write(temp.resolve("content"), CONTENT);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new MappedFileWindow(channel, CONTENT.length, windowBytes);
    }

    private static ByteWindow stream(int bufferBytes) {
        CountingInputStream in = new CountingInputStream(new ByteArrayInputStream(CONTENT));
        return new StreamWindow(in, in, false, bufferBytes);
    }

    private static void assertContent(ByteWindow w, long offset, int length) throws Exception {
        assertEquals(length, w.request(offset, length));
        for (int i = 0; i < length; i++) {
            assertEquals(CONTENT[(int) offset + i], w.buffer().get(w.index(offset) + i), "byte " + (offset + i));
        }
    }

    private static void exercise(ByteWindow w) throws Exception {
        try (w) {
            assertContent(w, 0, 24);
            assertContent(w, 24, 50);    // crosses a 64-byte window end
            assertContent(w, 60, 300);   // larger than the window or buffer
            assertContent(w, 361, 1);
            assertContent(w, 700, 10);   // skips ahead past what is buffered
            assertEquals(290, w.request(710, 400)); // short at the end
            assertEquals(290, w.remainingAfterShortRequest(710));
            assertEquals(0, w.request(1000, 16));
            assertEquals(0, w.request(5000, 16));
        }
    }

    @Test
    void mappedWithTinyWindow() throws Exception {
        exercise(mapped(64));
    }

    @Test
    void mappedWithWholeFileWindow() throws Exception {
        exercise(mapped(MappedFileWindow.DEFAULT_WINDOW_BYTES));
    }

    @Test
    void heapChunkIsReused() throws Exception {
        try (ByteWindow chunked = mapped(64)) {
            chunked.request(0, 24);
            java.nio.ByteBuffer first = chunked.buffer();
            assertTrue(first.hasArray(), "decoders read the heap chunk's array");
            chunked.request(400, 24);
            assertSame(first, chunked.buffer(), "one chunk for the whole file");
        }
    }

    @Test
    void streamWithTinyBuffer() throws Exception {
        exercise(stream(16));
    }

    @Test
    void streamWithLargeBuffer() throws Exception {
        exercise(stream(1 << 20));
    }

    @Test
    void chunkIsNotRefilledWhileRequestsStayInside() throws Exception {
        try (ByteWindow w = mapped(256)) {
            w.request(0, 16);
            var first = w.buffer();
            w.request(100, 100);
            assertSame(first, w.buffer());
            assertEquals(100, w.index(100), "still the chunk filled from offset 0");
            w.request(200, 100); // crosses 256: refilled starting at 200
            assertEquals(0, w.index(200));
            assertEquals(300, w.storedBytesRead());
        }
    }
}
