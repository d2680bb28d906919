package io.tlscensus.quic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CryptoStreamTest {
    private static byte[] bytes(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void outOfOrderPiecesJoinAndTheFirstCopyWins() {
        CryptoStream s = new CryptoStream(1000);
        assertTrue(s.add(10, bytes(10, 2), 0, 10));
        assertEquals(0, s.contiguous());
        assertTrue(s.add(30, bytes(5, 4), 0, 5));
        assertTrue(s.add(0, bytes(25, 1), 0, 25)); // overlaps [10,20) and reaches into the gap
        assertEquals(25, s.contiguous());
        assertEquals(1, s.array()[9]);
        assertEquals(2, s.array()[10], "bytes already held are kept");
        assertEquals(2, s.array()[19]);
        assertEquals(1, s.array()[20]);
        assertTrue(s.add(25, bytes(5, 3), 0, 5)); // fills the gap exactly: everything joins
        assertEquals(35, s.contiguous());
        assertEquals(4, s.array()[34]);
    }

    @Test
    void bytesBeyondTheLimitAreRefused() {
        CryptoStream s = new CryptoStream(100);
        assertFalse(s.add(90, bytes(20, 1), 0, 20));
        assertFalse(s.add(100, bytes(1, 1), 0, 1));
        assertTrue(s.add(0, bytes(90, 1), 0, 90));
        assertEquals(100, s.contiguous());
    }

    @Test
    void tooManyPiecesAreRefused() {
        CryptoStream s = new CryptoStream(100_000);
        for (int i = 0; i < CryptoStream.MAX_RANGES; i++) assertTrue(s.add(10 + 2L * i, bytes(1, 1), 0, 1));
        assertFalse(s.add(1000, bytes(1, 1), 0, 1));
        assertTrue(s.add(0, bytes(10, 1), 0, 10), "joining an existing piece needs no new range");
        assertEquals(11, s.contiguous());
    }

    @Test
    void resetForgetsEverything() {
        CryptoStream s = new CryptoStream(100);
        s.add(0, bytes(10, 1), 0, 10);
        s.reset();
        assertEquals(0, s.contiguous());
    }
}
