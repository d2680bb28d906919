package io.tlscensus.tls;

/**
 * Follows one direction of a TCP stream at the TLS record layer until its first hello is parsed
 * and the direction turns to ciphertext (ChangeCipherSpec or application data). TLS is found by
 * content, not by port: the parser looks for the start of a hello anywhere in the first bytes,
 * which also finds TLS after a STARTTLS-style upgrade.
 *
 * <p>The caller hands it the bytes it has in order; {@link #parse} returns how many bytes of the
 * stream to drop from the front, possibly more than it was given (a record body to step over).
 */
public final class TlsStreamParser {
    public enum Role { UNKNOWN, CLIENT, SERVER }

    /** Role.values() copies its array on every call; unparking reads a role per packet. */
    private static final Role[] ROLES = Role.values();

    /** RFC 8446 5.2: no record may be longer than 2^14 + 256 (TLS 1.3) or + 2048 (TLS 1.2). */
    public static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;
    private static final int MAX_HANDSHAKE_MESSAGE = 1 << 16;
    private static final int SIGNATURE_LENGTH = 11;

    private static final int DETECT = 0;
    private static final int RECORDS = 1;
    private static final int DONE = 2;

    private final ConnectionRecord record;
    private final int scanLimit;
    private int state = DETECT;
    private Role role = Role.UNKNOWN;
    private boolean helloParsed;
    private boolean alertSeen;
    private boolean malformed;
    private long scanned;
    private byte[] handshake;
    private int handshakeLength;

    /**
     * @param record    the connection both directions of the flow fill in
     * @param scanLimit bytes to search for the start of TLS before deciding the stream is not TLS
     */
    public TlsStreamParser(ConnectionRecord record, int scanLimit) {
        this.record = record;
        this.scanLimit = scanLimit;
    }

    public Role role() {
        return role;
    }

    /** True when nothing more can be learnt from this direction. */
    public boolean done() {
        return state == DONE;
    }

    /** True when this direction carried TLS records (hello or alert). */
    public boolean sawTls() {
        return helloParsed || alertSeen;
    }

    /**
     * True when a record or hello announced by this direction turned out to be malformed: a record
     * after the hello that is not TLS, a hello whose lengths lie (rejected whole; the search goes
     * on after it), or a hello read in part ({@link ConnectionRecord#clientHelloDamaged}).
     */
    public boolean malformed() {
        return malformed;
    }

    /** The stream ended or can no longer be followed (gap, limit). */
    public void finish() {
        state = DONE;
        handshake = null;
    }

    public long parse(byte[] b, int off, int len) {
        long drop = 0;
        while (state != DONE) {
            int before = state;
            long n = state == DETECT ? detect(b, off, len) : nextRecord(b, off, len);
            if (n == 0 && state == before) break;
            drop += n;
            if (n >= len) break;
            off += (int) n;
            len -= (int) n;
        }
        return drop;
    }

    /** Looks for the first byte of TLS; returns bytes that cannot be part of it. */
    private long detect(byte[] b, int off, int len) {
        if (scanned == 0 && len >= 3) {
            long v2 = sslv2(b, off, len);
            if (v2 >= 0) return v2;
            if (len >= 7 && isClearAlert(b, off)) {
                state = RECORDS; // a server refusing the hello outright answers with an alert
                return 0;
            }
        }
        int end = off + len;
        for (int i = off; i + SIGNATURE_LENGTH <= end; i++) {
            if (b[i] == 0x16 && isHelloStart(b, i)) {
                state = RECORDS;
                scanned += i - off;
                return i - off;
            }
        }
        int keep = Math.min(len, SIGNATURE_LENGTH - 1);
        scanned += len - keep;
        if (scanned >= scanLimit) {
            finish();
            return len;
        }
        return len - keep;
    }

    /** 16 03 0x LL LL 01|02 LL LL LL 03|7f: a handshake record starting with a hello. */
    private static boolean isHelloStart(byte[] b, int i) {
        int type = b[i + 5];
        int helloMajor = b[i + 9] & 0xff;
        return b[i + 1] == 3 && (b[i + 2] & 0xff) <= 4 && (type == 1 || type == 2)
                && (helloMajor == 3 || helloMajor == 0x7f) && b[i + 6] == 0;
    }

