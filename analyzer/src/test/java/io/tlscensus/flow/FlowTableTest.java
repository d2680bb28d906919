package io.tlscensus.flow;

import io.tlscensus.decode.PacketDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowTableTest {
    static final class TestFlow extends Flow {
        int clears;
        int id;

        @Override
        protected void clear() {
            clears++;
        }
    }

    private final List<TestFlow> evicted = new ArrayList<>();
    private int nextId;

    private FlowTable<TestFlow> table(int maxFlows, long idleMicros) {
        return new FlowTable<>(maxFlows, idleMicros, () -> {
            TestFlow f = new TestFlow();
            f.id = nextId++;
            return f;
        }, evicted::add);
    }

    /** A decoder holding an IPv4 TCP 4-tuple, the only fields a lookup reads. */
    private static PacketDecoder packet(int srcIp, int srcPort, int dstIp, int dstPort) {
        return packet(0, srcIp, srcPort, 0, dstIp, dstPort, 6);
    }

    private static PacketDecoder packet(long srcHi, int srcIp, int srcPort, long dstHi, int dstIp, int dstPort, int protocol) {
        PacketDecoder d = new PacketDecoder();
        d.srcHi = srcHi;
        d.srcLo = 0x0000_ffff_0000_0000L | (srcIp & 0xffffffffL);
        d.dstHi = dstHi;
        d.dstLo = 0x0000_ffff_0000_0000L | (dstIp & 0xffffffffL);
        d.srcPort = srcPort;
        d.dstPort = dstPort;
        d.protocol = protocol;
        return d;
    }

    private static PacketDecoder reverse(PacketDecoder d) {
        PacketDecoder r = new PacketDecoder();
        r.srcHi = d.dstHi;
        r.srcLo = d.dstLo;
        r.dstHi = d.srcHi;
        r.dstLo = d.srcLo;
        r.srcPort = d.dstPort;
        r.dstPort = d.srcPort;
        r.protocol = d.protocol;
        return r;
    }

    @Test
    void bothDirectionsFindTheSameFlow() {
        FlowTable<TestFlow> t = table(100, 1_000_000);
        PacketDecoder out = packet(0x0a000002, 443, 0x0a000001, 51000);
        TestFlow f = t.lookup(out, 1);
        assertSame(f, t.lookup(reverse(out), 2));
        assertEquals(1, t.size());
        assertEquals(1, t.created());
        assertEquals(1, f.clears, "a new flow starts from a cleared state");
    }

    @Test
    void sideAIsTheLowerEndpointAndDirectionFollowsIt() {
        FlowTable<TestFlow> t = table(100, 1_000_000);
        PacketDecoder fromHigh = packet(0x0a000002, 443, 0x0a000001, 51000);
        TestFlow f = t.lookup(fromHigh, 1);
        assertEquals(1, f.directionOf(fromHigh));
        assertEquals(0, f.directionOf(reverse(fromHigh)));
        assertEquals(0x0000_ffff_0a00_0001L, f.addressLo(0));
        assertEquals(51000, f.port(0));
        assertEquals(0x0000_ffff_0a00_0002L, f.addressLo(1));
        assertEquals(443, f.port(1));
        assertEquals(6, f.protocol());
    }

    @Test
    void sameAddressesDifferentPortsAreOrderedByPort() {
        // loopback connection: only the ports tell the ends apart
        FlowTable<TestFlow> t = table(100, 1_000_000);
        PacketDecoder toServer = packet(0x7f000001, 40000, 0x7f000001, 8443);
        TestFlow f = t.lookup(toServer, 1);
        assertSame(f, t.lookup(reverse(toServer), 2));
        assertEquals(1, f.directionOf(toServer), "port 8443 sorts first: it is side A");
        assertEquals(0, f.directionOf(reverse(toServer)));
    }

    @Test
    void protocolAndHighAddressBitsSeparateFlows() {
        FlowTable<TestFlow> t = table(100, 1_000_000);
        TestFlow tcp = t.lookup(packet(0, 1, 1000, 0, 2, 443, 6), 1);
        TestFlow udp = t.lookup(packet(0, 1, 1000, 0, 2, 443, 17), 1);
        TestFlow v6 = t.lookup(packet(0x2001_0db8L << 32, 1, 1000, 0, 2, 443, 6), 1);
        assertNotSame(tcp, udp);
        assertNotSame(tcp, v6);
        assertNotSame(udp, v6);
        assertEquals(3, t.size());
    }

    @Test
    void idleFlowsAreEvictedInCaptureTime() {
        FlowTable<TestFlow> t = table(100, 100);
        PacketDecoder a = packet(1, 1000, 2, 443);
        PacketDecoder b = packet(3, 1000, 4, 443);
        TestFlow fa = t.lookup(a, 0);
        TestFlow fb = t.lookup(b, 50);
        t.lookup(b, 100);
        assertEquals(List.of(), evicted, "idle for exactly the timeout is not yet idle");
        t.lookup(b, 101);
        assertEquals(List.of(fa), evicted);
        assertEquals(1, t.evictedIdle());
        assertEquals(1, t.size());
        TestFlow again = t.lookup(a, 102);
        assertNotSame(fa, again, "an evicted flow comes back as a new one");
        assertSame(fb, t.lookup(b, 103));
        assertEquals(102, again.firstSeenMicros());
    }

    @Test
    void activityKeepsAFlowAlive() {
        FlowTable<TestFlow> t = table(100, 100);
        PacketDecoder a = packet(1, 1000, 2, 443);
        PacketDecoder b = packet(3, 1000, 4, 443);
        TestFlow fa = t.lookup(a, 0);
        TestFlow fb = t.lookup(b, 0);
        t.lookup(reverse(a), 90);
        assertEquals(90, fa.lastSeenMicros());
        assertEquals(0, fa.firstSeenMicros());
        t.lookup(a, 150);
        assertEquals(List.of(fb), evicted);
    }

    @Test
    void anOlderTimestampDoesNotMoveLastSeenBack() {
        FlowTable<TestFlow> t = table(100, 100);
        PacketDecoder a = packet(1, 1000, 2, 443);
        TestFlow f = t.lookup(a, 500);
        t.lookup(a, 400); // captures merged from two interfaces are not strictly ordered
        assertEquals(500, f.lastSeenMicros());
    }

    @Test
    void whenFullTheLeastRecentlyActiveFlowMakesRoom() {
        FlowTable<TestFlow> t = table(3, Long.MAX_VALUE);
        PacketDecoder a = packet(1, 1, 9, 443), b = packet(2, 1, 9, 443), c = packet(3, 1, 9, 443), d = packet(4, 1, 9, 443);
        TestFlow fa = t.lookup(a, 1);
        TestFlow fb = t.lookup(b, 2);
        TestFlow fc = t.lookup(c, 3);
        t.lookup(reverse(a), 4); // a is now the most recent: b is the oldest
        TestFlow fd = t.lookup(d, 5);
        assertEquals(List.of(fb), evicted);
        assertEquals(1, t.evictedForSpace());
        assertEquals(0, t.evictedIdle());
        assertEquals(3, t.size());
        assertSame(fa, t.lookup(a, 6));
        assertSame(fc, t.lookup(c, 7));
        assertSame(fd, t.lookup(d, 8));
        assertEquals(3, t.peakSize());
    }

    @Test
    void evictionIsReportedWhileTheFlowIsStillInTheTable() {
        List<Integer> sizesSeen = new ArrayList<>();
        FlowTable<TestFlow>[] holder = new FlowTable[1];
        holder[0] = new FlowTable<>(1, Long.MAX_VALUE, TestFlow::new, f -> sizesSeen.add(holder[0].size()));
        holder[0].lookup(packet(1, 1, 2, 2), 1);
        holder[0].lookup(packet(3, 3, 4, 4), 2);
        assertEquals(List.of(1), sizesSeen);
    }

    @Test
    void clearEvictsEveryFlowOldestFirst() {
        FlowTable<TestFlow> t = table(100, Long.MAX_VALUE);
        PacketDecoder a = packet(1, 1, 9, 443), b = packet(2, 1, 9, 443), c = packet(3, 1, 9, 443);
        TestFlow fa = t.lookup(a, 1);
        TestFlow fb = t.lookup(b, 2);
        TestFlow fc = t.lookup(c, 3);
        t.lookup(a, 4);
        t.clear();
        assertEquals(List.of(fb, fc, fa), evicted);
        assertEquals(0, t.size());
        assertNotSame(fa, t.lookup(a, 5), "the table is usable after clear");
        assertEquals(1, t.size());
    }

    @Test
    void restartStartsTheFlowOver() {
        FlowTable<TestFlow> t = table(100, Long.MAX_VALUE);
        TestFlow f = t.lookup(packet(1, 1, 2, 2), 10);
        f.restartAt(20);
        assertEquals(20, f.firstSeenMicros());
        assertEquals(2, f.clears);
    }

    @Test
    void maxFlowsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> table(0, 1));
    }

    /**
     * Random lookups, space evictions and idle evictions checked against a LinkedHashMap in access
     * order. Evictions delete from the open-addressing table in every position of every probe run,
     * so a mistake in backward-shift deletion shows as a lookup that misses a flow still present
     * (a new flow instead of the model's) or finds one that was evicted. 500 flows keep the table
     * at its initial 1024 slots, nearly half full, so probe runs often wrap past the last slot;
     * 3000 flows make it grow twice.
     */
    @ParameterizedTest
    @ValueSource(ints = {500, 3000})
    void randomOperationsMatchAModel(int maxFlows) {
        long idle = 50_000;
        FlowTable<TestFlow> t = table(maxFlows, idle);
        LinkedHashMap<Long, TestFlow> model = new LinkedHashMap<>(16, 0.75f, true);
        Map<Long, Long> lastSeen = new java.util.HashMap<>();
        Random random = new Random(20240607L);
        long now = 0;
        for (int op = 0; op < 100_000; op++) {
            now += random.nextInt(1000) == 0 ? random.nextInt(60_000) : random.nextInt(2);
            // a key space a few times the table size: lots of inserts, hits and evictions
            long key = random.nextInt(random.nextBoolean() ? 2000 : 12_000);
            int ip = (int) (key / 7), port = (int) (key % 7) + 1;
            PacketDecoder d = packet(ip, 40000 + port, 0x0a000001, 443);
            if (random.nextBoolean()) d = reverse(d);

            // model: idle expiry first (oldest first), then a hit, or room made for a new flow
            List<TestFlow> expectedEvicted = new ArrayList<>();
            for (Iterator<Map.Entry<Long, TestFlow>> it = model.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, TestFlow> e = it.next();
                if (now - lastSeen.get(e.getKey()) <= idle) break;
                expectedEvicted.add(e.getValue());
                it.remove();
            }
            TestFlow expected = model.get(key);
            if (expected == null && model.size() >= maxFlows) {
                Map.Entry<Long, TestFlow> eldest = model.entrySet().iterator().next();
                expectedEvicted.add(eldest.getValue());
                model.remove(eldest.getKey());
            }
            int before = evicted.size();
            TestFlow actual = t.lookup(d, now);
            assertEquals(expectedEvicted, evicted.subList(before, evicted.size()), "op " + op + ": evictions");
            if (expected != null) {
                assertSame(expected, actual, "op " + op + ": existing flow " + key + " not found");
            } else {
                assertEquals(nextId - 1, actual.id, "op " + op + ": a new 5-tuple must get a freshly created flow");
                model.put(key, actual);
            }
            lastSeen.put(key, now);
            assertEquals(model.size(), t.size(), "op " + op);
        }
        assertTrue(t.evictedIdle() > 0, "the run covered idle eviction");
        assertTrue(t.evictedForSpace() > 100, "the run covered eviction for space");
        // every flow the model holds is still found, through either direction
        for (Map.Entry<Long, TestFlow> e : new ArrayList<>(model.entrySet())) {
            long key = e.getKey();
            PacketDecoder d = packet((int) (key / 7), 40000 + (int) (key % 7) + 1, 0x0a000001, 443);
            assertSame(e.getValue(), t.lookup(reverse(d), now));
        }
        assertEquals(model.size(), t.size());
    }
}
