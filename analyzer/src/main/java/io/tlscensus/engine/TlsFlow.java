package io.tlscensus.engine;

import io.tlscensus.flow.Flow;
import io.tlscensus.tls.TlsStreamParser;

/**
 * A TCP or UDP flow and what the census keeps of it while its handshake is in clear. Kept small
 * (112 bytes with {@link Flow}'s key: a million of them are the bulk of the heap in a large
 * capture): per-direction facts are bits of {@link #flags}, the handshake hangs off one reference,
 * {@link #hs}, and a parked handshake's two per-connection facts are fields here, so that what
 * {@link #hs} points to is shared by the connections of a client stack.
 */
final class TlsFlow extends Flow {
    static final int FINISHED = 1;
    static final int CLOSED = 1 << 1;
    static final int FIN0 = 1 << 2;
    static final int SYN0 = 1 << 4;
    /** A reassembler was started for the direction: from then on {@link #seq0}/{@link #seq1} belong to it. */
    static final int STREAM0 = 1 << 6;
    /** Nothing more to read from the direction (its parser is done). */
    static final int DONE0 = 1 << 8;

    /** The bits above; a per-direction bit for direction 1 is the direction-0 bit shifted left by one. */
    short flags;
    /**
     * TCP, per direction: the SYN's sequence number until a reassembler starts, then while the
     * handshake is parked the reassembler's next sequence number. UDP: seq0 counts the datagrams
     * looked at so far.
     */
    int seq0, seq1;
    /**
     * The handshake: null before any payload and once finished; a {@link Handshake} while being
     * parsed (TCP, or a DTLS/QUIC flow); a shared {@link Parked} while a TCP handshake waits with
     * no bytes held (the usual state of a handshake in flight).
     */
    Object hs;
    /** While parked: the ClientHello's SNI (shared when repeated) and its extension order (Lehmer code, 0 when sorted). */
    String sni;
    long order;

    @Override
    protected void clear() {
        flags = 0;
        seq0 = seq1 = 0;
        hs = null;
        sni = null;
        order = 0;
    }

    boolean is(int flag) {
        return (flags & flag) != 0;
    }

    /** The flag for direction {@code dir}: {@code flag} is the direction-0 bit. */
    static int of(int flag, int dir) {
        return flag << dir;
    }

    void set(int flag) {
        flags |= (short) flag;
    }

    boolean finished() {
        return is(FINISHED);
    }

    int seq(int dir) {
        return dir == 0 ? seq0 : seq1;
    }

    void seq(int dir, int value) {
        if (dir == 0) seq0 = value;
        else seq1 = value;
    }

    /** Which side sent the ClientHello (CLIENT), the ServerHello (SERVER), or neither yet. */
    TlsStreamParser.Role role(int side) {
        if (hs instanceof Handshake) return ((Handshake) hs).role(side);
        if (hs instanceof Parked) return ((Parked) hs).role(side);
        return TlsStreamParser.Role.UNKNOWN;
    }
}
