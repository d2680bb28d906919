package io.tlscensus.tls;

import java.nio.charset.StandardCharsets;

/**
 * Parses a ClientHello handshake body (RFC 8446 4.1.2, RFC 5246 7.4.1.2) into a record. Every
 * length is checked against the bytes that are really there: a hello whose lengths lie is
 * rejected as a whole rather than half-read.
 */
public final class ClientHello {
    static final int EXT_SERVER_NAME = 0;
    static final int EXT_ALPN = 16;
    static final int EXT_SUPPORTED_VERSIONS = 43;
    static final int EXT_SUPPORTED_GROUPS = 10;
    static final int EXT_EC_POINT_FORMATS = 11;
    static final int EXT_SIGNATURE_ALGORITHMS = 13;

    private ClientHello() {
    }

    /** @return false when the body is malformed (the record is then left without client fields). */
    public static boolean parse(byte[] b, int off, int len, ConnectionRecord out) {
        return parse(b, off, len, out, false);
    }

    /** @param dtls the body is a DTLS ClientHello, which has a cookie after the session id (RFC 6347 4.2.1) */
    public static boolean parse(byte[] b, int off, int len, ConnectionRecord out, boolean dtls) {
        int end = off + len;
        int p = off;
        if (len < 2 + 32 + 1) return false;
        int version = u16(b, p);
        p += 2 + 32;
        int sessionIdLength = b[p] & 0xff;
        if (sessionIdLength > 32) return false;
        p += 1 + sessionIdLength;
        if (dtls) {
            if (p + 1 > end) return false;
            p += 1 + (b[p] & 0xff);
        }
        if (p + 2 > end) return false;
        int cipherSuitesLength = u16(b, p);
        if ((cipherSuitesLength & 1) != 0 || cipherSuitesLength == 0) return false;
        int ciphersStart = p + 2;
        boolean fallbackScsv = false; // TLS_FALLBACK_SCSV (RFC 7507), for the readiness report
        for (int i = p + 2; i + 1 < p + 2 + cipherSuitesLength && i + 1 < end; i += 2) fallbackScsv |= u16(b, i) == 0x5600;
        p += 2 + cipherSuitesLength;
        if (p + 1 > end) return false;
        int compressionLength = b[p] & 0xff;
        p += 1 + compressionLength;
        if (p > end) return false;
        String sni = null;
        boolean damaged = false;
        int versionsStart = -1, versionsLength = 0, alpnStart = -1, alpnLength = 0;
        // Fingerprint inputs: where the extensions and the lists JA3/JA4 read are.
        int extensionsStart = -1, extensionCount = 0, flags = 0;
        int groups = -1, groupsLength = 0, pointFormats = -1, pointFormatsLength = 0, signatures = -1, signaturesLength = 0;
        if (p + 2 <= end) {
            int extensionsEnd = p + 2 + u16(b, p);
            if (extensionsEnd > end) return false;
            p += 2;
            extensionsStart = p;
            while (p + 4 <= extensionsEnd) {
                int type = u16(b, p);
                int extLength = u16(b, p + 2);
                int data = p + 4;
                if (data + extLength > extensionsEnd) return false;
                extensionCount++;
                if (type == EXT_SERVER_NAME) flags |= Fingerprints.SNI_PRESENT;
                if (type == EXT_SUPPORTED_GROUPS && groups < 0 && extLength >= 2) {
                    groups = data + 2;
                    groupsLength = Math.min(u16(b, data), extLength - 2) & ~1;
                } else if (type == EXT_EC_POINT_FORMATS && pointFormats < 0 && extLength >= 1) {
                    pointFormats = data + 1;
                    pointFormatsLength = Math.min(b[data] & 0xff, extLength - 1);
                } else if (type == EXT_SIGNATURE_ALGORITHMS && signatures < 0 && extLength >= 2) {
                    signatures = data + 2;
                    signaturesLength = Math.min(u16(b, data), extLength - 2) & ~1;
                }
                if (type == EXT_SERVER_NAME && sni == null && !damaged) {
                    // A list length that disagrees with the extension is a lie, but a name that fits
                    // in both is still read: the connection keeps its SNI, the hello counts as malformed.
                    damaged = extLength >= 2 && u16(b, data) != extLength - 2;
                    long name = serverName(b, data, extLength);
                    if (name < 0) damaged = true;
                    else if (name > 0) sni = new String(b, (int) (name >>> 32), (int) name, StandardCharsets.UTF_8);
                } else if (type == EXT_SUPPORTED_VERSIONS && extLength >= 1) {
                    versionsLength = b[data] & 0xff;
                    if (1 + versionsLength > extLength || (versionsLength & 1) != 0) return false;
                    versionsStart = data + 1;
                } else if (type == EXT_ALPN && alpnStart < 0 && extLength >= 2) {
                    flags |= Fingerprints.ALPN_PRESENT;
                    alpnLength = Math.min(u16(b, data), extLength - 2);
                    alpnStart = data + 2;
                }
                p = data + extLength;
            }
        }
        out.clientHelloSeen = true;
        out.clientHelloVersion = version;
        out.sni = sni;
        out.clientHelloDamaged = damaged;
        out.fallbackScsv = fallbackScsv;
        for (int i = 0; i < versionsLength; i += 2) {
            int v = u16(b, versionsStart + i);
            if (!TlsVersion.isGrease(v)) out.clientSupportedVersions.add(v);
        }
        for (int q = alpnStart, alpnEnd = alpnStart + alpnLength; alpnStart >= 0 && q < alpnEnd; ) {
            int n = b[q] & 0xff;
            if (q + 1 + n > alpnEnd) break;
            out.alpn.add(new String(b, q + 1, n, StandardCharsets.UTF_8));
            q += 1 + n;
        }
        out.clientFingerprint = fingerprintInputs(b, version, flags, ciphersStart, cipherSuitesLength,
                extensionsStart, extensionCount, alpnStart, alpnLength, groups, groupsLength,
                pointFormats, pointFormatsLength, signatures, signaturesLength);
        return true;
    }

