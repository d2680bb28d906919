package io.tlscensus.tls;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JA3/JA3S/JA4 of hellos built byte by byte so that their fields are those of the worked examples
 * published with the methods: the JA3 README (github.com/salesforce/ja3) and FoxIO's
 * technical_details/JA4.md (github.com/FoxIO-LLC/ja4). Expected values are copied from there.
 */
class FingerprintsTest {
    /** Remembered digests are the digests, also once the memory is full and starts over. */
    @Test
    void rememberedDigestsAreTheDigests() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5000; i++) {
                String s = "771," + i + ",0-10-11,29-23,0";
                byte[] md5 = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII));
                byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
                assertEquals(java.util.HexFormat.of().formatHex(md5), Fingerprints.md5Hex(s), s);
                assertEquals(java.util.HexFormat.of().formatHex(sha).substring(0, 12), Fingerprints.hash12(s), s);
            }
        }
    }

    // JA4.md "Cipher hash" and "Extension hash" examples: ciphers and extensions in wire order.
    private static final int[] JA4_CIPHERS = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
        0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    private static final int[] JA4_EXTENSIONS = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
        0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015};
    private static final int[] JA4_SIGNATURES = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
    private static final String JA4_RAW = "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"
            + "_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601";

    @Test
    void ja3ReadmeExampleWithExtensions() {
        Hello h = new Hello(0x0301, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4)
                .extension(0, serverName("example.com"))
                .extension(10, u16List(23, 24, 25))
                .extension(11, new byte[] {1, 0});
        ConnectionRecord r = h.parse();
        assertEquals("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0", Fingerprints.ja3String(r));
        assertEquals("ada70206e40642a3e4461f35503241d5", Fingerprints.ja3(r));
    }

    @Test
    void ja3ReadmeExampleWithoutExtensions() {
        ConnectionRecord r = new Hello(0x0301, 4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99).withoutExtensionBlock().parse();
        assertEquals("769,4-5-10-9-100-98-3-6-19-18-99,,,", Fingerprints.ja3String(r));
        assertEquals("de350869b8c85de67a350c8d186f11e6", Fingerprints.ja3(r));
    }

    @Test
    void greaseIsIgnoredEverywhereByJa3() {
        // The README example again, with GREASE in the ciphers, extensions and groups (as Chrome sends).
        Hello h = new Hello(0x0301, 0x0a0a, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4)
                .extension(0x1a1a, new byte[0])
                .extension(0, serverName("example.com"))
                .extension(10, u16List(0x2a2a, 23, 24, 25))
                .extension(11, new byte[] {1, 0})
                .extension(0xfafa, new byte[] {0});
        assertEquals("ada70206e40642a3e4461f35503241d5", Fingerprints.ja3(h.parse()));
    }

    @Test
    void ja4SpecExample() {
        ConnectionRecord r = ja4SpecHello(true).parse();
        assertEquals(JA4_RAW, Fingerprints.ja4Raw(r));
        assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", Fingerprints.ja4(r));
    }

    @Test
    void ja4IgnoresGreaseInCiphersExtensionsVersionsAndSignatures() {
        Hello h = ja4SpecHello(true);
        h.ciphers = prepend(0x3a3a, h.ciphers);
        h.extension(0x4a4a, new byte[0]);
        ConnectionRecord r = h.parse();
        assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", Fingerprints.ja4(r));
    }

    @Test
    void ja4WithoutSignatureAlgorithmsEndsWithoutUnderscore() {
        // JA4.md: "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01 = 6d807ffa2a79"
        // (an empty signature_algorithms list keeps 000d among the extensions).
        ConnectionRecord r = ja4SpecHello(false).parse();
        String raw = Fingerprints.ja4Raw(r);
        assertTrue(raw.endsWith("_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"), raw);
        assertEquals("t13d1516h2_8daaf6152771_6d807ffa2a79", Fingerprints.ja4(r));
    }

    @Test
    void ja4TransportLetterFollowsTheRecord() {
        ConnectionRecord r = ja4SpecHello(true).parse();
        r.transport = "quic";
        assertEquals("q13d1516h2_8daaf6152771_e5627efa2ab1", Fingerprints.ja4(r));
        r.transport = "udp";
        assertTrue(Fingerprints.ja4(r).startsWith("d13d"));
    }

    @Test
    void ja4AlpnCharactersFollowTheSpecsHexRule() {
        // JA4.md "ALPN Extension Value" examples, plus http/1.1 -> h1 and a one-character value.
        assertEquals("h1", alpnChars("http/1.1".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("hh", alpnChars(new byte[] {'h'}));
        assertEquals("ab", alpnChars(new byte[] {(byte) 0xab}));
        assertEquals("ad", alpnChars(new byte[] {(byte) 0xab, (byte) 0xcd}));
        assertEquals("3b", alpnChars(new byte[] {0x30, (byte) 0xab}));
        assertEquals("3d", alpnChars(new byte[] {0x30, 0x31, (byte) 0xab, (byte) 0xcd}));
        assertEquals("01", alpnChars(new byte[] {0x30, (byte) 0xab, (byte) 0xcd, 0x31}));
        assertEquals("00", alpnChars(new byte[0]));
    }

    @Test
    void ja4WithoutExtensionsOrRealCiphersUsesZeroHashes() {
        // Only GREASE ciphers and no extensions: both hashed parts are empty -> 000000000000.
        ConnectionRecord r = new Hello(0x0303, 0x0a0a).withoutExtensionBlock().parse();
        assertEquals("t12i000000__", Fingerprints.ja4Raw(r));
        assertEquals("t12i000000_000000000000_000000000000", Fingerprints.ja4(r));
    }

    @Test
    void ja4VersionAndCountRules() {
        int[] many = new int[120];
        for (int i = 0; i < many.length; i++) many[i] = i + 1;
        ConnectionRecord r = new Hello(0x0300, many).withoutExtensionBlock().parse();
        assertTrue(Fingerprints.ja4(r).startsWith("ts3i990000_"), Fingerprints.ja4(r));
        // A TLS 1.3 draft number is the numerically highest supported version: unknown, "00".
        r = new Hello(0x0303, 0x1301).extension(43, new byte[] {4, 0x7f, 0x17, 0x03, 0x03}).parse();
        assertTrue(Fingerprints.ja4(r).startsWith("t00i0101"), Fingerprints.ja4(r));
        r = new Hello(0x0301, 0x002f).extension(0, serverName("a.test")).parse();
        assertTrue(Fingerprints.ja4(r).startsWith("t10d0101"), Fingerprints.ja4(r));
    }

    @Test
    void ja3sOfAServerHello() {
        // Fields of a TLS 1.0 ServerHello; MD5 of the string as computed by Python's hashlib.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x03);
        body.write(0x01);
        body.writeBytes(new byte[32]);
        body.write(0); // session id
        body.writeBytes(new byte[] {0x00, 0x2f, 0x00});
        byte[] ext = extensions(new int[] {0xff01, 0, 11, 35, 5, 16}, new byte[][] {{0}, {}, {1, 0}, {}, {}, {0, 3, 2, 'h', '2'}});
        body.writeBytes(ext);
        ConnectionRecord r = new ConnectionRecord();
        byte[] b = body.toByteArray();
        assertTrue(ServerHello.parse(b, 0, b.length, r));
        assertEquals("769,47,65281-0-11-35-5-16", Fingerprints.ja3sString(r));
        assertEquals("836ce314215654b5b1f85f97c73e506f", Fingerprints.ja3s(r));
    }

    @Test
    void noHelloNoFingerprints() {
        ConnectionRecord r = new ConnectionRecord();
        assertNull(Fingerprints.ja3(r));
        assertNull(Fingerprints.ja3s(r));
        assertNull(Fingerprints.ja4(r));
        assertNull(Fingerprints.ja4Raw(r));
    }

    private static String alpnChars(byte[] firstValue) {
        byte[] list = new byte[2 + 1 + firstValue.length + 3];
        list[1] = (byte) (list.length - 2);
        list[2] = (byte) firstValue.length;
        System.arraycopy(firstValue, 0, list, 3, firstValue.length);
        list[list.length - 3] = 2; // a second value that must not matter
        list[list.length - 2] = 'h';
        list[list.length - 1] = '3';
        ConnectionRecord r = new Hello(0x0303, 0x002f).extension(16, list).parse();
        return Fingerprints.ja4(r).substring(8, 10);
    }

    /** A ClientHello with the fields of JA4.md's example (TLS 1.3 via supported_versions, SNI, ALPN h2). */
    private static Hello ja4SpecHello(boolean signatures) {
        Hello h = new Hello(0x0303, JA4_CIPHERS);
        for (int type : JA4_EXTENSIONS) {
            byte[] data;
            switch (type) {
                case 0x0000: data = serverName("example.com"); break;
                case 0x0010: data = new byte[] {0, 3, 2, 'h', '2'}; break;
                case 0x002b: data = new byte[] {4, 0x5a, 0x5a, 0x03, 0x04}; break; // GREASE, TLS 1.3
                case 0x000d: data = signatures ? u16List(prepend(0x6a6a, JA4_SIGNATURES)) : u16List(); break;
                case 0x000a: data = u16List(0x7a7a, 0x001d, 0x0017); break;
                default: data = new byte[0];
            }
            h.extension(type, data);
        }
        return h;
    }

    private static int[] prepend(int first, int[] rest) {
        int[] all = new int[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static byte[] serverName(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] d = new byte[5 + n.length];
        d[1] = (byte) (3 + n.length);
        d[4] = (byte) n.length;
        System.arraycopy(n, 0, d, 5, n.length);
        return d;
    }

    static byte[] u16List(int... values) {
        byte[] d = new byte[2 + 2 * values.length];
        d[0] = (byte) (2 * values.length >> 8);
        d[1] = (byte) (2 * values.length);
        for (int i = 0; i < values.length; i++) {
            d[2 + 2 * i] = (byte) (values[i] >> 8);
            d[3 + 2 * i] = (byte) values[i];
        }
        return d;
    }

    private static byte[] extensions(int[] types, byte[][] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < types.length; i++) {
            out.write(types[i] >> 8);
            out.write(types[i]);
            out.write(data[i].length >> 8);
            out.write(data[i].length);
            out.writeBytes(data[i]);
        }
        byte[] e = out.toByteArray();
        byte[] withLength = new byte[2 + e.length];
        withLength[0] = (byte) (e.length >> 8);
        withLength[1] = (byte) e.length;
        System.arraycopy(e, 0, withLength, 2, e.length);
        return withLength;
    }

    /** A ClientHello body: version, random, empty session id, ciphers, null compression, extensions. */
    static final class Hello {
        final int version;
        int[] ciphers;
        private final java.util.List<Integer> types = new java.util.ArrayList<>();
        private final java.util.List<byte[]> data = new java.util.ArrayList<>();
        private boolean extensionBlock = true;

        Hello(int version, int... ciphers) {
            this.version = version;
            this.ciphers = ciphers;
        }

        Hello extension(int type, byte[] d) {
            types.add(type);
            data.add(d);
            return this;
        }

        Hello withoutExtensionBlock() {
            extensionBlock = false;
            return this;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(version >> 8);
            out.write(version);
            out.writeBytes(new byte[32]);
            out.write(0);
            byte[] c = u16List(ciphers);
            out.writeBytes(c);
            out.writeBytes(new byte[] {1, 0});
            if (extensionBlock) {
                out.writeBytes(extensions(types.stream().mapToInt(Integer::intValue).toArray(), data.toArray(new byte[0][])));
            }
            return out.toByteArray();
        }

        ConnectionRecord parse() {
            byte[] b = bytes();
            ConnectionRecord r = new ConnectionRecord();
            assertTrue(ClientHello.parse(b, 0, b.length, r), "hello parses");
            return r;
        }
    }
}
