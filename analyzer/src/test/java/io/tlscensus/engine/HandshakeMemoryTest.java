package io.tlscensus.engine;

import io.tlscensus.capture.LinkType;
import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.testing.Conversation;
import io.tlscensus.testing.Packets;
import io.tlscensus.testing.TlsBytes;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsStreamParser;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.tlscensus.testing.Packets.ACK;
import static io.tlscensus.testing.Packets.PSH;
import static io.tlscensus.testing.Packets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handshakes in flight are parked between packets in a shared form and charged to the run's
 * memory budget; beyond the budget the oldest flows are evicted, counted and still emitted.
 */
class HandshakeMemoryTest {
    private static final long T0 = 1_700_000_000_000_000L;

    private final List<ConnectionRecord> emitted = new ArrayList<>();
    private long now = T0;

    private void feed(CensusEngine engine, byte[] frame) {
        engine.onPacket(now++, LinkType.ETHERNET, ByteBuffer.wrap(frame), 0, frame.length, frame.length);
    }

    private static Conversation conversation(int i) {
        return new Conversation(Packets.v4(10, 1 + (i >> 16), (i >> 8) & 0xff, i & 0xff), 40000 + i % 1000,
                Packets.v4(192, 0, 2, 1), 443, 0x10000000 * i, 77);
    }

    /** SYN and a ClientHello in two segments (the hello parked between them is then half-read), no answer. */
    private void helloInFlight(CensusEngine engine, int i, String sni) {
        Conversation c = conversation(i);
        byte[] hello = TlsBytes.clientHello().sni(sni).alpn("h2", "http/1.1").supportedVersions(0x0304, 0x0303).record();
        feed(engine, c.client(SYN));
        feed(engine, c.client(ACK | PSH, Arrays.copyOf(hello, 100)));
        feed(engine, c.client(ACK | PSH, Arrays.copyOfRange(hello, 100, hello.length)));
    }

    @Test
    void repeatedHellosInFlightCostTheirFlowAndLittleMore() {
        MemoryBudget budget = new MemoryBudget(1_000_000, 1L << 30);
        CensusEngine engine = new CensusEngine(new EngineLimits(), emitted::add, 0, 1, budget);
        engine.beginInput("test");
        // The first LIVE_WINDOW handshakes in flight stay live (parking costs time); the rest are parked.
        long tables = budget.bytes();
        int window = new EngineLimits().liveHandshakes + 100;
        for (int i = 0; i < window; i++) helloInFlight(engine, i, "site" + (i % 50) + ".example");
        long before = budget.bytes();
        int n = 20_000;
        for (int i = window; i < n; i++) helloInFlight(engine, i, "site" + (i % 50) + ".example");
        long perFlow = (budget.bytes() - before) / (n - window);
        // the flow and its slots, plus the parts shared by all: no record, parsers or strings per handshake
        assertTrue(perFlow < MemoryBudget.FLOW_BYTES + 4 * MemoryBudget.REF_BYTES, perFlow + " bytes a handshake in flight");
        long firstEach = (before - tables) / window;
        assertTrue(firstEach > 4 * MemoryBudget.FLOW_BYTES, "the first ones live: " + firstEach + " bytes each");
        assertEquals(n, budget.flows());
        engine.endInput();
        assertEquals(n, emitted.size());
        for (int i = 0; i < n; i++) {
            ConnectionRecord r = emitted.get(i);
            assertEquals("site" + (i % 50) + ".example", r.sni);
            assertEquals(List.of("h2", "http/1.1"), r.alpn);
            assertEquals(List.of(0x0304, 0x0303), r.clientSupportedVersions);
            assertEquals("192.0.2.1", r.server);
        }
        assertSame(emitted.get(window + 1).clientFingerprint, emitted.get(n - 1).clientFingerprint, "parked: shared from the second sighting on");
        assertEquals(0, budget.flows());
        assertEquals(0, engine.stats().evictedForSpace);
    }

