package io.tlscensus.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path must not allocate per packet: at millions of packets per file that is what decides
 * GC pressure. Measured with the HotSpot per-thread allocation counter, with a bound far below
 * what even one small object per packet would cost.
 */
class NoAllocationTest {
    private static final int PACKETS = 20_000;
    private static final long BOUND_BYTES = 64 * 1024; // one 16-byte object per packet would be 320 KB

    @TempDir
    Path temp;

    private final long[] seen = new long[2];
    private final PacketHandler handler = (ts, linkType, buffer, offset, captured, original) -> {
        seen[0]++;
        seen[1] += buffer.get(offset) + ts + linkType;
    };

    private static byte[] pcapBytes() {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 65535, LinkType.ETHERNET);
        for (int n = 0; n < PACKETS; n++) {
            c.record(n, n, CaptureBytes.payload(60 + n % 200, n), 1514);
        }
        return c.toByteArray();
    }

    private static byte[] pcapngBytes() {
        CaptureBytes c = CaptureBytes.pcapng(ByteOrder.BIG_ENDIAN);
        c.interfaceDescription(LinkType.ETHERNET, 0, 0x80 | 30, 5L);
        c.interfaceDescription(LinkType.RAW, 0, 9, null);
        for (int n = 0; n < PACKETS; n++) {
            c.enhancedPacket(n % 2, n * 1_000_000_000L, CaptureBytes.payload(60 + n % 200, n), 1514);
        }
        return c.toByteArray();
    }

    private long allocatedWhileReading(CaptureSource source) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        seen[0] = 0;
        long before = threads.getThreadAllocatedBytes(id);
        source.readAll(handler);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(PACKETS, seen[0]);
        return allocated;
    }

    private void assertNoPerPacketAllocation(byte[] capture) throws Exception {
        Path file = Files.write(Files.createTempFile(temp, "capture", ".bin"), capture);
        // Round 0 loads and initialises classes, which allocates; later rounds show the steady state.
        for (int round = 0; round < 3; round++) {
            long mapped;
            try (CaptureSource source = Captures.open(file)) {
                mapped = allocatedWhileReading(source);
            }
            long streamed;
            try (CaptureSource source = Captures.openStdin(new ByteArrayInputStream(capture))) {
                streamed = allocatedWhileReading(source);
            }
            if (round > 0) {
                // A mapped file is read through one heap chunk per file, allocated once.
                assertTrue(mapped < BOUND_BYTES + MappedFileWindow.CHUNK_BYTES, "mapped read allocated " + mapped + " bytes");
                assertTrue(streamed < BOUND_BYTES, "streamed read allocated " + streamed + " bytes");
            }
        }
    }

    @Test
    void pcap() throws Exception {
        assertNoPerPacketAllocation(pcapBytes());
    }

    @Test
    void pcapng() throws Exception {
        assertNoPerPacketAllocation(pcapngBytes());
    }
}
