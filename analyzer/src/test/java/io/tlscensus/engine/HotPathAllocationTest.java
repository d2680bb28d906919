package io.tlscensus.engine;

import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.decode.PacketDecoder;
import io.tlscensus.testing.TestInputs;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packets of flows past their handshake must cost a lookup and nothing on the heap. Measured with
 * the JVM's per-thread allocation counter (a byte count, not a time).
 */
class HotPathAllocationTest {
    @Test
    void packetsOfFinishedFlowsAllocateNothing() throws Exception {
        // Keep every packet of a real capture, then replay it: the first pass sets the flows up,
        // later passes hit flows whose handshakes are done.
        List<byte[]> frames = new ArrayList<>();
        List<long[]> meta = new ArrayList<>();
        try (CaptureSource source = Captures.open(TestInputs.samples().resolve("tls-versions.pcap"))) {
            source.readAll((ts, link, buffer, offset, captured, original) -> {
                byte[] copy = new byte[captured];
                buffer.get(offset, copy);
                frames.add(copy);
                meta.add(new long[] {ts, link, original});
            });
        }
        List<Integer> connections = new ArrayList<>();
        EngineLimits limits = new EngineLimits();
        CensusEngine engine = new CensusEngine(limits, r -> connections.add(1));
        engine.beginInput("replay");
        ByteBuffer[] all = frames.stream().map(ByteBuffer::wrap).toArray(ByteBuffer[]::new);
        replay(engine, all, meta); // handshakes parsed, flows finished
        int afterFirstPass = connections.size();
        assertEquals(12, afterFirstPass);

        // Replaying a SYN would (rightly) start a new connection on the reused 5-tuple: leave them out.
        PacketDecoder decoder = new PacketDecoder();
        List<long[]> laterMeta = new ArrayList<>();
        List<ByteBuffer> later = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            decoder.decode((int) meta.get(i)[1], all[i], 0, all[i].capacity());
            if ((decoder.tcpFlags & PacketDecoder.TCP_SYN) != 0) continue;
            later.add(all[i]);
            laterMeta.add(meta.get(i));
        }
        ByteBuffer[] buffers = later.toArray(new ByteBuffer[0]);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int warm = 0; warm < 200; warm++) replay(engine, buffers, laterMeta); // let the JIT settle
        long before = threads.getThreadAllocatedBytes(thread);
        int rounds = 500;
        for (int i = 0; i < rounds; i++) replay(engine, buffers, laterMeta);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        long packets = (long) rounds * buffers.length;

        assertEquals(afterFirstPass, connections.size(), "finished flows are not counted again");
        // The counter itself allocates a little; a per-packet allocation would be >= 16 bytes x packets.
        assertTrue(allocated < packets / 10, allocated + " bytes allocated for " + packets + " packets");
        engine.endInput();
    }

    private static void replay(CensusEngine engine, ByteBuffer[] buffers, List<long[]> meta) {
        for (int i = 0; i < buffers.length; i++) {
            long[] m = meta.get(i);
            engine.onPacket(m[0], (int) m[1], buffers[i], 0, buffers[i].capacity(), (int) m[2]);
        }
    }
}
