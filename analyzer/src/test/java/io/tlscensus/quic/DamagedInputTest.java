package io.tlscensus.quic;

import io.tlscensus.tls.ConnectionRecord;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static io.tlscensus.quic.QuicPackets.buffer;
import static io.tlscensus.quic.QuicPackets.concat;
import static io.tlscensus.quic.QuicPackets.crypto;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cut and corrupted datagrams are counted, never thrown, and never yield a hello. */
class DamagedInputTest {
    private static final byte[] DCID = QuicPackets.hex("0102030405060708");
    private static final byte[] HELLO = Arrays.copyOfRange(RfcVectorsTest.CLIENT_CRYPTO_FRAME, 4, 4 + 4 + 0xed);

    private static byte[] goodInitial() {
        InitialKeys k = InitialKeys.derive(QuicVersion.V1, DCID);
        return QuicPackets.initial(QuicVersion.V1, k.client, DCID, new byte[0], 0,
                concat(QuicPackets.hex("0300000000000000"), crypto(0, HELLO, 0, HELLO.length)), 1162);
    }

    @Test
    void everyPrefixOfAnInitialIsHandled() {
        byte[] good = goodInitial();
        for (int n = 0; n < good.length; n++) {
            ConnectionRecord r = new ConnectionRecord();
            QuicConnection q = new QuicConnection(r);
            q.onDatagram(buffer(good), 0, n, 0);
            assertTrue(!r.clientHelloSeen, "prefix " + n);
            assertEquals(0, q.decryptedPackets(), "prefix " + n);
        }
    }

    @Test
    void corruptedBytesAreCaughtByTheTagOrTheHeaderChecks() {
        byte[] good = goodInitial();
        Random random = new Random(9001);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
            ConnectionRecord r = new ConnectionRecord();
            QuicConnection q = new QuicConnection(r);
            q.onDatagram(buffer(bad), 0, bad.length, random.nextInt(2));
            // Every byte of an Initial is authenticated (the header as associated data once header
            // protection is removed): only flips that cancel out can leave the hello readable.
            if (r.clientHelloSeen) assertArrayEquals(good, bad);
            assertEquals(q.initialPackets(), q.decryptedPackets() + q.undecryptablePackets());
        }
    }

    @Test
    void randomDatagramsWithAQuicLookingHeaderAreHandled() {
        Random random = new Random(9000);
        ConnectionRecord r = new ConnectionRecord();
        QuicConnection q = new QuicConnection(r);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[random.nextInt(1400)];
            random.nextBytes(b);
            if (b.length > 6) {
                b[0] |= (byte) 0xc0;
                b[1] = 0;
                b[2] = 0;
                b[3] = 0;
                b[4] = (byte) (random.nextBoolean() ? 1 : 0);
                b[5] = (byte) random.nextInt(22);
            }
            q.onDatagram(buffer(b), 0, b.length, random.nextInt(2));
        }
        assertTrue(!r.clientHelloSeen && !r.serverHelloSeen);
        assertEquals(q.initialPackets(), q.decryptedPackets() + q.undecryptablePackets());
    }
}
