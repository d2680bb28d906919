package io.tlscensus.tls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * JA3/JA3S (Salesforce, BSD-3-Clause) and JA4 with its raw form JA4_r (FoxIO, BSD-3-Clause) of a
 * connection. JA4S and the other JA4+ methods are deliberately absent: they are under the FoxIO
 * License 1.1, which restricts use.
 *
 * <p>Design: the hello parsers store only the fingerprint <em>inputs</em>, GREASE (RFC 8701)
 * already removed, in one {@code char[]} per hello (one allocation per connection and direction,
 * about 2 bytes per value). The strings and digests are made here, only when a writer asks for
 * them: a summary run never pays for MD5/SHA-256, and JA4's first letter follows the record's
 * transport at output time ({@code tcp} t, {@code quic} q, {@code udp} d for DTLS).
 *
 * <p>Client layout ({@link ConnectionRecord#clientFingerprint}): [0] legacy_version,
 * [1] flags ({@link #SNI_PRESENT}, {@link #ALPN_PRESENT}), [2] length of the first ALPN value,
 * [3] its first byte, [4] its last byte, then five lists, each a count followed by the values:
 * cipher suites, extension types (both in wire order), supported_groups (10), ec_point_formats (11)
 * and signature_algorithms (13). Server layout ({@link ConnectionRecord#serverFingerprint}):
 * [0] legacy_version, [1] cipher suite, then the extension types as a counted list.
 *
 * <p>SSLv2-format hellos have no extensions and 3-byte cipher specs; neither JA3 nor JA4 define
 * them, so they get no fingerprints (tshark computes none either).
 */
public final class Fingerprints {
    static final int VERSION = 0;
    static final int FLAGS = 1;
    static final int ALPN_LENGTH = 2;
    static final int ALPN_FIRST = 3;
    static final int ALPN_LAST = 4;
    static final int CLIENT_LISTS = 5;
    static final int SERVER_CIPHER = 1;
    static final int SERVER_LISTS = 2;

    static final int SNI_PRESENT = 1;
    static final int ALPN_PRESENT = 2;

    private static final int CIPHERS = 0;
    private static final int EXTENSIONS = 1;
    private static final int GROUPS = 2;
    private static final int POINT_FORMATS = 3;
    private static final int SIGNATURE_ALGORITHMS = 4;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String EMPTY_HASH = "000000000000";

    private Fingerprints() {
    }

    /** JA3: MD5 of {@link #ja3String}, or null without a TLS-format ClientHello. */
    public static String ja3(ConnectionRecord r) {
        return r.clientFingerprint == null ? null : ofHello(r).ja3;
    }

    private static String computeJa3(ConnectionRecord r) {
        String s = ja3String(r);
        return s == null ? null : md5Hex(s);
    }

    /** SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats in decimal, '-' joined. */
    public static String ja3String(ConnectionRecord r) {
        char[] f = r.clientFingerprint;
        if (f == null) return null;
        StringBuilder sb = new StringBuilder(256).append((int) f[VERSION]);
        for (int list = CIPHERS; list <= POINT_FORMATS; list++) {
            sb.append(',');
            decimalList(sb, f, listStart(f, CLIENT_LISTS, list));
        }
        return sb.toString();
    }

    /** JA3S: MD5 of {@link #ja3sString}, or null without a TLS-format ServerHello. */
    public static String ja3s(ConnectionRecord r) {
        String s = ja3sString(r);
        return s == null ? null : md5Hex(s);
    }

    /** SSLVersion,Cipher,Extensions in decimal, '-' joined. */
    public static String ja3sString(ConnectionRecord r) {
        char[] f = r.serverFingerprint;
        if (f == null) return null;
        StringBuilder sb = new StringBuilder(64).append((int) f[VERSION]).append(',').append((int) f[SERVER_CIPHER]).append(',');
        decimalList(sb, f, SERVER_LISTS);
        return sb.toString();
    }

    /**
     * JA4: {@code a_b_c} with b and c the first 12 hex digits of the SHA-256 of JA4_r's cipher
     * part and of its extension+signature-algorithm part ({@code 000000000000} when empty).
     */
    public static String ja4(ConnectionRecord r) {
        return r.clientFingerprint == null ? null : ofHello(r).ja4;
    }

    private static String computeJa4(ConnectionRecord r) {
        String raw = ja4Raw(r);
        if (raw == null) return null;
        int first = raw.indexOf('_');
        int second = raw.indexOf('_', first + 1);
        return raw.substring(0, first + 1) + hash12(raw.substring(first + 1, second)) + '_'
                + hash12(raw.substring(second + 1));
    }

    /**
     * JA4_r: the JA4 prefix, then the cipher suites sorted, then the extension types sorted
     * without SNI (0000) and ALPN (0010), then (if any) the signature algorithms in wire order;
     * values as 4 lower-case hex digits, lists comma-joined, parts joined by '_'.
     */
    public static String ja4Raw(ConnectionRecord r) {
        char[] f = r.clientFingerprint;
        if (f == null) return null;
        int ciphers = listStart(f, CLIENT_LISTS, CIPHERS);
        int extensions = listStart(f, CLIENT_LISTS, EXTENSIONS);
        int signatures = listStart(f, CLIENT_LISTS, SIGNATURE_ALGORITHMS);
        StringBuilder sb = new StringBuilder(512);
        sb.append(transportLetter(r.transport));
        sb.append(versionCode(ja4Version(r)));
        sb.append((f[FLAGS] & SNI_PRESENT) != 0 ? 'd' : 'i');
        twoDigits(sb, f[ciphers]);
        twoDigits(sb, f[extensions]);
        alpnChars(sb, f);
        sb.append('_');
        hexList(sb, sorted(f, ciphers, false));
        sb.append('_');
        hexList(sb, sorted(f, extensions, true));
        if (f[signatures] > 0) {
            sb.append('_');
            hexList(sb, Arrays.copyOfRange(f, signatures + 1, signatures + 1 + f[signatures]));
        }
        return sb.toString();
    }

    /** t for TLS over TCP, q for QUIC, d for DTLS (transport udp). */
    static char transportLetter(String transport) {
        if ("quic".equals(transport)) return 'q';
        if ("udp".equals(transport)) return 'd';
        return 't';
    }

    /**
     * The version JA4 reports: the highest non-GREASE supported_versions value (numerically, as
     * the spec and FoxIO's implementation do, so a TLS 1.3 draft number maps to "00"; for DTLS,
     * whose numbers count down, the newest), else the hello's legacy_version.
     */
    static int ja4Version(ConnectionRecord r) {
        int best = -1;
        for (int v : r.clientSupportedVersions) {
            boolean dtls = (v & 0xff00) == 0xfe00;
            if (best < 0 || (dtls ? v < best : v > best)) best = v;
        }
        return best >= 0 ? best : r.clientFingerprint[VERSION];
    }

    static String versionCode(int version) {
        switch (version) {
            case TlsVersion.TLS13: return "13";
            case TlsVersion.TLS12: return "12";
            case TlsVersion.TLS11: return "11";
            case TlsVersion.TLS10: return "10";
            case TlsVersion.SSL3: return "s3";
            case TlsVersion.SSL2: return "s2";
            case 0xfeff: return "d1";
            case 0xfefd: return "d2";
            case 0xfefc: return "d3";
            default: return "00";
        }
    }

    /**
     * First and last character of the first ALPN value; "00" when there is none or it is empty;
     * when the first or last byte is not ASCII alphanumeric, the first and last hex digit of the
     * value instead (JA4 spec: 0xAB -> "ab", 0x30 0xAB -> "3b").
     */
    private static void alpnChars(StringBuilder sb, char[] f) {
        if ((f[FLAGS] & ALPN_PRESENT) == 0 || f[ALPN_LENGTH] == 0) {
            sb.append("00");
            return;
        }
        int first = f[ALPN_FIRST];
        int last = f[ALPN_LAST];
        if (isAlphanumeric(first) && isAlphanumeric(last)) {
            sb.append((char) first).append((char) last);
        } else {
            sb.append(HEX[first >>> 4]).append(HEX[last & 0xf]);
        }
    }

    private static boolean isAlphanumeric(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static void twoDigits(StringBuilder sb, int count) {
        int n = Math.min(count, 99);
        sb.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    private static char[] sorted(char[] f, int start, boolean withoutSniAndAlpn) {
        char[] values = new char[f[start]];
        int n = 0;
        for (int i = start + 1; i <= start + f[start]; i++) {
            if (withoutSniAndAlpn && (f[i] == ClientHello.EXT_SERVER_NAME || f[i] == ClientHello.EXT_ALPN)) continue;
            values[n++] = f[i];
        }
        values = Arrays.copyOf(values, n);
        Arrays.sort(values); // unsigned 16-bit order = the order of their 4-digit hex forms
        return values;
    }

    private static void hexList(StringBuilder sb, char[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append(',');
            int v = values[i];
            sb.append(HEX[v >>> 12]).append(HEX[(v >>> 8) & 0xf]).append(HEX[(v >>> 4) & 0xf]).append(HEX[v & 0xf]);
        }
    }

    private static void decimalList(StringBuilder sb, char[] f, int start) {
        for (int i = start + 1; i <= start + f[start]; i++) {
            if (i > start + 1) sb.append('-');
            sb.append((int) f[i]);
        }
    }

    /** Index of the extension types' count in client fingerprint inputs (the types follow it). */
    public static int clientExtensionsAt(char[] clientInputs) {
        return listStart(clientInputs, CLIENT_LISTS, EXTENSIONS);
    }

    /** Index of the count of list number {@code list} in a layout whose lists begin at {@code first}. */
    private static int listStart(char[] f, int first, int list) {
        int p = first;
        for (int i = 0; i < list; i++) p += 1 + f[p];
        return p;
    }

    static String hash12(String s) {
        if (s.isEmpty()) return EMPTY_HASH;
        return remembered(SHA256_OF, "SHA-256", s, 6);
    }

    /**
     * JA3 and JA4 of the hellos this thread fingerprinted lately, by what they are made of (the
     * fingerprint inputs, the supported versions and the transport): a capture's hellos come from
     * a few client stacks, and comparing the inputs costs far less than building the strings and
     * hashing them again (~7 us a connection under C1). Bounded like the digests.
     */
    private static final ThreadLocal<Map<Hello, Hello>> HELLOS = ThreadLocal.withInitial(HashMap::new);

    private static Hello ofHello(ConnectionRecord r) {
        Map<Hello, Hello> seen = HELLOS.get();
        Hello key = new Hello(r);
        Hello known = seen.get(key);
        if (known == null) {
            if (seen.size() >= REMEMBERED) seen.clear();
            key.ja3 = computeJa3(r);
            key.ja4 = computeJa4(r);
            seen.put(key, key);
            known = key;
        }
        return known;
    }

    /** A ClientHello's fingerprint inputs as a map key, and (once computed) its JA3 and JA4. */
    private static final class Hello {
        final char[] inputs;
        final int[] versions;
        final char transport;
        final int hash;
        String ja3;
        String ja4;

        Hello(ConnectionRecord r) {
            inputs = r.clientFingerprint;
            versions = new int[r.clientSupportedVersions.size()];
            for (int i = 0; i < versions.length; i++) versions[i] = r.clientSupportedVersions.get(i);
            transport = transportLetter(r.transport);
            hash = (Arrays.hashCode(inputs) * 31 + Arrays.hashCode(versions)) * 31 + transport;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Hello)) return false;
            Hello h = (Hello) o;
            return hash == h.hash && transport == h.transport && Arrays.equals(inputs, h.inputs)
                    && Arrays.equals(versions, h.versions);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    static String md5Hex(String s) {
        return remembered(MD5_OF, "MD5", s, 16);
    }

    /**
     * Digests of the strings this thread hashed lately. A capture's hellos come from a few client
     * stacks, so the same strings are hashed over and over, and an MD5 plus two SHA-256 cost more
     * than parsing the whole connection (the launcher's C1 has no digest intrinsics). Bounded:
     * past 4096 strings a thread's memory starts over.
     */
    private static final ThreadLocal<Map<String, String>> MD5_OF = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<Map<String, String>> SHA256_OF = ThreadLocal.withInitial(HashMap::new);
    private static final int REMEMBERED = 4096;

    private static String remembered(ThreadLocal<Map<String, String>> memory, String algorithm, String s, int bytes) {
        Map<String, String> seen = memory.get();
        String hex = seen.get(s);
        if (hex == null) {
            if (seen.size() >= REMEMBERED) seen.clear();
            hex = hex(digest(algorithm, s), bytes);
            seen.put(s, hex);
        }
        return hex;
    }

    private static byte[] digest(String algorithm, String s) {
        try {
            return MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every Java platform", e);
        }
    }

    private static String hex(byte[] bytes, int count) {
        char[] out = new char[2 * count];
        for (int i = 0; i < count; i++) {
            out[2 * i] = HEX[(bytes[i] >>> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
