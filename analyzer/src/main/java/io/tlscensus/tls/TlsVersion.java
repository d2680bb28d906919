package io.tlscensus.tls;

/** Protocol version numbers as they appear on the wire, their names, and their order. */
public final class TlsVersion {
    public static final int NONE = -1;
    /** SSLv2 has no 16-bit version on the wire in TLS style; its hello carries 0x0002. */
    public static final int SSL2 = 0x0002;
    public static final int SSL3 = 0x0300;
    public static final int TLS10 = 0x0301;
    public static final int TLS11 = 0x0302;
    public static final int TLS12 = 0x0303;
    public static final int TLS13 = 0x0304;

    public static final int DTLS10 = 0xfeff;
    public static final int DTLS12 = 0xfefd;
    public static final int DTLS13 = 0xfefc;

    /** Summary buckets, in the order tables show them. */
    public static final String[] BUCKETS =
        {"SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "DTLSv1.0", "DTLSv1.2", "DTLSv1.3", "other", "none"};
    public static final int BUCKET_OTHER = 9;
    public static final int BUCKET_NONE = 10;
    /** Buckets of versions that TLS 1.2 enforcement switches off: SSLv2, SSLv3, TLS 1.0, TLS 1.1, DTLS 1.0. */
    public static final int[] LEGACY_BUCKETS = {0, 1, 2, 3, 6};

    private TlsVersion() {
    }

    /** Name as in the corpus README and Wireshark: TLSv1.2, TLSv1.3-draft23, else 0x%04x; null for NONE. */
    public static String name(int version) {
        switch (version) {
            case NONE: return null;
            case SSL2: return "SSLv2";
            case SSL3: return "SSLv3";
            case TLS10: return "TLSv1.0";
            case TLS11: return "TLSv1.1";
            case TLS12: return "TLSv1.2";
            case TLS13: return "TLSv1.3";
            case DTLS10: return "DTLSv1.0";
            case DTLS12: return "DTLSv1.2";
            case DTLS13: return "DTLSv1.3";
            default:
                if ((version & 0xff00) == 0x7f00) return "TLSv1.3-draft" + (version & 0xff);
                return String.format("0x%04x", version);
        }
    }

    /** True for TLS 1.3 drafts (0x7fNN), which count as TLS 1.3 in summaries. */
    public static boolean isTls13Draft(int version) {
        return (version & 0xff00) == 0x7f00;
    }

    /**
     * True for TLS 1.3 drafts and for the 0x7eNN variants of Google's 2017 TLS 1.3 experiment
     * (Chrome 63 offered 0x7e01 beside TLS 1.2): both are TLS 1.3 before its final number.
     */
    public static boolean isTls13Variant(int version) {
        return isTls13Draft(version) || (version & 0xff00) == 0x7e00;
    }

    /**
     * Order of versions by what they offer: SSLv2 &lt; SSLv3 &lt; ... &lt; TLS 1.2 &lt; 1.3 experiments
     * &lt; 1.3 drafts &lt; TLS 1.3.
     * Numeric order would put every draft (0x7fNN) above TLS 1.3 (0x0304).
     */
    public static int rank(int version) {
        if (version == NONE) return -1;
        if (version == SSL2) return 1;
        if (isTls13Draft(version)) return (TLS12 << 8) | 0x80 | (version & 0x7f);
        if (isTls13Variant(version)) return (TLS12 << 8) | (version & 0x7f);
        if (version >= SSL3 && version <= TLS13) return version << 8;
        // DTLS counts down (0xfeff is 1.0, 0xfefd 1.2); rank each like the TLS version it is built on.
        if (version == DTLS10) return TLS11 << 8;
        if (version == DTLS12) return TLS12 << 8;
        if (version == DTLS13) return TLS13 << 8;
        return 0; // unknown or experimental numbers rank below everything known
    }

    /** Summary bucket index into {@link #BUCKETS}. */
    public static int bucket(int version) {
        switch (version) {
            case NONE: return BUCKET_NONE;
            case SSL2: return 0;
            case SSL3: return 1;
            case TLS10: return 2;
            case TLS11: return 3;
            case TLS12: return 4;
            case TLS13: return 5;
            case DTLS10: return 6;
            case DTLS12: return 7;
            case DTLS13: return 8;
            default: return isTls13Variant(version) ? 5 : BUCKET_OTHER;
        }
    }

    /** GREASE values (RFC 8701) are 0x?a?a with both bytes equal. */
    public static boolean isGrease(int value) {
        return (value & 0x0f0f) == 0x0a0a && (value >>> 8) == (value & 0xff);
    }
}
