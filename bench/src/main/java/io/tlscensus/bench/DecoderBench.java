package io.tlscensus.bench;

import io.tlscensus.decode.PacketDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Link, IP and TCP/UDP headers of one packet decoded in place (ns per packet). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecoderBench {
    /** heap: files (read through a heap chunk); direct: live capture. */
    @Param({"heap", "direct"})
    public String bufferKind;

    private Frames frames;
    private final PacketDecoder decoder = new PacketDecoder();
    private int next;

    @Setup
    public void setUp() throws IOException {
        frames = Frames.load(bufferKind);
    }

    @Benchmark
    public int decode() {
        int i = next;
        next = i + 1 == frames.buffers.length ? 0 : i + 1;
        int r = decoder.decode(frames.linkTypes[i], frames.buffers[i], 0, frames.buffers[i].capacity());
        return r + decoder.srcPort + decoder.payloadLength;
    }
}
