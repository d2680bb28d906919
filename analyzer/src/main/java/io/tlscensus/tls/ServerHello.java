package io.tlscensus.tls;

/** Parses a ServerHello handshake body, including TLS 1.3's HelloRetryRequest form. */
public final class ServerHello {
    /** SHA-256("HelloRetryRequest"), the random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
    private static final byte[] HRR_RANDOM = {
        (byte) 0xCF, 0x21, (byte) 0xAD, 0x74, (byte) 0xE5, (byte) 0x9A, 0x61, 0x11,
        (byte) 0xBE, 0x1D, (byte) 0x8C, 0x02, 0x1E, 0x65, (byte) 0xB8, (byte) 0x91,
        (byte) 0xC2, (byte) 0xA2, 0x11, 0x16, 0x7A, (byte) 0xBB, (byte) 0x8C, 0x5E,
        0x07, (byte) 0x9E, 0x09, (byte) 0xE2, (byte) 0xC8, (byte) 0xA8, 0x33, (byte) 0x9C};

    private ServerHello() {
    }

    public static boolean parse(byte[] b, int off, int len, ConnectionRecord out) {
        int end = off + len;
        if (len < 2 + 32 + 1) return false;
        int version = ClientHello.u16(b, off);
        boolean hrr = java.util.Arrays.equals(b, off + 2, off + 34, HRR_RANDOM, 0, 32);
        int p = off + 34;
        int cipher;
        if (TlsVersion.isTls13Draft(version)) {
            // Drafts before 22 dropped session_id and compression from the ServerHello.
            if (p + 2 > end) return false;
            cipher = ClientHello.u16(b, p);
            p += 2;
        } else {
            int sessionIdLength = b[p] & 0xff;
            if (sessionIdLength > 32) return false;
            p += 1 + sessionIdLength;
            if (p + 3 > end) return false;
            cipher = ClientHello.u16(b, p);
            p += 3; // cipher suite and compression method
        }
        int selected = TlsVersion.NONE;
        int extensionsStart = -1, extensionCount = 0;
        if (p + 2 <= end) {
            int extensionsEnd = p + 2 + ClientHello.u16(b, p);
            if (extensionsEnd > end) return false;
            p += 2;
            extensionsStart = p;
            while (p + 4 <= extensionsEnd) {
                int type = ClientHello.u16(b, p);
                int extLength = ClientHello.u16(b, p + 2);
                if (p + 4 + extLength > extensionsEnd) return false;
                extensionCount++;
                if (type == ClientHello.EXT_SUPPORTED_VERSIONS && extLength == 2) {
                    selected = ClientHello.u16(b, p + 4);
                }
                p += 4 + extLength;
            }
        }
        out.serverHelloSeen = true;
        out.serverHelloVersion = version;
        out.negotiatedVersion = selected != TlsVersion.NONE ? selected : version;
        out.cipherSuite = cipher;
        out.helloRetryRequest = hrr;
        out.serverFingerprint = fingerprintInputs(b, version, cipher, extensionsStart, extensionCount);
        return true;
    }

    /** JA3S inputs laid out as {@link Fingerprints} describes: version, cipher, extension types. */
    private static char[] fingerprintInputs(byte[] b, int version, int cipher, int extensions, int extensionCount) {
        char[] f = new char[Fingerprints.SERVER_LISTS + 1 + extensionCount];
        f[Fingerprints.VERSION] = (char) version;
        f[Fingerprints.SERVER_CIPHER] = (char) cipher;
        int count = Fingerprints.SERVER_LISTS;
        for (int q = extensions, i = 0; i < extensionCount; i++) {
            int type = ClientHello.u16(b, q);
            if (!TlsVersion.isGrease(type)) f[count + 1 + f[count]++] = (char) type;
            q += 4 + ClientHello.u16(b, q + 2);
        }
        return f;
    }
}
