package io.tlscensus.tls;

import io.tlscensus.testing.TlsBytes;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientHelloTest {
    private static final int SHIFT = 13;

    /** Parses a body placed at a non-zero offset, as it is inside a record inside a stream buffer. */
    private static ConnectionRecord parse(byte[] body) {
        ConnectionRecord r = new ConnectionRecord();
        assertTrue(parseInto(body, r), "hello should parse");
        return r;
    }

    private static boolean parseInto(byte[] body, ConnectionRecord r) {
        byte[] b = new byte[body.length + SHIFT + 7];
        Arrays.fill(b, (byte) 0x77);
        System.arraycopy(body, 0, b, SHIFT, body.length);
        return ClientHello.parse(b, SHIFT, body.length, r);
    }

    private static void assertRejected(byte[] body) {
        ConnectionRecord r = new ConnectionRecord();
        assertFalse(parseInto(body, r));
        assertFalse(r.clientHelloSeen, "a rejected hello leaves no client fields");
        assertEquals(TlsVersion.NONE, r.clientHelloVersion);
        assertNull(r.sni);
        assertEquals(List.of(), r.clientSupportedVersions);
    }

    @Test
    void modernHelloGivesSniAlpnAndSupportedVersionsWithoutGrease() {
        byte[] body = TlsBytes.clientHello()
                .sni("www.example.com")
                .alpn("h2", "http/1.1")
                .supportedVersions(0x5a5a, 0x0304, 0x0303, 0xfafa)
                .body();
        ConnectionRecord r = parse(body);
        assertTrue(r.clientHelloSeen);
        assertEquals(0x0303, r.clientHelloVersion);
        assertEquals("www.example.com", r.sni);
        assertEquals(List.of("h2", "http/1.1"), r.alpn);
        assertEquals(List.of(0x0304, 0x0303), r.clientSupportedVersions);
        assertEquals(0x0304, r.clientMaxVersion());
    }

    @Test
    void everyGreaseValueIsDropped() {
        int[] versions = new int[17];
        for (int i = 0; i < 16; i++) versions[i] = 0x0a0a + 0x1010 * i;
        versions[16] = 0x0303;
        ConnectionRecord r = parse(TlsBytes.clientHello().supportedVersions(versions).body());
        assertEquals(List.of(0x0303), r.clientSupportedVersions);
    }

    @Test
    void helloWithoutExtensionsIsAccepted() {
        ConnectionRecord r = parse(TlsBytes.clientHello().version(0x0300).sessionId(new byte[0]).noExtensions().body());
        assertEquals(0x0300, r.clientHelloVersion);
        assertNull(r.sni);
        assertEquals(List.of(), r.alpn);
        assertEquals(0x0300, r.clientMaxVersion(), "without supported_versions the hello version is the maximum");
    }

    @Test
    void largePaddedHelloIsAccepted() {
        ConnectionRecord r = parse(TlsBytes.clientHello().sni("a.example").padding(8000).supportedVersions(0x0304).body());
        assertEquals("a.example", r.sni);
        assertEquals(List.of(0x0304), r.clientSupportedVersions);
    }

    @Test
    void firstHostNameEntryIsTheSni() {
        // server_name list: an entry of unknown type 7, then two host names
        byte[] list = TlsBytes.concat(
                new byte[] {7, 0, 3}, TlsBytes.ascii("xyz"),
                new byte[] {0, 0, 5}, TlsBytes.ascii("first"),
                new byte[] {0, 0, 6}, TlsBytes.ascii("second"));
        byte[] data = TlsBytes.concat(new byte[] {0, (byte) list.length}, list);
        assertEquals("first", parse(TlsBytes.clientHello().extension(0, data).body()).sni);
    }

    @Test
    void sniEntryThatOverrunsItsListIsIgnoredButTheHelloKept() {
        byte[] data = TlsBytes.concat(new byte[] {0, 8, 0, 0, 50}, TlsBytes.ascii("short"));
        ConnectionRecord r = parse(TlsBytes.clientHello().extension(0, data).supportedVersions(0x0304).body());
        assertNull(r.sni);
        assertEquals(List.of(0x0304), r.clientSupportedVersions);
        assertTrue(r.clientHelloDamaged, "the lie is reported");
    }

    @Test
    void sniListLongerThanItsExtensionKeepsTheNameAndIsReported() {
        byte[] name = TlsBytes.ascii("kept.example");
        byte[] data = TlsBytes.concat(new byte[] {0, 0x40, 0, 0, (byte) name.length}, name);
        ConnectionRecord r = parse(TlsBytes.clientHello().extension(0, data).supportedVersions(0x0304).body());
        assertEquals("kept.example", r.sni);
        assertTrue(r.clientHelloDamaged);
    }

    @Test
    void honestHellosAreNotDamaged() {
        assertFalse(parse(TlsBytes.clientHello().sni("a.example").alpn("h2").supportedVersions(0x0304).body()).clientHelloDamaged);
        assertFalse(parse(TlsBytes.clientHello().body()).clientHelloDamaged);
    }

    @Test
    void alpnStopsAtAnEntryThatOverrunsTheList() {
        byte[] list = TlsBytes.concat(new byte[] {2}, TlsBytes.ascii("h2"), new byte[] {40}, TlsBytes.ascii("http/1.1"));
        byte[] data = TlsBytes.concat(new byte[] {0, (byte) list.length}, list);
        assertEquals(List.of("h2"), parse(TlsBytes.clientHello().extension(16, data).body()).alpn);
    }

    @Test
    void sessionIdLongerThan32IsRejected() {
        assertRejected(TlsBytes.clientHello().sessionId(new byte[33]).body());
    }

    @Test
    void oddOrEmptyCipherSuitesAreRejected() {
        byte[] body = TlsBytes.clientHello().sessionId(new byte[0]).cipherSuites(0x1301, 0x1302).noExtensions().body();
        byte[] odd = body.clone();
        odd[2 + 32 + 1 + 1] = 3; // cipher suites length 4 -> 3
        assertRejected(odd);
        assertRejected(TlsBytes.clientHello().cipherSuites().noExtensions().body());
    }

    @Test
    void cipherSuitesBeyondTheBodyAreRejected() {
        byte[] body = TlsBytes.clientHello().sessionId(new byte[0]).cipherSuites(0x1301).noExtensions().body();
        body[2 + 32 + 1] = 1; // cipher suites length 2 -> 258
        assertRejected(body);
    }

    @Test
    void extensionLengthBeyondTheBlockIsRejected() {
        byte[] body = TlsBytes.clientHello().sni("example.org").body();
        int sniLengthField = body.length - ("example.org".length() + 5) - 2;
        body[sniLengthField] = 0x7f;
        assertRejected(body);
    }

    @Test
    void extensionsBlockLongerThanTheBodyIsRejected() {
        byte[] body = TlsBytes.clientHello().sni("example.org").body();
        assertRejected(Arrays.copyOf(body, body.length - 1));
    }

    @Test
    void supportedVersionsListThatLiesIsRejected() {
        assertRejected(TlsBytes.clientHello().extension(43, new byte[] {3, 3, 4, 3}).body()); // odd list length
        assertRejected(TlsBytes.clientHello().extension(43, new byte[] {6, 3, 4, 3, 3}).body()); // list beyond extension
    }

    @Test
    void bodyShorterThanVersionRandomAndSessionIdIsRejected() {
        assertRejected(new byte[34]);
        assertRejected(new byte[0]);
    }

    @Test
    void everyTruncationIsRejectedWithoutException() {
        byte[] body = TlsBytes.clientHello().sni("example.org").alpn("h2").supportedVersions(0x0304, 0x0303).body();
        int extensions = extensionsOffset(body);
        for (int n = 0; n < body.length; n++) {
            byte[] prefix = Arrays.copyOf(body, n);
            ConnectionRecord r = new ConnectionRecord();
            boolean ok = assertDoesNotThrow(() -> parseInto(prefix, r), "prefix " + n);
            // Only a prefix that ends where the extensions start (an extension-less hello, possibly
            // with one stray byte) is a hello; every other cut leaves a length that lies.
            assertEquals(n == extensions || n == extensions + 1, ok, "prefix " + n);
        }
    }

    /** Offset of the extensions length field in a body built with a 32-byte session id. */
    private static int extensionsOffset(byte[] body) {
        int p = 2 + 32;
        p += 1 + (body[p] & 0xff);
        p += 2 + ClientHello.u16(body, p);
        p += 1 + (body[p] & 0xff);
        return p;
    }

    @Test
    void randomCorruptionNeverThrows() {
        byte[] body = TlsBytes.clientHello().sni("example.org").alpn("h2", "http/1.1")
                .supportedVersions(0x0a0a, 0x0304, 0x0303).padding(40).body();
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = body.clone();
            for (int k = random.nextInt(4); k >= 0; k--) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            int len = random.nextInt(4) == 0 ? random.nextInt(b.length + 1) : b.length;
            assertDoesNotThrow(() -> ClientHello.parse(b, 0, len, new ConnectionRecord()));
        }
    }
}
