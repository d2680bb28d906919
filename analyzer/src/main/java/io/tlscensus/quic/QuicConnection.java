package io.tlscensus.quic;

import io.tlscensus.tls.ClientHello;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.ServerHello;
import io.tlscensus.tls.TlsStreamParser;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Follows one UDP flow as QUIC far enough to read the TLS hellos that QUIC v1 (RFC 9000/9001),
 * v2 (RFC 9369) and drafts 29-32 carry in their Initial packets, which anyone on the path can
 * decrypt: the keys derive from the client's Destination Connection ID alone.
 *
 * <p>Per datagram: long-header packets are walked one after the other (coalesced packets, RFC
 * 9000 12.2); Initial packets are opened (header protection removed, AES-128-GCM payload
 * decrypted), 0-RTT and Handshake packets stepped over by their Length field, and a short-header
 * packet ends the datagram. The CRYPTO frames of each side are reassembled by offset, across
 * packets and datagrams, in any order and with repeats; once a side's stream holds its whole first
 * handshake message, {@link ClientHello#parse} or {@link ServerHello#parse} fills the record.
 *
 * <p>Which side is the client: the sender of the first Initial packet that decrypts with the
 * client keys derived from its own Destination Connection ID. A 16-byte AEAD tag makes that
 * proof enough; the ClientHello itself need not start in that packet (Chrome scatters its
 * CRYPTO frames over several packets, the first of which may not hold offset 0). Later client
 * Initials carry the server's connection ID but keep those keys (RFC 9001 5.2). A client Initial
 * that does not open with them but does with keys from its own DCID starts a new attempt: after
 * a Retry (the DCID is the Retry's Source Connection ID), after Version Negotiation, or a new
 * connection on the same 5-tuple; the keys of both sides change and unfinished streams restart.
 * A Retry whose integrity tag (RFC 9001 5.8) verifies switches the keys at once. A server
 * Initial in another version than the client's (compatible version negotiation, RFC 9368) is
 * opened with that version's keys for the same DCID.
 *
 * <p>Failures are counted, never thrown: packets whose tag does not verify, malformed headers,
 * frames not allowed in Initial packets (which end that packet), crypto data beyond the bound.
 * After {@link #MAX_CONSECUTIVE_UNDECRYPTABLE} undecryptable Initial packets in a row the flow
 * is not worth more crypto and {@link #done()} turns true.
 *
 * <p>One instance per flow; Cipher and Mac instances and the work buffers are created on the
 * first QUIC datagram and reused. Not thread-safe.
 */
public final class QuicConnection {
    public static final int DEFAULT_CRYPTO_LIMIT = 64 * 1024;
    public static final int MAX_CONSECUTIVE_UNDECRYPTABLE = 32;
    /** RFC 9000 17.2: connection IDs of versions 1 and 2 are at most 20 bytes. */
    private static final int MAX_CID_LENGTH = 20;
    private static final int TAG_LENGTH = 16;
    private static final int SAMPLE_LENGTH = 16;
    private static final byte[] EMPTY = new byte[0];

    private static final int CLIENT = 0;
    private static final int SERVER = 1;
    private static final int PENDING = 0;
    private static final int PARSED = 1;
    private static final int FAILED = 2;

    private final ConnectionRecord record;
    private final int cryptoLimit;

    private Mac mac;
    private Cipher gcm;
    private Cipher ecb;
    private byte[] packet = EMPTY;
    private byte[] plain = EMPTY;
    private int plainLength;
    private final byte[] mask = new byte[16];
    private final byte[] nonce = new byte[12];
    private final byte[] savedPn = new byte[4];
    private long openedPn;
    private int cursor;

    /** Keys for the client's current original DCID, in the version of its Initial. */
    private InitialKeys keys;
    /** Keys for the same DCID in another version (a server answering in a compatible version). */
    private InitialKeys otherVersionKeys;
    private int clientSide = -1;
    /** Side that sent a Retry or Version Negotiation packet while the client was still unknown. */
    private int serverHintSide = -1;
    private final long[] largestPn = {-1, -1};
    private final CryptoStream[] crypto = new CryptoStream[2];
    private final int[] helloState = new int[2];
    private final boolean[] closed = new boolean[2];
    private boolean quicSeen;
    private boolean gaveUp;
    private int undecryptableInARow;

    private long initialPackets;
    private long decryptedPackets;
    private long undecryptablePackets;
    private long versionNegotiationPackets;
    private long retryPackets;
    private long malformedPackets;
    private long protocolErrors;
    private long cryptoOverflows;

    public QuicConnection(ConnectionRecord record) {
        this(record, DEFAULT_CRYPTO_LIMIT);
    }

    /** @param cryptoLimit bytes of CRYPTO stream kept per side while waiting for its hello */
    public QuicConnection(ConnectionRecord record, int cryptoLimit) {
        this.record = record;
        this.cryptoLimit = cryptoLimit;
    }

    /**
     * Cheap test whether a UDP payload starts with a QUIC long header this class understands:
     * header form and fixed bit set and version 1, 2 or draft 29-32 with connection IDs of at most
     * 20 bytes, or a Version Negotiation packet (version 0) with a non-empty list of versions.
     * Short-header packets cannot be told from random bytes and are not recognised.
     */
    public static boolean looksLikeQuic(ByteBuffer b, int off, int len) {
        if (len < 7) return false;
        int first = b.get(off) & 0xff;
        if ((first & 0x80) == 0) return false;
        int version = int32(b, off + 1);
        int dcidLength = b.get(off + 5) & 0xff;
        int scidAt = off + 6 + dcidLength;
        if (scidAt >= off + len) return false;
        int scidLength = b.get(scidAt) & 0xff;
        int rest = off + len - (scidAt + 1 + scidLength);
        if (version == QuicVersion.NEGOTIATION) {
            // The fixed bit is unused here (RFC 9000 17.2.1); the CIDs may be up to 255 bytes.
            return rest >= 4 && rest % 4 == 0;
        }
        return (first & 0x40) != 0 && QuicVersion.isKnown(version) && dcidLength <= MAX_CID_LENGTH
                && scidLength <= MAX_CID_LENGTH && rest >= 1;
    }

    /**
     * One UDP payload sent by side {@code direction} (0 or 1) of the flow; the buffer is only read
     * during the call (offsets are absolute, position and limit are ignored).
     *
     * @return false when this flow has not (yet) shown a QUIC long header: this datagram is not
     *         QUIC as far as can be told. Once it has, short-header and unparseable datagrams of
     *         the flow return true. Once {@link #done()}, datagrams are only recognised, not
     *         parsed or counted (the caller normally stops feeding the flow then).
     */
    public boolean onDatagram(ByteBuffer buf, int off, int len, int direction) {
        if (direction != 0 && direction != 1) throw new IllegalArgumentException("direction " + direction);
        if (!looksLikeQuic(buf, off, len)) return quicSeen;
        quicSeen = true;
        if (done()) return true;
        if (packet.length < len) packet = new byte[Math.max(len, 1500)];
        buf.get(off, packet, 0, len);
        int p = 0;
        while (p < len) {
            int first = packet[p] & 0xff;
            if ((first & 0x80) == 0) break; // a short header runs to the end of the datagram
            if (p + 7 > len) {
                malformedPackets++;
                break;
            }
            int version = int32(packet, p + 1);
            if (version == QuicVersion.NEGOTIATION) {
                versionNegotiation(direction);
                break; // Version Negotiation has no length: it is the whole datagram
            }
            if (!QuicVersion.isKnown(version)) break;
            int q = p + 5;
            int dcidLength = packet[q++] & 0xff;
            int dcidAt = q;
            q += dcidLength;
            if (dcidLength > MAX_CID_LENGTH || q >= len) {
                malformedPackets++;
                break;
            }
            int scidLength = packet[q++] & 0xff;
            int scidAt = q;
            q += scidLength;
            if (scidLength > MAX_CID_LENGTH || q > len) {
                malformedPackets++;
                break;
            }
            int type = QuicVersion.packetType(version, first);
            if (type == QuicVersion.RETRY) {
                retry(p, len, version, scidAt, scidLength, direction);
                break; // Retry has no length: it is the rest of the datagram
            }
            cursor = q;
            if (type == QuicVersion.INITIAL) {
                long tokenLength = varint(packet, len);
                if (tokenLength < 0 || tokenLength > len - cursor) {
                    malformedPackets++;
                    break;
                }
                cursor += (int) tokenLength;
            }
            long length = varint(packet, len);
            if (length < 0 || length > len - cursor) {
                malformedPackets++;
                break;
            }
            int end = cursor + (int) length;
            if (type == QuicVersion.INITIAL) initial(p, dcidAt, dcidLength, cursor, end, version, direction);
            p = end;
        }
        if (done()) {
            // Nothing more to read: the flow may live on in the caller's table without its buffers.
            packet = EMPTY;
            plain = EMPTY;
            crypto[CLIENT] = null;
            crypto[SERVER] = null;
        }
        return true;
    }

    /** The side's role once known: the client sent the first decryptable Initial. */
    public TlsStreamParser.Role role(int direction) {
        if (clientSide >= 0) return direction == clientSide ? TlsStreamParser.Role.CLIENT : TlsStreamParser.Role.SERVER;
        if (serverHintSide >= 0) {
            return direction == serverHintSide ? TlsStreamParser.Role.SERVER : TlsStreamParser.Role.CLIENT;
        }
        return TlsStreamParser.Role.UNKNOWN;
    }

    /**
     * True when nothing more can be learnt: each side's first hello is parsed, refused (its stream
     * does not start with the expected hello, or the hello is malformed) or the side closed the
     * connection in an Initial packet; or decryption was given up.
     */
    public boolean done() {
        if (gaveUp) return true;
        return (helloState[CLIENT] != PENDING || closed[CLIENT]) && (helloState[SERVER] != PENDING || closed[SERVER]);
    }

    /** Whether a QUIC long header has been seen on this flow. */
    public boolean sawQuic() {
        return quicSeen;
    }

    /** Long-header Initial packets seen (also those that could not be opened). */
    public long initialPackets() {
        return initialPackets;
    }

    public long decryptedPackets() {
        return decryptedPackets;
    }

    /** Initial packets whose keys were unknown or whose authentication tag did not verify. */
    public long undecryptablePackets() {
        return undecryptablePackets;
    }

    public long versionNegotiationPackets() {
        return versionNegotiationPackets;
    }

    public long retryPackets() {
        return retryPackets;
    }

    /** Long headers whose lengths contradict the datagram. */
    public long malformedPackets() {
        return malformedPackets;
    }

    /** Sides whose hello was reassembled but did not parse, or parsed only in part: malformed TLS. */
    public int malformedHellos() {
        int n = 0;
        for (int role = 0; role < 2; role++) if (helloState[role] == FAILED) n++;
        if (helloState[CLIENT] == PARSED && record.clientHelloDamaged) n++;
        return n;
    }

    /** Decrypted Initial packets with a frame not allowed there or cut short (RFC 9000 12.4). */
    public long protocolErrors() {
        return protocolErrors;
    }

    /** CRYPTO data that could not be kept: beyond the per-side limit or too fragmented. */
    public long cryptoOverflows() {
        return cryptoOverflows;
    }

    private void versionNegotiation(int direction) {
        versionNegotiationPackets++;
        // Only servers send Version Negotiation; the client then starts again with another version.
        if (clientSide < 0 && serverHintSide < 0) serverHintSide = direction;
    }

    private void retry(int start, int end, int version, int scidAt, int scidLength, int direction) {
        retryPackets++;
        if (clientSide >= 0 && direction == clientSide) return; // only servers send Retry
        if (clientSide < 0) {
            if (serverHintSide < 0) serverHintSide = direction;
            return; // without the client's first DCID the Retry cannot be verified
        }
        if (end - (scidAt + scidLength) < TAG_LENGTH || scidLength == 0) {
            malformedPackets++;
            return;
        }
        ensureCrypto();
        if (!retryTagValid(start, end, version)) {
            undecryptablePackets++;
            return;
        }
        newKeys(InitialKeys.derive(version, packet, scidAt, scidLength, mac), clientSide);
    }

    /**
     * RFC 9001 5.8: the tag is AES-128-GCM with a fixed key and nonce over no plaintext, with the
     * pseudo-packet (client's original DCID, length-prefixed, then the Retry without its tag) as
     * associated data. Checked by decrypting the tag as an empty ciphertext: GCM in decrypt mode
     * may reuse the fixed nonce, encrypt mode may not.
     */
    private boolean retryTagValid(int start, int end, int version) {
        byte[] odcid = keys.dcid;
        try {
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(QuicVersion.retryKey(version), "AES"),
                    new GCMParameterSpec(TAG_LENGTH * 8, QuicVersion.retryNonce(version)));
            gcm.updateAAD(new byte[] {(byte) odcid.length});
            gcm.updateAAD(odcid);
            gcm.updateAAD(packet, start, end - TAG_LENGTH - start);
            gcm.doFinal(packet, end - TAG_LENGTH, TAG_LENGTH, plain, 0);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void initial(int start, int dcidAt, int dcidLength, int pnAt, int end, int version, int direction) {
        initialPackets++;
        if (gaveUp) return;
        ensureCrypto();
        int role = -1;
        if (clientSide >= 0) {
            int r = direction == clientSide ? CLIENT : SERVER;
            InitialKeys k = keysFor(version);
            if (open(r == CLIENT ? k.client : k.server, start, pnAt, end, largestPn[r])) role = r;
        }
        if (role < 0 && (clientSide < 0 || direction == clientSide)
                && (keys == null || !keys.matches(version, packet, dcidAt, dcidLength))) {
            InitialKeys fresh = InitialKeys.derive(version, packet, dcidAt, dcidLength, mac);
            if (open(fresh.client, start, pnAt, end, -1)) {
                role = CLIENT;
                newKeys(fresh, direction);
            }
        }
        if (role < 0) {
            undecryptablePackets++;
            if (++undecryptableInARow >= MAX_CONSECUTIVE_UNDECRYPTABLE) gaveUp = true;
            return;
        }
        undecryptableInARow = 0;
        decryptedPackets++;
        largestPn[role] = Math.max(largestPn[role], openedPn);
        record.transport = "quic";
        frames(role);
    }

    private InitialKeys keysFor(int version) {
        if (keys.version == version) return keys;
        if (otherVersionKeys == null || otherVersionKeys.version != version) {
            otherVersionKeys = InitialKeys.derive(version, keys.dcid, 0, keys.dcid.length, mac);
        }
        return otherVersionKeys;
    }

    /** A new attempt (first Initial, Retry, Version Negotiation, new connection): new keys for both sides. */
    private void newKeys(InitialKeys fresh, int client) {
        boolean restart = keys != null;
        keys = fresh;
        otherVersionKeys = null;
        clientSide = client;
        if (!restart) return;
        largestPn[CLIENT] = -1;
        largestPn[SERVER] = -1;
        for (int r = CLIENT; r <= SERVER; r++) {
            if (helloState[r] == PENDING && crypto[r] != null) crypto[r].reset();
            closed[r] = false;
        }
    }

    /**
     * Removes header protection and decrypts the packet [start, end) whose packet number starts at
     * {@code pnAt}, into {@link #plain}. On failure the packet bytes are left as they were.
     */
    private boolean open(InitialKeys.Side side, int start, int pnAt, int end, long largest) {
        if (end - pnAt < 4 + SAMPLE_LENGTH) return false;
        try {
            ecb.init(Cipher.ENCRYPT_MODE, side.hpSpec);
            ecb.doFinal(packet, pnAt + 4, SAMPLE_LENGTH, mask, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte savedFirst = packet[start];
        int first = (savedFirst ^ (mask[0] & 0x0f)) & 0xff; // long header: 4 low bits protected
        int pnLength = (first & 3) + 1;
        packet[start] = (byte) first;
        long truncated = 0;
        for (int i = 0; i < pnLength; i++) {
            savedPn[i] = packet[pnAt + i];
            packet[pnAt + i] ^= mask[1 + i];
            truncated = (truncated << 8) | (packet[pnAt + i] & 0xff);
        }
        long pn = decodePacketNumber(largest, truncated, pnLength * 8);
        System.arraycopy(side.iv, 0, nonce, 0, nonce.length);
        for (int i = 0; i < 8; i++) nonce[nonce.length - 1 - i] ^= (byte) (pn >>> (8 * i));
        int payloadAt = pnAt + pnLength;
        int ciphertextLength = end - payloadAt;
        if (plain.length < ciphertextLength) plain = new byte[Math.max(ciphertextLength, 1500)];
        try {
            gcm.init(Cipher.DECRYPT_MODE, side.keySpec, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            gcm.updateAAD(packet, start, payloadAt - start);
            plainLength = gcm.doFinal(packet, payloadAt, ciphertextLength, plain, 0);
        } catch (AEADBadTagException e) {
            packet[start] = savedFirst;
            System.arraycopy(savedPn, 0, packet, pnAt, pnLength);
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        openedPn = pn;
        return true;
    }

    /** RFC 9000 Appendix A.3. */
    static long decodePacketNumber(long largest, long truncated, int bits) {
        long expected = largest + 1;
        long window = 1L << bits;
        long halfWindow = window / 2;
        long candidate = (expected & ~(window - 1)) | truncated;
        if (candidate <= expected - halfWindow && candidate < (1L << 62) - window) return candidate + window;
        if (candidate > expected + halfWindow && candidate >= window) return candidate - window;
        return candidate;
    }

    /** Walks the frames of a decrypted Initial packet (RFC 9000 12.4: only these five kinds). */
    private void frames(int role) {
        byte[] b = plain;
        int n = plainLength;
        cursor = 0;
        while (cursor < n) {
            if (b[cursor] == 0) { // PADDING, by far the most common
                cursor++;
                continue;
            }
            long type = varint(b, n);
            if (type == 0x01) continue; // PING
            if (type == 0x02 || type == 0x03) { // ACK, ACK with ECN counts
                if (varint(b, n) < 0 || varint(b, n) < 0) break; // largest acknowledged, ack delay
                long ranges = varint(b, n);
                if (ranges < 0 || varint(b, n) < 0) break; // range count, first range
                for (long i = 0; i < ranges && cursor >= 0; i++) {
                    if (varint(b, n) < 0 || varint(b, n) < 0) break; // gap, range length
                }
                if (type == 0x03 && (varint(b, n) < 0 || varint(b, n) < 0 || varint(b, n) < 0)) break;
                if (cursor < 0) break;
                continue;
            }
            if (type == 0x06) { // CRYPTO
                long offset = varint(b, n);
                long length = varint(b, n);
                if (offset < 0 || length < 0 || length > n - cursor) break;
                crypto(role, offset, b, cursor, (int) length);
                cursor += (int) length;
                continue;
            }
            if (type == 0x1c) { // CONNECTION_CLOSE (transport); its error may be a TLS alert
                long code = varint(b, n);
                if (code < 0 || varint(b, n) < 0) break; // error code, frame type
                long reasonLength = varint(b, n);
                if (reasonLength < 0 || reasonLength > n - cursor) break;
                cursor += (int) reasonLength;
                if (code >= 0x100 && code <= 0x1ff) record.alerts.add((int) (code - 0x100)); // CRYPTO_ERROR
                closed[role] = true;
                continue;
            }
            break; // any other frame (or a truncated type) is a PROTOCOL_VIOLATION in an Initial packet
        }
        if (cursor != n) protocolErrors++;
    }

    private void crypto(int role, long offset, byte[] b, int off, int length) {
        if (helloState[role] != PENDING) return;
        CryptoStream s = crypto[role];
        if (s == null) s = crypto[role] = new CryptoStream(cryptoLimit);
        if (!s.add(offset, b, off, length)) cryptoOverflows++;
        int available = s.contiguous();
        if (available < 4) return;
        byte[] d = s.array();
        int type = d[0] & 0xff;
        int length24 = ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        if (type != (role == CLIENT ? 1 : 2)) {
            helloState[role] = FAILED; // the side's first handshake message is not its hello
        } else if (4L + length24 > cryptoLimit) {
            cryptoOverflows++;
            helloState[role] = FAILED;
        } else if (available >= 4 + length24) {
            boolean ok = role == CLIENT ? ClientHello.parse(d, 4, length24, record)
                    : ServerHello.parse(d, 4, length24, record);
            helloState[role] = ok ? PARSED : FAILED;
        } else {
            return;
        }
        crypto[role] = null; // this side is finished: free its buffer
    }

    /**
     * Reads the variable-length integer (RFC 9000 16) at {@link #cursor} and advances past it;
     * -1 (cursor set to -1) when it runs past {@code limit}.
     */
    private long varint(byte[] b, int limit) {
        int p = cursor;
        if (p < 0 || p >= limit) {
            cursor = -1;
            return -1;
        }
        int first = b[p] & 0xff;
        int length = 1 << (first >>> 6);
        if (p + length > limit) {
            cursor = -1;
            return -1;
        }
        long v = first & 0x3f;
        for (int i = 1; i < length; i++) v = (v << 8) | (b[p + i] & 0xff);
        cursor = p + length;
        return v;
    }

    private void ensureCrypto() {
        if (mac != null) return;
        try {
            mac = Mac.getInstance("HmacSHA256");
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256 or AES", e);
        }
    }

    private static int int32(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static int int32(ByteBuffer b, int p) {
        return ((b.get(p) & 0xff) << 24) | ((b.get(p + 1) & 0xff) << 16) | ((b.get(p + 2) & 0xff) << 8)
                | (b.get(p + 3) & 0xff);
    }
}
