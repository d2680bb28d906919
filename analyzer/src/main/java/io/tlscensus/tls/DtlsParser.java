package io.tlscensus.tls;

import java.nio.ByteBuffer;

/**
 * Follows the clear-text start of a DTLS 1.0/1.2/1.3 association over UDP (RFC 6347, RFC 9147):
 * records of epoch 0, handshake fragments reassembled by offset until each side's first hello is
 * whole, and clear alerts. Datagrams that are not DTLS are ignored, which is how DTLS shares a port
 * with STUN, TURN and RTP in WebRTC (RFC 7983 demultiplexes by the first byte: 20-63 is DTLS).
 */
public final class DtlsParser {
    private static final int RECORD_HEADER = 13;
    private static final int HANDSHAKE_HEADER = 12;
    private static final int MAX_MESSAGE = 1 << 16;

    private final ConnectionRecord record;
    private final TlsStreamParser.Role[] roles = {TlsStreamParser.Role.UNKNOWN, TlsStreamParser.Role.UNKNOWN};
    private final Message[] pending = new Message[2];
    private boolean malformed;

    /** One handshake message being put together from its fragments. */
    private static final class Message {
        final int type;
        final byte[] body;
        final boolean[] have;
        int missing;

        Message(int type, int length) {
            this.type = type;
            this.body = new byte[length];
            this.have = new boolean[length];
            this.missing = length;
        }
    }

    public DtlsParser(ConnectionRecord record) {
        this.record = record;
    }

    /** Whether a datagram starts like a DTLS record (RFC 7983 range, DTLS version bytes). */
    public static boolean looksLikeDtls(ByteBuffer b, int off, int len) {
        if (len < RECORD_HEADER) return false;
        int type = b.get(off) & 0xff;
        return type >= 20 && type <= 25 && (b.get(off + 1) & 0xff) == 0xfe && (b.get(off + 2) & 0xff) >= 0xfc;
    }

    public TlsStreamParser.Role role(int direction) {
        return roles[direction];
    }

    public boolean malformed() {
        return malformed;
    }

    /** Both hellos seen (or the client's hello and the server's refusal): nothing more to learn. */
    public boolean done() {
        return record.clientHelloSeen && (record.serverHelloSeen || !record.alerts.isEmpty());
    }

    /** Parses the records of one datagram sent by side {@code direction} of the flow. */
    public void onDatagram(ByteBuffer b, int off, int len, int direction) {
        int end = off + len;
        int p = off;
        while (p + RECORD_HEADER <= end) {
            int type = b.get(p) & 0xff;
            if ((type & 0xe0) == 0x20) return; // DTLS 1.3 unified header: ciphertext
            if ((b.get(p + 1) & 0xff) != 0xfe) return;
            int version = b.getShort(p + 1) & 0xffff;
            int epoch = b.getShort(p + 3) & 0xffff;
            int length = b.getShort(p + 11) & 0xffff;
            int body = p + RECORD_HEADER;
            if (body + length > end) {
                malformed = true;
                return;
            }
            if (epoch == 0) {
                if (type == 22) handshake(b, body, length, direction, version);
                else if (type == 21 && length == 2) record.alerts.add(b.get(body + 1) & 0xff);
            }
            p = body + length;
        }
    }

    private void handshake(ByteBuffer b, int off, int len, int direction, int recordVersion) {
        int end = off + len;
        for (int p = off; p + HANDSHAKE_HEADER <= end; ) {
            int type = b.get(p) & 0xff;
            int length = u24(b, p + 1);
            int fragmentOffset = u24(b, p + 6);
            int fragmentLength = u24(b, p + 9);
            int data = p + HANDSHAKE_HEADER;
            if (data + fragmentLength > end || fragmentOffset + fragmentLength > length || length > MAX_MESSAGE) {
                malformed = true;
                return;
            }
            if ((type == 1 && !record.clientHelloSeen) || (type == 2 && !record.serverHelloSeen)) {
                Message m = pending[direction];
                if (m == null || m.type != type || m.body.length != length) m = pending[direction] = new Message(type, length);
                for (int i = 0; i < fragmentLength; i++) {
                    if (m.have[fragmentOffset + i]) continue; // first copy wins
                    m.have[fragmentOffset + i] = true;
                    m.body[fragmentOffset + i] = b.get(data + i);
                    m.missing--;
                }
                if (m.missing == 0) {
                    pending[direction] = null;
                    complete(m, direction, recordVersion);
                }
            }
            p = data + fragmentLength;
        }
    }

    private void complete(Message m, int direction, int recordVersion) {
        if (m.type == 1 && ClientHello.parse(m.body, 0, m.body.length, record, true)) {
            if (record.clientHelloDamaged) malformed = true;
            record.recordVersion = recordVersion;
            roles[direction] = TlsStreamParser.Role.CLIENT;
        } else if (m.type == 2 && ServerHello.parse(m.body, 0, m.body.length, record)) {
            roles[direction] = TlsStreamParser.Role.SERVER;
        } else {
            malformed = true;
        }
    }

    private static int u24(ByteBuffer b, int p) {
        return ((b.get(p) & 0xff) << 16) | ((b.get(p + 1) & 0xff) << 8) | (b.get(p + 2) & 0xff);
    }
}
