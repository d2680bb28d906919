package io.tlscensus.capture;

import io.tlscensus.capture.Reading.Mode;
import io.tlscensus.capture.Reading.Packet;
import io.tlscensus.capture.Reading.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapturesTest {
    @TempDir
    Path temp;

    private static byte[] smallPcap() {
        return CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1).record(1, 2, new byte[] {9}, 1).toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = temp.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    @Test
    void sniffRecognisesCapturesByMagicNotName() throws IOException {
        byte[] pcapng = CaptureBytes.pcapng(ByteOrder.LITTLE_ENDIAN).toByteArray();
        assertTrue(Captures.sniff(write("a.txt", smallPcap())));
        assertTrue(Captures.sniff(write("b", pcapng)));
        assertTrue(Captures.sniff(write("c.pcap", CaptureBytes.gzip(pcapng))));
        assertTrue(Captures.sniff(write("d.gz", CaptureBytes.gzip(smallPcap()))));
        assertFalse(Captures.sniff(write("e.pcap", "hello world".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(Captures.sniff(write("f.pcap.gz", CaptureBytes.gzip("log line\n".getBytes(StandardCharsets.US_ASCII)))));
        assertFalse(Captures.sniff(write("g.pcap", new byte[0])));
        assertFalse(Captures.sniff(write("h.pcap", new byte[] {(byte) 0xa1, (byte) 0xb2})));
        assertFalse(Captures.sniff(write("i.gz", Arrays.copyOf(CaptureBytes.gzip(smallPcap()), 5))));
    }

    @Test
    void expandListsRegularFilesInTreeOrder() throws IOException {
        Path dir = temp.resolve("d");
        Path x = write("d/a/x", new byte[1]);
        Path b = write("d/a-b", new byte[1]);
        Path z = write("d/a/sub/z", new byte[1]);
        Path top = write("d/0", new byte[1]);
        Files.createDirectories(dir.resolve("empty"));
        assertEquals(List.of(top, z, x, b), Captures.expand(dir));
        assertEquals(List.of(b), Captures.expand(b));
        assertThrows(NoSuchFileException.class, () -> Captures.expand(dir.resolve("missing")));
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"GZIP_FILE", "GZIP_STDIN", "GZIP_FILE_TINY_BUFFER"})
    void concatenatedGzipMembersReadAsOneCapture(Mode mode) {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 65535, LinkType.RAW);
        List<Packet> expected = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            byte[] data = CaptureBytes.payload(90, n);
            c.record(n, 1000, data, 90);
            expected.add(new Packet(n * 1_000_000L + 1, LinkType.RAW, data, 90));
        }
        byte[] whole = c.toByteArray();
        int cut = 24 + 16 + 45; // splits a record between the members
        byte[] stored = CaptureBytes.concat(CaptureBytes.gzip(Arrays.copyOf(whole, cut)),
                CaptureBytes.gzip(Arrays.copyOfRange(whole, cut, whole.length)));
        Result result = Reading.readStored(stored, mode, temp);
        assertNull(result.damage());
        assertEquals(expected, result.packets());
    }

    @Test
    void concatenatedGzipMembersFromAPipeThatHasNothingAvailableYet() throws Exception {
        byte[] whole = smallPcap();
        byte[] stored = CaptureBytes.concat(CaptureBytes.gzip(Arrays.copyOf(whole, 30)),
                CaptureBytes.gzip(Arrays.copyOfRange(whole, 30, whole.length)));
        // A pipe whose next member has not arrived reports available() == 0, which in Java 17 makes
        // GZIPInputStream end the stream silently after the first member.
        InputStream slowPipe = new ByteArrayInputStream(stored) {
            @Override
            public synchronized int available() {
                return 0;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        List<Long> timestamps = new ArrayList<>();
        try (CaptureSource source = Captures.openStdin(slowPipe)) {
            source.readAll((ts, lt, b, o, c, w) -> timestamps.add(ts));
        }
        assertEquals(List.of(1_000_002L), timestamps);
    }

    @Test
    void aSourceReadsOnce() throws Exception {
        try (CaptureSource source = Captures.openStdin(new ByteArrayInputStream(smallPcap()))) {
            source.readAll((ts, lt, b, o, c, w) -> { });
            assertThrows(IllegalStateException.class, () -> source.readAll((ts, lt, b, o, c, w) -> { }));
        }
    }

    @Test
    void damageAtOpenNamesTheProblemNotTheFile() throws IOException {
        Path file = write("x.pcap", "GIF89a".getBytes(StandardCharsets.US_ASCII));
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> Captures.open(file));
        assertEquals("not a capture file (magic 0x47494638)", e.getMessage());
    }

    @Test
    void aPipePathIsStreamedNotMapped() throws Exception {
        Path fifo = temp.resolve("fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.assumeTrue(false, "no mkfifo here");
            return;
        }
        Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");
        byte[] capture = CaptureBytes.gzip(smallPcap());
        Thread writer = new Thread(() -> {
            try {
                Files.write(fifo, capture);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        List<Long> timestamps = new ArrayList<>();
        try (CaptureSource source = Captures.open(fifo)) {
            assertEquals(-1, source.sizeBytes());
            source.readAll((ts, lt, b, o, c, w) -> timestamps.add(ts));
            assertEquals(capture.length, source.bytesRead());
        }
        writer.join();
        assertEquals(List.of(1_000_002L), timestamps);
    }

    @Test
    void missingFileIsAnIoErrorNotDamage() {
        assertThrows(NoSuchFileException.class, () -> Captures.open(temp.resolve("missing.pcap")));
    }
}