    /**
     * The values JA3 and JA4 need, GREASE removed, in one array laid out as {@link Fingerprints}
     * describes (sized for the values before GREASE removal; the counts say how many are used).
     */
    private static char[] fingerprintInputs(byte[] b, int version, int flags, int ciphers, int ciphersLength,
            int extensions, int extensionCount, int alpn, int alpnLength, int groups, int groupsLength,
            int pointFormats, int pointFormatsLength, int signatures, int signaturesLength) {
        char[] f = new char[Fingerprints.CLIENT_LISTS + 5 + ciphersLength / 2 + extensionCount
                + groupsLength / 2 + pointFormatsLength + signaturesLength / 2];
        f[Fingerprints.VERSION] = (char) version;
        f[Fingerprints.FLAGS] = (char) flags;
        if (alpn >= 0 && alpnLength >= 1) {
            int n = Math.min(b[alpn] & 0xff, alpnLength - 1);
            if (n > 0) {
                f[Fingerprints.ALPN_LENGTH] = (char) n;
                f[Fingerprints.ALPN_FIRST] = (char) (b[alpn + 1] & 0xff);
                f[Fingerprints.ALPN_LAST] = (char) (b[alpn + n] & 0xff);
            }
        }
        int p = Fingerprints.CLIENT_LISTS;
        p = u16List(b, ciphers, ciphersLength, f, p);
        int count = p++;
        for (int q = extensions, i = 0; i < extensionCount; i++) {
            int type = u16(b, q);
            if (!TlsVersion.isGrease(type)) {
                f[p++] = (char) type;
                f[count]++;
            }
            q += 4 + u16(b, q + 2);
        }
        p = u16List(b, groups, groupsLength, f, p);
        count = p++;
        for (int i = 0; i < pointFormatsLength; i++) {
            f[p++] = (char) (b[pointFormats + i] & 0xff);
            f[count]++;
        }
        u16List(b, signatures, signaturesLength, f, p);
        return f;
    }

    /** Appends a counted list of the non-GREASE 16-bit values at b[off, off+len) to f at p. */
    private static int u16List(byte[] b, int off, int len, char[] f, int p) {
        int count = p++;
        for (int i = 0; i < len; i += 2) {
            int v = u16(b, off + i);
            if (!TlsVersion.isGrease(v)) {
                f[p++] = (char) v;
                f[count]++;
            }
        }
        return p;
    }

    /**
     * First host_name entry of a server_name extension (RFC 6066 3): its offset in the high and its
     * length in the low 32 bits, 0 when there is none, -1 when a name is longer than the list.
     */
    private static long serverName(byte[] b, int off, int len) {
        if (len < 2) return 0;
        int end = off + Math.min(len, 2 + u16(b, off));
        int p = off + 2;
        while (p + 3 <= end) {
            int type = b[p] & 0xff;
            int n = u16(b, p + 1);
            if (p + 3 + n > end) return -1;
            if (type == 0) return ((long) (p + 3) << 32) | n;
            p += 3 + n;
        }
        return 0;
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }
}