    private static boolean isClearAlert(byte[] b, int i) {
        return b[i] == 0x15 && b[i + 1] == 3 && (b[i + 2] & 0xff) <= 4 && b[i + 3] == 0 && b[i + 4] == 2
                && (b[i + 5] == 1 || b[i + 5] == 2);
    }

    private long nextRecord(byte[] b, int off, int len) {
        if (len < 5) return 0;
        int type = b[off] & 0xff;
        int major = b[off + 1] & 0xff;
        int minor = b[off + 2] & 0xff;
        int length = ClientHello.u16(b, off + 3);
        if (type < 20 || type > 24 || major != 3 || minor > 4 || length > MAX_RECORD_LENGTH) {
            return badRecord();
        }
        switch (type) {
            case 22:
                if (helloParsed) return 5L + length;
                if (len < 5 + length) return 0;
                if (!handshakeRecord(b, off + 5, length, (major << 8) | minor)) {
                    // The record was whole and announced a hello, but the hello's own lengths lie:
                    // damage to count, unlike a false start of the search, which badRecord skips.
                    malformed = true;
                    return badRecord();
                }
                return 5L + length;
            case 21:
                if (length > 2 * 8 || (length & 1) != 0) return 5L + length; // encrypted
                if (len < 5 + length) return 0;
                clearAlerts(b, off + 5, length);
                return 5L + length;
            case 20:
            case 23:
                // From here on this direction is ciphertext: nothing more to read in clear.
                finish();
                return len;
            default:
                return 5L + length;
        }
    }

    private long badRecord() {
        // Whatever was buffered of a handshake message belonged to the bad record's run.
        handshake = null;
        handshakeLength = 0;
        if (!helloParsed) {
            // A false start found by the search: keep searching after it.
            state = DETECT;
            return 1;
        }
        malformed = true;
        finish();
        return Long.MAX_VALUE / 2;
    }

    private void clearAlerts(byte[] b, int off, int length) {
        for (int i = 0; i < length; i += 2) {
            int level = b[off + i];
            if (level != 1 && level != 2) return;
        }
        for (int i = 0; i < length; i += 2) record.alerts.add(b[off + i + 1] & 0xff);
        alertSeen = true;
    }

    /** Appends a handshake record's payload and parses the messages it completes. */
    private boolean handshakeRecord(byte[] b, int off, int length, int recordVersion) {
        if (handshakeLength == 0 && length >= 4 && 4 + u24(b, off + 1) <= length) {
            return handshakeMessage(b, off, length, recordVersion); // whole message in one record: no copy
        }
        if (handshake == null) handshake = new byte[Math.max(length, 1024)];
        if (handshakeLength + length > handshake.length) {
            if (handshakeLength + length > MAX_HANDSHAKE_MESSAGE + 4) return false;
            handshake = java.util.Arrays.copyOf(handshake, Math.max(handshakeLength + length, handshake.length * 2));
        }
        System.arraycopy(b, off, handshake, handshakeLength, length);
        handshakeLength += length;
        if (handshakeLength < 4) return true;
        int messageLength = u24(handshake, 1);
        if (messageLength > MAX_HANDSHAKE_MESSAGE) return false;
        if (4 + messageLength > handshakeLength) return true; // continues in the next record
        boolean ok = handshakeMessage(handshake, 0, handshakeLength, recordVersion);
        handshake = null;
        handshakeLength = 0;
        return ok;
    }

    private boolean handshakeMessage(byte[] b, int off, int available, int recordVersion) {
        int type = b[off] & 0xff;
        int length = u24(b, off + 1);
        if (length > available - 4) return false;
        if (type == 1 && !record.clientHelloSeen) {
            if (!ClientHello.parse(b, off + 4, length, record)) return false;
            if (record.clientHelloDamaged) malformed = true;
            record.recordVersion = recordVersion;
            role = Role.CLIENT;
        } else if (type == 2 && !record.serverHelloSeen) {
            if (!ServerHello.parse(b, off + 4, length, record)) return false;
            role = Role.SERVER;
        } else if (type != 1 && type != 2) {
            return false; // the first message of a direction is a hello
        }
        helloParsed = true;
        handshake = null;
        return true;
    }

