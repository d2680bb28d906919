package io.tlscensus.tls;

import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.testing.TlsBytes;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static io.tlscensus.testing.TlsBytes.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsStreamParserTest {
    private static final int TLS10 = 0x0301;
    private static final int TLS12 = 0x0303;

    /** One direction of a stream wired the way the engine wires it: reassembler, parse, skip. */
    private static final class Side {
        final StreamReassembler stream = new StreamReassembler(64 * 1024);
        final TlsStreamParser parser;
        int seq = 1;

        Side(ConnectionRecord record, int scanLimit) {
            parser = new TlsStreamParser(record, scanLimit);
            stream.synSeen(0);
        }

        Side send(byte[] bytes) {
            stream.accept(seq, ByteBuffer.wrap(bytes), 0, bytes.length);
            seq += bytes.length;
            stream.skip(parser.parse(stream.array(), stream.start(), stream.available()));
            return this;
        }

        /** The bytes in pieces of the given size, as separate TCP segments. */
        Side sendInPieces(byte[] bytes, int size) {
            for (int p = 0; p < bytes.length; p += size) send(Arrays.copyOfRange(bytes, p, Math.min(bytes.length, p + size)));
            return this;
        }
    }

    private final ConnectionRecord record = new ConnectionRecord();
    private final Side client = new Side(record, 16 * 1024);
    private final Side server = new Side(record, 16 * 1024);

    private static byte[] modernHello() {
        return TlsBytes.clientHello().sni("example.com").alpn("h2").supportedVersions(0x2a2a, 0x0304, 0x0303).record();
    }

    private void assertModernClientHello() {
        assertTrue(record.clientHelloSeen);
        assertEquals("example.com", record.sni);
        assertEquals(List.of(0x0304, 0x0303), record.clientSupportedVersions);
        assertEquals(List.of("h2"), record.alpn);
        assertEquals(TLS12, record.clientHelloVersion);
        assertEquals(TLS10, record.recordVersion);
        assertEquals(TlsStreamParser.Role.CLIENT, client.parser.role());
    }

    // ---------------------------------------------------------------- finding and reading hellos

    @Test
    void clientHelloInOneRecord() {
        client.send(modernHello());
        assertModernClientHello();
        assertTrue(client.parser.sawTls());
        assertFalse(client.parser.done(), "the direction is followed until it turns to ciphertext");
        assertEquals(0, client.stream.available(), "nothing of the record is held once parsed");
    }

    @Test
    void clientHelloSplitAcrossTwoAndThreeRecords() {
        byte[] message = TlsBytes.clientHello().sni("example.com").alpn("h2").supportedVersions(0x2a2a, 0x0304, 0x0303).message();
        client.send(TlsBytes.inRecords(TLS10, message, 100));
        assertModernClientHello();

        ConnectionRecord second = new ConnectionRecord();
        Side other = new Side(second, 16 * 1024);
        // the first record holds just the handshake header and the version
        other.send(TlsBytes.inRecords(TLS10, message, 6, 60));
        assertEquals("example.com", second.sni);
        assertEquals(List.of(0x0304, 0x0303), second.clientSupportedVersions);
    }

    @Test
    void clientHelloArrivingOneByteAtATime() {
        client.sendInPieces(concat(modernHello(), TlsBytes.changeCipherSpec(TLS12)), 1);
        assertModernClientHello();
        assertTrue(client.parser.done());
    }

    @Test
    void largeHelloSplitOverRecordsAndSegments() {
        byte[] message = TlsBytes.clientHello().sni("big.example").padding(20_000).supportedVersions(0x0304).message();
        client.sendInPieces(TlsBytes.inRecords(TLS10, message, 16384), 1460);
        assertEquals("big.example", record.sni);
        assertEquals(List.of(0x0304), record.clientSupportedVersions);
    }

    @Test
    void twoHandshakeMessagesInOneRecord() {
        byte[] serverHello = TlsBytes.serverHello().cipherSuite(0xc030).message();
        byte[] certificate = TlsBytes.handshake(11, new byte[300]);
        byte[] done = TlsBytes.handshake(14, new byte[0]);
        server.send(TlsBytes.record(22, TLS12, concat(serverHello, certificate, done)));
        assertTrue(record.serverHelloSeen);
        assertEquals(0xc030, record.cipherSuite);
        assertEquals(TlsStreamParser.Role.SERVER, server.parser.role());
    }

    @Test
    void serverFlightAfterTheHelloIsSteppedOverWithoutHoldingIt() {
        byte[] flight = concat(TlsBytes.serverHello().message(), TlsBytes.handshake(11, new byte[30_000]));
        server.sendInPieces(TlsBytes.inRecords(TLS12, flight, 16384), 1000);
        assertTrue(record.serverHelloSeen);
        assertTrue(server.stream.available() < 1000, "record bodies after the hello are skipped, not buffered");
        server.send(TlsBytes.changeCipherSpec(TLS12));
        assertTrue(server.parser.done());
        assertFalse(server.stream.overflowed());
    }

    @Test
    void plaintextPreambleBeforeTheHelloIsSkipped() {
        // STARTTLS: SMTP commands in clear, then TLS on the same connection
        byte[] preamble = TlsBytes.ascii("EHLO client.example\r\nSTARTTLS\r\n");
        client.sendInPieces(concat(preamble, modernHello()), 7);
        assertModernClientHello();
    }

    @Test
    void falseStartsInThePreambleDoNotHideTheHello() {
        // 0x16 0x03 in the preamble looks like the start of a record but is no hello
        byte[] junk = {0x16, 0x03, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00, 0x0c, 0x03, 0x03, 0x16, 0x03, 0x01, 0x41};
        client.send(concat(TlsBytes.ascii("PREAMBLE "), junk, TlsBytes.ascii(" more text\n"), modernHello()));
        assertModernClientHello();
    }

    @Test
    void falseStartThatLooksLikeAFragmentedHelloDoesNotSpoilTheRealOne() {
        // A preamble byte run that passes the hello signature and whose record claims a longer
        // handshake message, followed by bytes that are no record: the parser must drop what it
        // buffered of that "message" before it searches on.
        byte[] fake = {0x16, 0x03, 0x01, 0x00, 0x06, 0x01, 0x00, 0x00, 0x40, 0x03, 0x03};
        client.send(concat(TlsBytes.ascii("x"), fake, TlsBytes.ascii("-- not a record --\r\n"), modernHello()));
        assertModernClientHello();
    }

    @Test
    void aNonTlsStreamIsGivenUpAfterTheScanLimit() {
        ConnectionRecord r = new ConnectionRecord();
        Side http = new Side(r, 4096);
        byte[] request = TlsBytes.ascii("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
        for (int i = 0; i < 200 && !http.parser.done(); i++) http.send(request);
        assertTrue(http.parser.done());
        assertFalse(r.clientHelloSeen);
        assertFalse(r.serverHelloSeen);
        assertEquals(TlsStreamParser.Role.UNKNOWN, http.parser.role());
        assertTrue(http.stream.available() < 16, "a non-TLS stream is not buffered while it is scanned");
    }

    @Test
    void aHelloBeyondTheScanLimitIsNotLookedFor() {
        ConnectionRecord r = new ConnectionRecord();
        Side side = new Side(r, 100);
        side.send(new byte[200]);
        side.send(modernHello());
        assertTrue(side.parser.done());
        assertFalse(r.clientHelloSeen);
    }

    @Test
    void nonTlsStreamIsNotReportedAsTls() {
        ConnectionRecord r = new ConnectionRecord();
        Side http = new Side(r, 1024);
        http.send(TlsBytes.ascii("GET / HTTP/1.1\r\n".repeat(100)));
        assertTrue(http.parser.done());
        assertFalse(http.parser.sawTls(), "giving up on a plaintext stream is not seeing TLS");
    }

    // ---------------------------------------------------------------- lies

    @Test
    void helloWithLyingSessionIdIsRejectedWithoutException() {
        client.send(TlsBytes.clientHello().sessionId(new byte[33]).record());
        assertFalse(record.clientHelloSeen);
        assertNull(record.sni);
    }

    @Test
    void handshakeLengthBeyondTheRecordWaitsForMoreRecordsThenGivesUp() {
        byte[] message = TlsBytes.clientHello().sni("example.com").message();
        byte[] lying = message.clone();
        lying[3] += 10; // the message claims 10 bytes more than its record carries
        client.send(TlsBytes.record(22, TLS10, lying));
        assertFalse(record.clientHelloSeen);
        client.send(TlsBytes.changeCipherSpec(TLS12));
        assertFalse(record.clientHelloSeen);
        assertTrue(client.parser.done());
    }

    @Test
    void handshakeLengthAboveAnyHelloIsRejected() {
        byte[] message = TlsBytes.clientHello().message();
        message[1] = 0x7f; // 8 MB
        client.send(TlsBytes.record(22, TLS10, message));
        client.send(TlsBytes.record(22, TLS10, new byte[100]));
        assertFalse(record.clientHelloSeen);
    }

    @Test
    void recordLongerThanTlsAllowsIsNotTls() {
        byte[] hello = modernHello();
        hello[3] = (byte) 0x48; // record length 0x48xx > 2^14 + 2048
        client.send(hello);
        assertFalse(record.clientHelloSeen);
    }

    @Test
    void helloWhoseLengthsLieIsCountedAndTheSearchGoesOn() {
        byte[] body = TlsBytes.clientHello().sni("liar.example").body();
        body[34] = (byte) 0xff; // session id length 255
        client.send(TlsBytes.record(22, 0x0301, TlsBytes.handshake(1, body)));
        assertFalse(record.clientHelloSeen);
        assertTrue(client.parser.malformed());
        assertFalse(client.parser.done(), "a later honest hello is still read");
        client.send(modernHello());
        assertModernClientHello();
    }

    @Test
    void falseStartOfTheSearchIsNotDamage() {
        byte[] hello = modernHello();
        hello[3] = (byte) 0x48; // record length beyond what TLS allows: not a record at all
        client.send(hello);
        assertFalse(client.parser.malformed());
    }

    @Test
    void malformedRecordAfterTheHelloEndsTheDirection() {
        client.send(modernHello());
        client.send(new byte[] {0x16, 0x09, 0x09, 0, 1, 0});
        assertTrue(client.parser.malformed());
        assertTrue(client.parser.done());
        assertModernClientHello();
    }

    // ---------------------------------------------------------------- server side, alerts, end of clear text

    @Test
    void helloRetryRequestIsFlaggedAndTheLaterServerHelloIgnored() {
        server.send(TlsBytes.serverHello().helloRetryRequest().cipherSuite(0x1302).selectedVersion(0x0304).record());
        server.send(TlsBytes.serverHello().cipherSuite(0x1301).selectedVersion(0x0304).record());
        assertTrue(record.helloRetryRequest);
        assertEquals(0x1302, record.cipherSuite, "the first ServerHello is the one recorded");
        assertEquals(0x0304, record.negotiatedVersion);
    }

    @Test
    void clearAlertAfterTheServerHelloIsRecorded() {
        server.send(concat(TlsBytes.serverHello().record(), TlsBytes.alert(TLS12, 2, 40)));
        assertEquals(List.of(40), record.alerts);
        assertFalse(server.parser.done());
    }

    @Test
    void alertAsTheFirstRecordIsRecorded() {
        // a server refusing the ClientHello answers with an alert and no hello
        server.send(TlsBytes.alert(TLS10, 2, 70));
        assertEquals(List.of(70), record.alerts);
        assertTrue(server.parser.sawTls());
        assertFalse(record.serverHelloSeen);
    }

    @Test
    void encryptedLookingAlertIsNotRecorded() {
        byte[] body = new byte[26]; // 2 bytes of alert + explicit nonce + AEAD tag
        body[0] = 1;
        body[1] = 0;
        server.send(concat(TlsBytes.serverHello().record(), TlsBytes.record(21, TLS12, body), TlsBytes.alert(TLS12, 1, 0)));
        assertEquals(List.of(0), record.alerts, "only the 2-byte clear alert counts");
    }

    @Test
    void alertWithAnInvalidLevelIsNotRecorded() {
        server.send(concat(TlsBytes.serverHello().record(), TlsBytes.record(21, TLS12, new byte[] {7, 40})));
        assertEquals(List.of(), record.alerts);
    }

    @Test
    void nothingIsReadAfterChangeCipherSpec() {
        server.send(concat(TlsBytes.serverHello().record(), TlsBytes.changeCipherSpec(TLS12),
                TlsBytes.alert(TLS12, 2, 20)));
        assertTrue(server.parser.done());
        assertEquals(List.of(), record.alerts, "after CCS the alert bytes are ciphertext");
    }

    @Test
    void applicationDataEndsTheDirection() {
        server.send(TlsBytes.serverHello().selectedVersion(0x0304).record());
        server.send(TlsBytes.applicationData(TLS12, 50));
        assertTrue(server.parser.done());
        assertEquals(0x0304, record.negotiatedVersion);
    }

    @Test
    void bothDirectionsFillOneRecord() {
        client.send(modernHello());
        server.send(TlsBytes.serverHello().selectedVersion(0x0304).cipherSuite(0x1301).record());
        assertModernClientHello();
        assertEquals(0x0304, record.negotiatedVersion);
        assertEquals(TlsStreamParser.Role.SERVER, server.parser.role());
    }

    // ---------------------------------------------------------------- SSLv2

    @Test
    void sslv2ClientHello() {
        client.send(TlsBytes.sslv2ClientHello(0x0002));
        assertTrue(record.clientHelloSeen);
        assertEquals(TlsVersion.SSL2, record.clientHelloVersion);
        assertEquals(TlsVersion.SSL2, record.recordVersion);
        assertEquals(TlsVersion.SSL2, record.clientMaxVersion());
        assertEquals(TlsStreamParser.Role.CLIENT, client.parser.role());
        assertTrue(client.parser.done(), "SSLv2 continues encrypted");
    }

    @Test
    void sslv2CompatibleHelloAnnouncingTls() {
        client.sendInPieces(TlsBytes.sslv2ClientHello(TLS10), 2);
        assertTrue(record.clientHelloSeen);
        assertEquals(TLS10, record.clientHelloVersion);
        assertEquals(TlsVersion.SSL2, record.recordVersion, "carried by an SSLv2 record");
        assertFalse(client.parser.done(), "TLS records follow");
        client.send(TlsBytes.record(22, TLS10, TlsBytes.handshake(16, new byte[130])));
        client.send(TlsBytes.changeCipherSpec(TLS10));
        assertTrue(client.parser.done());
        assertFalse(client.parser.malformed());
    }

    @Test
    void sslv2ServerHello() {
        server.send(TlsBytes.sslv2ServerHello());
        assertTrue(record.serverHelloSeen);
        assertEquals(TlsVersion.SSL2, record.serverHelloVersion);
        assertEquals(TlsVersion.SSL2, record.negotiatedVersion);
        assertEquals(TlsStreamParser.Role.SERVER, server.parser.role());
    }

    @Test
    void sslv2HeaderWithUnknownVersionIsNotTaken() {
        client.send(TlsBytes.sslv2ClientHello(0x0505));
        assertFalse(record.clientHelloSeen);
    }
}