    @Test
    void beyondTheByteBudgetTheOldestHandshakesAreEvictedCountedAndEmitted() {
        // Every hello distinct (the worst case): a budget for about 2,000 such handshakes besides the tables.
        MemoryBudget probe = new MemoryBudget(1_000_000, 1L << 30);
        new CensusEngine(new EngineLimits(), emitted::add, 0, 1, probe);
        MemoryBudget budget = new MemoryBudget(1_000_000, probe.bytes() + 2_000L * 400);
        CensusEngine engine = new CensusEngine(new EngineLimits(), emitted::add, 0, 1, budget);
        engine.beginInput("test");
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            helloInFlight(engine, i, "distinct-" + i + ".example");
            assertTrue(budget.bytes() <= budget.maxBytes(), budget.bytes() + " bytes held");
        }
        CaptureStats s = engine.stats();
        assertTrue(s.evictedForSpace > n / 2, s.line());
        assertEquals(s.evictedForSpace, emitted.size(), "evicted handshakes are emitted as they are");
        engine.endInput();
        assertEquals(n, emitted.size());
        for (int i = 0; i < n; i++) assertEquals("distinct-" + i + ".example", emitted.get(i).sni);
        assertEquals(0, budget.flows());
    }

    @Test
    void engineStatisticsShowTheLimits() {
        MemoryBudget budget = new MemoryBudget(12345, 100L << 20);
        CensusEngine engine = new CensusEngine(new EngineLimits(), emitted::add, 0, 1, budget);
        CaptureStats s = engine.stats();
        assertEquals(12345, s.flowLimit);
        assertTrue(s.line().contains("(peak 0 of at most 12345 in 100 MB, "), s.line());
        assertTrue(s.line().contains("0 reassembly limit hits (65536 bytes a direction)"), s.line());
    }

    /** Shuffled extension orders are kept as a sorted list and a Lehmer code, and come back exactly. */
    @Test
    void extensionOrderRoundTrips() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 2000; round++) {
            int k = random.nextInt(24);
            int ciphers = random.nextInt(5);
            char[] fp = new char[5 + 1 + ciphers + 1 + k + 4];
            int p = 5;
            fp[p++] = (char) ciphers;
            for (int i = 0; i < ciphers; i++) fp[p++] = (char) random.nextInt(0x10000);
            fp[p++] = (char) k;
            for (int i = 0; i < k; i++) fp[p++] = (char) random.nextInt(round % 2 == 0 ? 6 : 0x10000); // with repeats
            long order = Handshakes.order(fp);
            if (order == 0) {
                assertTrue(k < 2 || k > 20 || Arrays.equals(fp, Handshakes.sortedExtensions(fp)), Arrays.toString(fp));
                continue;
            }
            char[] sorted = Handshakes.sortedExtensions(fp);
            assertTrue(Arrays.equals(fp, Handshakes.inOrder(sorted, order)), Arrays.toString(fp));
        }
    }

    /**
     * Parking keeps a parser's and a reassembler's state in a few bits and a record's facts in a
     * template: a field added to one of these classes must be added there too ({@code
     * TlsStreamParser.park}, {@code StreamReassembler.park}, {@code Handshakes.template/restore}),
     * or parked handshakes would lose it. This fails until it is.
     */
    @Test
    void parkingCoversEveryField() {
        assertEquals(Set.of("record", "scanLimit", "state", "role", "helloParsed", "alertSeen", "malformed", "scanned",
                "handshake", "handshakeLength"), fields(TlsStreamParser.class));
        assertEquals(Set.of("limit", "data", "start", "end", "initialized", "nextSeq", "skip", "delivered", "overflowed",
                "pendingCount", "pendingBytes", "pendingSeq", "pendingData"), fields(StreamReassembler.class));
        assertEquals(new TreeSet<>(Set.of(
                // set only when the record is emitted
                "file", "tsMicros", "client", "clientPort", "server", "serverPort", "vlan", "tunnelId",
                // kept apart in Parked
                "sni", "clientFingerprint",
                // the template
                "transport", "clientHelloSeen", "clientHelloDamaged", "clientHelloVersion", "clientSupportedVersions", "alpn", "fallbackScsv",
                "recordVersion", "serverHelloSeen", "serverHelloVersion", "negotiatedVersion", "cipherSuite",
                "helloRetryRequest", "serverFingerprint", "alerts")), fields(ConnectionRecord.class));
    }

    private static Set<String> fields(Class<?> c) {
        Set<String> names = new TreeSet<>();
        for (Field f : c.getDeclaredFields()) if (!Modifier.isStatic(f.getModifiers())) names.add(f.getName());
        return names;
    }
}
