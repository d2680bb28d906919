package io.tlscensus.bench;

import io.tlscensus.decode.PacketDecoder;
import io.tlscensus.flow.Flow;
import io.tlscensus.flow.FlowTable;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Lookup of an existing flow (hash, probe, key compare, recency update), in random order over N flows. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FlowTableBench {
    static final class BenchFlow extends Flow {
        @Override
        protected void clear() {
        }
    }

    @Param({"1000", "1000000"})
    public int flows;

    private FlowTable<BenchFlow> table;
    private PacketDecoder[] packets;
    private int next;
    private long ts = 1;

    @Setup
    public void setUp() {
        table = new FlowTable<>(flows + 1, Long.MAX_VALUE / 4, BenchFlow::new, f -> { });
        SplittableRandom rnd = new SplittableRandom(7);
        packets = new PacketDecoder[Math.min(flows, 1 << 16) * 2];
        PacketDecoder[] all = new PacketDecoder[flows];
        for (int i = 0; i < flows; i++) {
            PacketDecoder d = new PacketDecoder();
            d.srcHi = 0;
            d.srcLo = 0x0000_ffff_0a00_0000L | rnd.nextInt(1 << 24);
            d.dstHi = 0;
            d.dstLo = 0x0000_ffff_ac10_0000L | rnd.nextInt(1 << 16);
            d.srcPort = 1024 + rnd.nextInt(60000);
            d.dstPort = 443;
            d.protocol = 6;
            d.vlanId = -1;
            d.tunnelId = -1;
            table.lookup(d, ts);
            all[i] = d;
        }
        for (int i = 0; i < packets.length; i++) {
            PacketDecoder d = all[rnd.nextInt(flows)];
            if ((i & 1) == 0) { // the reverse direction finds the same flow
                PacketDecoder r = new PacketDecoder();
                r.srcHi = d.dstHi; r.srcLo = d.dstLo; r.srcPort = d.dstPort;
                r.dstHi = d.srcHi; r.dstLo = d.srcLo; r.dstPort = d.srcPort;
                r.protocol = 6; r.vlanId = -1; r.tunnelId = -1;
                d = r;
            }
            packets[i] = d;
        }
    }

    @Benchmark
    public Flow lookupExisting() {
        int i = next;
        next = i + 1 == packets.length ? 0 : i + 1;
        return table.lookup(packets[i], ts);
    }
}