    /**
     * SSLv2 record with a two-byte header (RFC 6101 E, draft-hickman): CLIENT-HELLO, also the
     * SSLv2-compatible form that announces SSLv3/TLS, or SERVER-HELLO.
     *
     * @return -1 when the stream does not start with one, 0 to wait for more bytes, else bytes used
     */
    private long sslv2(byte[] b, int off, int len) {
        if ((b[off] & 0x80) == 0) return -1;
        int length = ((b[off] & 0x7f) << 8) | (b[off + 1] & 0xff);
        int type = b[off + 2];
        if (type == 1 && length >= 9) {
            if (len < 5) return 0;
            int version = ClientHello.u16(b, off + 3);
            if (version != TlsVersion.SSL2 && (version < TlsVersion.SSL3 || version > TlsVersion.TLS13)) return -1;
            if (len < 2 + length) return 0;
            int cipherSpecLength = ClientHello.u16(b, off + 5);
            int sessionIdLength = ClientHello.u16(b, off + 7);
            int challengeLength = ClientHello.u16(b, off + 9);
            if (9 + cipherSpecLength + sessionIdLength + challengeLength > length || cipherSpecLength % 3 != 0) {
                return -1;
            }
            if (!record.clientHelloSeen) {
                record.clientHelloSeen = true;
                record.clientHelloVersion = version;
                record.recordVersion = TlsVersion.SSL2;
                role = Role.CLIENT;
            }
            helloParsed = true;
            if (version == TlsVersion.SSL2) {
                finish(); // SSLv2 goes on encrypted
                return len;
            }
            state = RECORDS; // an SSLv2-compatible hello is followed by SSLv3/TLS records
            return 2L + length;
        }
        if (type == 4 && length >= 11) {
            if (len < 7) return 0;
            int version = ClientHello.u16(b, off + 5);
            if (version != TlsVersion.SSL2) return -1;
            if (!record.serverHelloSeen) {
                record.serverHelloSeen = true;
                record.serverHelloVersion = version;
                record.negotiatedVersion = version;
                role = Role.SERVER;
            }
            helloParsed = true;
            finish();
            return len;
        }
        return -1;
    }

    // Parking: a handshake waiting for its peer keeps its parsers' state in a long each, not in
    // objects (engine.Handshakes); every field above that changes while parsing must be in it.

    /** True when no part of a handshake message is buffered: then {@link #park} holds the whole state. */
    public boolean canPark() {
        return handshake == null && scanned < Integer.MAX_VALUE;
    }

    /** The state in bits 0-7 and 32-63 (bits 8-31 are left to the caller); see {@link #unpark}. */
    public long park() {
        return state | role.ordinal() << 2 | (helloParsed ? 1 << 4 : 0) | (alertSeen ? 1 << 5 : 0)
                | (malformed ? 1 << 6 : 0) | scanned << 32;
    }

    /** A parser in the state that {@link #park} gave, filling {@code record}. */
    public static TlsStreamParser unpark(ConnectionRecord record, int scanLimit, long parked) {
        TlsStreamParser p = new TlsStreamParser(record, scanLimit);
        p.state = (int) parked & 3;
        p.role = ROLES[(int) parked >>> 2 & 3];
        p.helloParsed = (parked & 1 << 4) != 0;
        p.alertSeen = (parked & 1 << 5) != 0;
        p.malformed = (parked & 1 << 6) != 0;
        p.scanned = parked >>> 32;
        return p;
    }

    /** Role of a parked parser. */
    public static Role parkedRole(long parked) {
        return ROLES[(int) parked >>> 2 & 3];
    }

    /** Whether a parked parser is {@link #malformed}. */
    public static boolean parkedMalformed(long parked) {
        return (parked & 1 << 6) != 0;
    }

    /** Whether a parked parser is {@link #done}. */
    public static boolean parkedDone(long parked) {
        return ((int) parked & 3) == DONE;
    }

    /** Bytes of a handshake message buffered across records (memory accounting). */
    public int bufferedBytes() {
        return handshake == null ? 0 : handshake.length;
    }

    private static int u24(byte[] b, int p) {
        return ((b[p] & 0xff) << 16) | ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff);
    }
}
