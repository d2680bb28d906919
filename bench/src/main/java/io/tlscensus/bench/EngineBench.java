package io.tlscensus.bench;

import io.tlscensus.decode.PacketDecoder;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.EngineLimits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole engine per packet: decode, flow lookup, reassembly and TLS parsing.
 * {@code finishedFlow}: packets of connections past their handshake (the bulk of real traffic;
 * must allocate nothing: run with -prof gc). {@code wholeCapture}: every packet of a capture through
 * a fresh engine, handshakes included (ns and bytes per packet, averaged over the capture).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBench {
    /** heap: files (read through a heap chunk); direct: live capture. */
    @Param({"heap", "direct"})
    public String bufferKind;

    private Frames frames;
    private CensusEngine finishedEngine;
    private int[] afterHandshake;
    private int next;
    private long connections;

    @Setup
    public void setUp() throws IOException {
        frames = Frames.load(bufferKind);
        finishedEngine = new CensusEngine(new EngineLimits(), r -> connections++);
        finishedEngine.beginInput("bench");
        for (int i = 0; i < frames.buffers.length; i++) feed(finishedEngine, i);
        // Replaying a SYN would start a new connection on the reused 5-tuple: leave them out.
        PacketDecoder d = new PacketDecoder();
        List<Integer> later = new ArrayList<>();
        for (int i = 0; i < frames.buffers.length; i++) {
            d.decode(frames.linkTypes[i], frames.buffers[i], 0, frames.buffers[i].capacity());
            if ((d.tcpFlags & PacketDecoder.TCP_SYN) == 0) later.add(i);
        }
        afterHandshake = later.stream().mapToInt(Integer::intValue).toArray();
    }

    private void feed(CensusEngine engine, int i) {
        engine.onPacket(frames.timestamps[i], frames.linkTypes[i], frames.buffers[i], 0, frames.buffers[i].capacity(),
                frames.originalLengths[i]);
    }

    @Benchmark
    public void finishedFlow() {
        int i = next;
        next = i + 1 == afterHandshake.length ? 0 : i + 1;
        feed(finishedEngine, afterHandshake[i]);
    }

    /** Per packet: divide by the capture's packet count (printed by the setup of {@link PerPacket}). */
    @Benchmark
    public long wholeCapture(PerPacket p) {
        CensusEngine engine = new CensusEngine(new EngineLimits(), r -> { });
        engine.beginInput("bench");
        for (int i = 0; i < frames.buffers.length; i++) feed(engine, i);
        engine.endInput();
        return engine.stats().tlsConnections;
    }

    /** Holds nothing; documents that wholeCapture covers every packet of the capture once. */
    @State(Scope.Benchmark)
    public static class PerPacket {
    }
}
