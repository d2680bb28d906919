package io.tlscensus.quic;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsStreamParser;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static io.tlscensus.quic.QuicPackets.buffer;
import static io.tlscensus.quic.QuicPackets.concat;
import static io.tlscensus.quic.QuicPackets.crypto;
import static io.tlscensus.quic.QuicPackets.hex;
import static io.tlscensus.quic.QuicPackets.varint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic flows for what the corpus shows rarely or not at all. */
class QuicConnectionTest {
    private static final byte[] CLIENT_DCID = hex("0011223344556677");
    private static final byte[] CLIENT_SCID = hex("c1c2c3c4");
    private static final byte[] SERVER_SCID = hex("5a5b5c5d5e5f");
    /** The RFC 9001 A.2 ClientHello handshake message (type, 3-byte length, body). */
    private static final byte[] CLIENT_HELLO = Arrays.copyOfRange(RfcVectorsTest.CLIENT_CRYPTO_FRAME, 4, 4 + 4 + 0xed);
    /** The RFC 9001 A.3 ServerHello handshake message. */
    private static final byte[] SERVER_HELLO = Arrays.copyOfRange(RfcVectorsTest.SERVER_PAYLOAD, 9, 9 + 4 + 0x56);

    private final ConnectionRecord record = new ConnectionRecord();
    private final QuicConnection quic = new QuicConnection(record);
    private final InitialKeys keys = InitialKeys.derive(QuicVersion.V1, CLIENT_DCID);

    private byte[] clientInitial(long pn, byte[] frames) {
        return clientInitial(QuicVersion.V1, keys, CLIENT_DCID, pn, frames);
    }

    private static byte[] clientInitial(int version, InitialKeys k, byte[] dcid, long pn, byte[] frames) {
        return QuicPackets.initial(version, k.client, dcid, CLIENT_SCID, pn, frames, 1162);
    }

    private byte[] serverInitial(long pn, byte[] frames) {
        return QuicPackets.initial(QuicVersion.V1, keys.server, CLIENT_SCID, SERVER_SCID, pn, frames, 0);
    }

    private boolean send(int direction, byte[]... packets) {
        byte[] datagram = concat(packets);
        // Place the datagram at an offset in a larger buffer, as the capture readers do.
        ByteBuffer b = ByteBuffer.allocate(datagram.length + 100);
        b.position(37);
        b.put(datagram);
        return quic.onDatagram(b, 37, datagram.length, direction);
    }

    @Test
    void clientHelloOverThreePacketsInTwoDatagramsOutOfOrderWithRepeats() {
        byte[] p0 = clientInitial(0, concat(crypto(150, CLIENT_HELLO, 150, CLIENT_HELLO.length), crypto(0, CLIENT_HELLO, 0, 40)));
        byte[] p1 = clientInitial(1, concat(crypto(40, CLIENT_HELLO, 40, 100)));
        byte[] p2 = clientInitial(2, concat(crypto(90, CLIENT_HELLO, 90, 150), crypto(0, CLIENT_HELLO, 0, 10)));
        assertTrue(send(0, p0));
        assertEquals(TlsStreamParser.Role.CLIENT, quic.role(0), "the client is known before its hello is complete");
        assertFalse(record.clientHelloSeen);
        assertTrue(send(0, p2));
        assertFalse(record.clientHelloSeen, "bytes 40-90 are still missing");
        assertTrue(send(0, p1, p1)); // the missing piece, and the same packet repeated in one datagram
        assertTrue(record.clientHelloSeen);
        assertEquals("example.com", record.sni);
        assertEquals(4, quic.decryptedPackets());
        assertEquals(0, quic.protocolErrors());
    }

