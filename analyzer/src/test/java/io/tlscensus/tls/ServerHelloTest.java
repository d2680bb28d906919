package io.tlscensus.tls;

import io.tlscensus.testing.TlsBytes;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerHelloTest {
    private static ConnectionRecord parse(byte[] body) {
        ConnectionRecord r = new ConnectionRecord();
        byte[] b = TlsBytes.concat(new byte[5], body, new byte[3]); // body inside a larger buffer
        assertTrue(ServerHello.parse(b, 5, body.length, r));
        return r;
    }

    private static void assertRejected(byte[] body) {
        ConnectionRecord r = new ConnectionRecord();
        assertFalse(ServerHello.parse(body, 0, body.length, r));
        assertFalse(r.serverHelloSeen);
        assertEquals(TlsVersion.NONE, r.negotiatedVersion);
    }

    @Test
    void tls12ServerHelloNegotiatesItsVersion() {
        ConnectionRecord r = parse(TlsBytes.serverHello().version(0x0303).cipherSuite(0xc02f).body());
        assertTrue(r.serverHelloSeen);
        assertEquals(0x0303, r.serverHelloVersion);
        assertEquals(0x0303, r.negotiatedVersion);
        assertEquals(0xc02f, r.cipherSuite);
        assertFalse(r.helloRetryRequest);
    }

    @Test
    void tls10ServerHelloWithEmptySessionIdAndExtensions() {
        ConnectionRecord r = parse(TlsBytes.serverHello().version(0x0301).sessionId(new byte[0]).cipherSuite(0x002f)
                .extension(0xff01, new byte[] {0}).body());
        assertEquals(0x0301, r.negotiatedVersion);
        assertEquals(0x002f, r.cipherSuite);
    }

    @Test
    void tls13IsTakenFromSupportedVersions() {
        ConnectionRecord r = parse(TlsBytes.serverHello().cipherSuite(0x1301).selectedVersion(0x0304).body());
        assertEquals(0x0303, r.serverHelloVersion, "legacy_version stays 1.2");
        assertEquals(0x0304, r.negotiatedVersion);
        assertEquals(0x1301, r.cipherSuite);
    }

    @Test
    void lateDraftIsTakenFromSupportedVersions() {
        ConnectionRecord r = parse(TlsBytes.serverHello().cipherSuite(0x1301).selectedVersion(0x7f17).body());
        assertEquals(0x7f17, r.negotiatedVersion);
    }

    @Test
    void helloRetryRequestIsFlagged() {
        ConnectionRecord r = parse(TlsBytes.serverHello().helloRetryRequest().cipherSuite(0x1301).selectedVersion(0x0304).body());
        assertTrue(r.helloRetryRequest);
        assertEquals(0x0304, r.negotiatedVersion);
    }

    @Test
    void earlyDraftServerHelloHasNoSessionId() {
        // draft-18 (0x7f12): version, random, cipher suite, extensions
        ConnectionRecord r = parse(TlsBytes.serverHello().version(0x7f12).draftLayout().cipherSuite(0x1303)
                .extension(51, new byte[36]).body());
        assertEquals(0x7f12, r.serverHelloVersion);
        assertEquals(0x7f12, r.negotiatedVersion);
        assertEquals(0x1303, r.cipherSuite, "cipher suite read right after the random");
        ConnectionRecord bare = parse(TlsBytes.serverHello().version(0x7f10).draftLayout().cipherSuite(0x1301).body());
        assertEquals(0x7f10, bare.negotiatedVersion);
        assertEquals(0x1301, bare.cipherSuite);
    }

    @Test
    void supportedVersionsOfTheWrongLengthIsIgnored() {
        ConnectionRecord r = parse(TlsBytes.serverHello().extension(43, new byte[] {3, 4, 3, 3}).body());
        assertEquals(0x0303, r.negotiatedVersion);
    }

    @Test
    void sessionIdLongerThan32IsRejected() {
        assertRejected(TlsBytes.serverHello().sessionId(new byte[33]).body());
    }

    @Test
    void extensionBeyondTheBlockIsRejected() {
        byte[] body = TlsBytes.serverHello().selectedVersion(0x0304).body();
        body[body.length - 3] = 9; // the extension's length 2 -> 9
        assertRejected(body);
        byte[] block = TlsBytes.serverHello().selectedVersion(0x0304).body();
        assertRejected(Arrays.copyOf(block, block.length - 1));
    }

    @Test
    void everyTruncationBeforeTheCipherSuiteIsRejectedWithoutException() {
        byte[] body = TlsBytes.serverHello().selectedVersion(0x0304).body();
        int cipherEnd = 2 + 32 + 1 + 32 + 3;
        for (int n = 0; n < body.length; n++) {
            ConnectionRecord r = new ConnectionRecord();
            byte[] prefix = Arrays.copyOf(body, n);
            boolean ok = assertDoesNotThrow(() -> ServerHello.parse(prefix, 0, prefix.length, r));
            assertEquals(n == cipherEnd || n == cipherEnd + 1, ok, "prefix " + n);
        }
    }

    @Test
    void randomCorruptionNeverThrows() {
        byte[] body = TlsBytes.serverHello().selectedVersion(0x0304).extension(51, new byte[36]).body();
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = body.clone();
            for (int k = random.nextInt(4); k >= 0; k--) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            int len = random.nextInt(4) == 0 ? random.nextInt(b.length + 1) : b.length;
            assertDoesNotThrow(() -> ServerHello.parse(b, 0, len, new ConnectionRecord()));
        }
    }
}
