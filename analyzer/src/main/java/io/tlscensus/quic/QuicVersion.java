package io.tlscensus.quic;

/**
 * The QUIC versions whose Initial packets can be opened, and what differs between them: the
 * Initial salt, the HKDF label prefix, the long-header packet type bits and the Retry integrity
 * key (RFC 9001 5.2, 5.8; RFC 9369 3.2-3.3.3; draft-ietf-quic-tls-29 5.2, 5.8).
 */
final class QuicVersion {
    /** Version 0 marks a Version Negotiation packet (RFC 9000 17.2.1). */
    static final int NEGOTIATION = 0;
    static final int V1 = 0x00000001;
    static final int V2 = 0x6b3343cf;
    /** draft-ietf-quic-transport-29 .. -32 share draft-29's salt and keys. */
    static final int DRAFT_29 = 0xff00001d;
    static final int DRAFT_32 = 0xff000020;

    /** Packet types by meaning, whatever bits the version gives them. */
    static final int INITIAL = 0;
    static final int ZERO_RTT = 1;
    static final int HANDSHAKE = 2;
    static final int RETRY = 3;

    private static final byte[] SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    private static final byte[] SALT_V2 = hex("0dede3def700a6db819381be6e269dcbf9bd2ed9");
    private static final byte[] SALT_DRAFT_29 = hex("afbfec289993d24c9e9786f19c6111e04390a899");

    private static final byte[] RETRY_KEY_V1 = hex("be0c690b9f66575a1d766b54e368c84e");
    private static final byte[] RETRY_NONCE_V1 = hex("461599d35d632bf2239825bb");
    private static final byte[] RETRY_KEY_V2 = hex("8fb4b01b56ac48e260fbcbcead7ccc92");
    private static final byte[] RETRY_NONCE_V2 = hex("d86969bc2d7c6d9990efb04a");
    private static final byte[] RETRY_KEY_DRAFT_29 = hex("ccce187ed09a09d05728155a6cb96be1");
    private static final byte[] RETRY_NONCE_DRAFT_29 = hex("e54930f97f2136f0530a8c1c");

    private QuicVersion() {
    }

    /** Whether Initial keys can be derived for this version. */
    static boolean isKnown(int version) {
        return version == V1 || version == V2 || isDraft29(version);
    }

    private static boolean isDraft29(int version) {
        return version >= DRAFT_29 && version <= DRAFT_32;
    }

    static byte[] salt(int version) {
        if (version == V1) return SALT_V1;
        if (version == V2) return SALT_V2;
        if (isDraft29(version)) return SALT_DRAFT_29;
        throw new IllegalArgumentException(String.format("unknown QUIC version 0x%08x", version));
    }

    /** "quic " or, for version 2, "quicv2 " (RFC 9369 3.3.2); "tls13 " is added by HKDF-Expand-Label. */
    static String labelPrefix(int version) {
        return version == V2 ? "quicv2 " : "quic ";
    }

    /** Packet type by meaning from the two type bits of a long header's first byte. */
    static int packetType(int version, int firstByte) {
        int bits = (firstByte >>> 4) & 3;
        // Version 2 rotates the types by one: Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00.
        return version == V2 ? (bits + 3) & 3 : bits;
    }

    static byte[] retryKey(int version) {
        return version == V2 ? RETRY_KEY_V2 : isDraft29(version) ? RETRY_KEY_DRAFT_29 : RETRY_KEY_V1;
    }

    static byte[] retryNonce(int version) {
        return version == V2 ? RETRY_NONCE_V2 : isDraft29(version) ? RETRY_NONCE_DRAFT_29 : RETRY_NONCE_V1;
    }

    static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
