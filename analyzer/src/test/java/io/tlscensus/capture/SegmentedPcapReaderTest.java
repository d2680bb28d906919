package io.tlscensus.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split read of one pcap file: segment starts are guessed, and wrong guesses must be caught
 * before anything of them is delivered. {@link Reading}'s SEGMENTED modes run every reader test
 * (damage included) through it; these build captures that fool the guess on purpose.
 */
class SegmentedPcapReaderTest {
    @TempDir
    Path temp;

    /**
     * Packets whose payloads are themselves runs of well-formed pcap records (a capture file sent
     * in the clear, as in a capture of an HTTP download of one): a segment starting inside such a
     * payload finds a plausible chain there.
     */
    private static byte[] captureOfCaptures(int packets) {
        CaptureBytes outer = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1);
        for (int n = 0; n < packets; n++) {
            CaptureBytes inner = new CaptureBytes(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 12; k++) inner.record(1_700_000_000L + k, 1000 * k, CaptureBytes.payload(20 + k, k), 60);
            byte[] payload = inner.toByteArray();
            outer.record(1_700_000_000L + n, n, payload, payload.length);
        }
        return outer.toByteArray();
    }

    private List<List<Reading.Packet>> readSplit(Path file, int shards, int segmentBytes, int[] rewalks) throws Exception {
        List<List<Reading.Packet>> got = new ArrayList<>();
        PacketHandler[] handlers = Reading.collectors(shards, got);
        try (CaptureSource source = Captures.open(file)) {
            WindowedCaptureSource windowed = (WindowedCaptureSource) source;
            assertTrue(windowed.readSharded(handlers, (link, b, off, len) -> (len / 7) % shards, segmentBytes));
            rewalks[0] = windowed.segmentedRewalks();
        }
        return got;
    }

    @Test
    void wrongGuessesInsideCapturedCapturesAreWalkedAgain() throws Exception {
        Path file = Files.write(temp.resolve("captures.pcap"), captureOfCaptures(300));
        Reading.Result sequential = Reading.read(Files.readAllBytes(file), Reading.Mode.MAPPED, temp);
        List<Reading.Packet> all = sequential.packets();
        for (int segment : new int[] {64, 333, 1000, 4096}) {
            for (int shards = 2; shards <= 3; shards++) {
                int[] rewalks = new int[1];
                List<List<Reading.Packet>> split = readSplit(file, shards, segment, rewalks);
                int total = 0;
                for (int k = 0; k < shards; k++) {
                    List<Reading.Packet> expected = new ArrayList<>();
                    for (Reading.Packet p : all) {
                        if ((p.capturedLength() / 7) % shards == k) expected.add(p);
                    }
                    assertEquals(expected, split.get(k), "segment " + segment + ", shard " + k + " of " + shards);
                    total += split.get(k).size();
                }
                assertEquals(300, total);
                assertTrue(rewalks[0] > 0, "segment " + segment + ": the embedded records fooled no guess");
            }
        }
    }

    @Test
    void plainCapturesNeedNoSecondWalk() throws Exception {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, true, 65535, 1);
        for (int n = 0; n < 2000; n++) c.record(1_700_000_000L + n, n * 1000L, CaptureBytes.payload(60 + n % 900, n), 1514);
        Path file = Files.write(temp.resolve("plain.pcap"), c.toByteArray());
        int[] rewalks = new int[1];
        readSplit(file, 2, 64 * 1024, rewalks);
        assertEquals(0, rewalks[0], "guesses on random payloads");
    }

    @Test
    void smallFilesAndPcapngAreNotSplit() throws Exception {
        Path file = Files.write(temp.resolve("small.pcap"), captureOfCaptures(2));
        try (CaptureSource source = Captures.open(file)) {
            assertFalse(source.readSharded(new PacketHandler[2], (link, b, off, len) -> 0));
        }
        CaptureBytes ng = CaptureBytes.pcapng(ByteOrder.BIG_ENDIAN);
        ng.interfaceDescription(1, 0, -1, null);
        for (int n = 0; n < 5000; n++) ng.enhancedPacket(0, n, CaptureBytes.payload(1000, n), 1000);
        Path pcapng = Files.write(temp.resolve("big.pcapng"), ng.toByteArray());
        try (CaptureSource source = Captures.open(pcapng)) {
            assertFalse(source.readSharded(new PacketHandler[2], (link, b, off, len) -> 0));
        }
    }
}