    @Test
    void serverInitialCoalescedWithHandshakeAndShortHeaderPackets() {
        send(1, clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length)));
        // A Handshake packet first (type bits 10), then the Initial, then a short-header packet.
        byte[] handshake = concat(hex("e0" + "00000001"), new byte[] {4}, CLIENT_SCID, new byte[] {6}, SERVER_SCID,
                varint(40), new byte[40]);
        byte[] initial = serverInitial(0, concat(hex("0200000000"), crypto(0, SERVER_HELLO, 0, SERVER_HELLO.length)));
        byte[] shortHeader = concat(hex("41"), CLIENT_SCID, new byte[30]);
        assertTrue(send(0, handshake, initial, shortHeader));
        assertTrue(record.serverHelloSeen);
        assertEquals(0x1301, record.cipherSuite);
        assertTrue(quic.done());
        assertEquals(TlsStreamParser.Role.SERVER, quic.role(0));
        assertEquals(2, quic.initialPackets());
        assertEquals(0, quic.malformedPackets());
    }

    @Test
    void laterClientInitialsCarryTheServersConnectionIdButKeepTheKeys() {
        byte[] first = clientInitial(0, crypto(0, CLIENT_HELLO, 0, 100));
        byte[] second = QuicPackets.initial(QuicVersion.V1, keys.client, SERVER_SCID, CLIENT_SCID, 1,
                crypto(100, CLIENT_HELLO, 100, CLIENT_HELLO.length), 1162);
        send(0, first);
        send(0, second);
        assertTrue(record.clientHelloSeen);
        assertEquals(0, quic.undecryptablePackets());
    }

    @Test
    void ackWithRangesAndEcnCountsIsSkipped() {
        // ACK_ECN: largest 1000, delay 5, 2 ranges, first range 3, (gap 1, len 2) x2, ECN counts 7 8 9.
        byte[] ack = concat(hex("03"), varint(1000), varint(5), varint(2), varint(3), varint(1), varint(2), varint(1),
                varint(2), varint(7), varint(8), varint(9));
        send(0, clientInitial(0, concat(hex("01"), ack, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length))));
        assertTrue(record.clientHelloSeen);
        assertEquals(0, quic.protocolErrors());
    }

    @Test
    void aFrameNotAllowedInInitialPacketsEndsThePacket() {
        byte[] stream = concat(hex("08"), varint(0), hex("0000")); // STREAM frame
        send(0, clientInitial(0, concat(stream, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length))));
        assertFalse(record.clientHelloSeen);
        assertEquals(1, quic.protocolErrors());
        assertEquals(TlsStreamParser.Role.CLIENT, quic.role(0));
    }

    @Test
    void aPacketWhoseTagFailsIsCountedAndTheNextOneStillOpens() {
        byte[] bad = clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length));
        bad[bad.length - 1] ^= 0x55;
        assertTrue(send(0, bad));
        assertEquals(1, quic.undecryptablePackets());
        assertEquals(TlsStreamParser.Role.UNKNOWN, quic.role(0));
        send(0, clientInitial(1, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length)));
        assertTrue(record.clientHelloSeen);
        assertEquals(1, quic.decryptedPackets());
    }

    @Test
    void serverInitialWithoutTheClientsIsUndecryptableAndDecidesNothing() {
        send(1, serverInitial(0, crypto(0, SERVER_HELLO, 0, SERVER_HELLO.length)));
        assertEquals(1, quic.undecryptablePackets());
        assertEquals(TlsStreamParser.Role.UNKNOWN, quic.role(1));
        assertFalse(record.serverHelloSeen);
    }

    @Test
    void manyUndecryptablePacketsInARowGiveUp() {
        byte[] junk = clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length));
        junk[junk.length - 20] ^= 1;
        for (int i = 0; i < QuicConnection.MAX_CONSECUTIVE_UNDECRYPTABLE; i++) {
            assertFalse(quic.done());
            send(0, junk);
        }
        assertTrue(quic.done());
        send(0, clientInitial(1, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length)));
        assertFalse(record.clientHelloSeen, "no more crypto once given up");
    }

    @Test
    void versionNegotiationIsCountedAndTheNewAttemptIsFollowed() {
        byte[] draft = clientInitial(QuicVersion.DRAFT_29, InitialKeys.derive(QuicVersion.DRAFT_29, CLIENT_DCID),
                CLIENT_DCID, 0, crypto(0, CLIENT_HELLO, 0, 100));
        send(0, draft);
        assertEquals(TlsStreamParser.Role.CLIENT, quic.role(0));
        byte[] vn = concat(hex("80" + "00000000"), new byte[] {4}, CLIENT_SCID, new byte[] {8}, CLIENT_DCID,
                hex("00000001" + "6b3343cf"));
        assertTrue(QuicConnection.looksLikeQuic(buffer(vn), 0, vn.length));
        assertTrue(send(1, vn));
        assertEquals(1, quic.versionNegotiationPackets());
        // The client starts again in version 2 with a new DCID and the whole hello from offset 0.
        byte[] newDcid = hex("99887766554433221100");
        InitialKeys v2 = InitialKeys.derive(QuicVersion.V2, newDcid);
        send(0, clientInitial(QuicVersion.V2, v2, newDcid, 0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length)));
        assertTrue(record.clientHelloSeen);
        send(1, QuicPackets.initial(QuicVersion.V2, v2.server, CLIENT_SCID, SERVER_SCID, 0,
                crypto(0, SERVER_HELLO, 0, SERVER_HELLO.length), 0));
        assertTrue(record.serverHelloSeen);
        assertEquals(0, quic.undecryptablePackets());
    }

    @Test
    void serverAnsweringInACompatibleVersionUsesThatVersionsKeysForTheSameConnectionId() {
        send(0, clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length)));
        InitialKeys v2 = InitialKeys.derive(QuicVersion.V2, CLIENT_DCID);
        send(1, QuicPackets.initial(QuicVersion.V2, v2.server, CLIENT_SCID, SERVER_SCID, 0,
                crypto(0, SERVER_HELLO, 0, SERVER_HELLO.length), 0));
        assertTrue(record.serverHelloSeen);
    }

    @Test
    void serverClosingWithATlsAlertEndsTheConnection() {
        send(0, clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length)));
        // CONNECTION_CLOSE, error CRYPTO_ERROR + handshake_failure (0x100 + 40), frame type CRYPTO, reason "no".
        send(1, serverInitial(0, concat(hex("1c"), varint(0x128), varint(6), varint(2), hex("6e6f"))));
        assertEquals(List.of(40), record.alerts);
        assertFalse(record.serverHelloSeen);
        assertTrue(quic.done());
    }

    @Test
    void aServerStreamThatDoesNotStartWithAServerHelloEndsTheWait() {
        send(0, clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length)));
        send(1, serverInitial(0, crypto(0, hex("0b000004" + "00000000"), 0, 8))); // a Certificate message
        assertFalse(record.serverHelloSeen);
        assertTrue(quic.done());
    }

    @Test
    void cryptoDataBeyondTheLimitIsCounted() {
        QuicConnection small = new QuicConnection(record, 200);
        byte[] p = clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length));
        small.onDatagram(buffer(p), 0, p.length, 0);
        assertTrue(small.cryptoOverflows() >= 1);
        assertFalse(record.clientHelloSeen);
        assertEquals(TlsStreamParser.Role.CLIENT, small.role(0));
    }

    @Test
    void notQuic() {
        byte[] dtls = hex("16feff0000000000000000002f010000230000000000000023feff");
        byte[] shortHeader = hex("4011223344556677889900aabbccddeeff");
        byte[] unknownVersion = hex("c61001000001000000000000");
        byte[] longCid = concat(hex("c000000001"), new byte[] {21}, new byte[21], new byte[] {0}, new byte[30]);
        for (byte[] b : List.of(dtls, shortHeader, unknownVersion, longCid, new byte[0], hex("c0000000"))) {
            assertFalse(QuicConnection.looksLikeQuic(buffer(b), 0, b.length), hex(b));
            assertFalse(quic.onDatagram(buffer(b), 0, b.length, 0), hex(b));
        }
        byte[] initial = clientInitial(0, crypto(0, CLIENT_HELLO, 0, 10));
        assertTrue(QuicConnection.looksLikeQuic(buffer(initial), 0, initial.length));
        assertTrue(send(0, initial));
        assertTrue(quic.onDatagram(buffer(shortHeader), 0, shortHeader.length, 1), "1-RTT of a QUIC flow");
    }

    @Test
    void truncatedLongHeadersAreMalformedNotFatal() {
        byte[] initial = clientInitial(0, crypto(0, CLIENT_HELLO, 0, CLIENT_HELLO.length));
        assertTrue(send(0, Arrays.copyOf(initial, 600)));
        assertEquals(1, quic.malformedPackets());
        assertEquals(0, quic.initialPackets());
    }
}
