package io.tlscensus.flow;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class IpFragmentReassemblerTest {
    private static final byte[] DATAGRAM = new byte[3000];

    static {
        for (int i = 0; i < DATAGRAM.length; i++) DATAGRAM[i] = (byte) (i * 7);
    }

    private final IpFragmentReassembler r = new IpFragmentReassembler(16, 1 << 20, 30_000_000L);

    private ByteBuffer add(long ts, long id, int offset, int length, boolean more) {
        return r.add(ts, 4, 0, 1, 0, 2, id, offset, more, ByteBuffer.wrap(DATAGRAM), offset, length);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void inOrderFragmentsMakeTheDatagram() {
        assertNull(add(0, 1, 0, 1480, true));
        assertNull(add(0, 1, 1480, 1480, true));
        ByteBuffer whole = add(0, 1, 2960, 40, false);
        assertNotNull(whole);
        assertArrayEquals(DATAGRAM, bytes(whole));
        assertEquals(1, r.completed());
        assertEquals(0, r.inProgress());
    }

    @Test
    void anyOrderAndDuplicatesWork() {
        assertNull(add(0, 2, 2960, 40, false));
        assertNull(add(0, 2, 1480, 1480, true));
        assertNull(add(0, 2, 1480, 1480, true));
        ByteBuffer whole = add(0, 2, 0, 1480, true);
        assertArrayEquals(DATAGRAM, bytes(whole));
    }

    @Test
    void overlapKeepsTheFirstCopy() {
        byte[] other = DATAGRAM.clone();
        Arrays.fill(other, 800, 1600, (byte) 0x55);
        assertNull(add(0, 3, 0, 1480, true));
        // A second copy of bytes 800..1600 with other content arrives inside a later fragment.
        assertNull(r.add(0, 4, 0, 1, 0, 2, 3, 800, true, ByteBuffer.wrap(other), 800, 1480));
        ByteBuffer whole = add(0, 3, 2280, 720, false);
        byte[] got = bytes(whole);
        assertArrayEquals(Arrays.copyOfRange(DATAGRAM, 0, 1480), Arrays.copyOfRange(got, 0, 1480));
        assertArrayEquals(Arrays.copyOfRange(other, 1480, 2280), Arrays.copyOfRange(got, 1480, 2280));
    }

    @Test
    void incompleteDatagramsTimeOutAndLimitsHold() {
        assertNull(add(0, 5, 0, 1480, true));
        assertNull(add(31_000_000L, 6, 0, 1480, true)); // expires id 5
        assertEquals(1, r.dropped());
        for (int i = 0; i < 20; i++) add(31_000_000L, 100 + i, 0, 1480, true);
        assertEquals(16, r.inProgress());
        assertEquals(1 + 5, r.dropped());
    }

    @Test
    void liesAreDropped() {
        assertNull(add(0, 7, 65_000, 1480, true)); // beyond 64 KiB
        assertNull(add(0, 8, 0, 1001, true));      // a non-final fragment must be a multiple of 8
        assertNull(add(0, 9, 1480, 40, false));
        assertNull(add(0, 9, 1520, 40, false));    // two different ends
        assertEquals(3, r.dropped());
    }
}
