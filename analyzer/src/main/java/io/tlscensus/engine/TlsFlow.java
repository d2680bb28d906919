package io.tlscensus.engine;

import io.tlscensus.flow.Flow;
import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.quic.QuicConnection;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.DtlsParser;
import io.tlscensus.tls.TlsStreamParser;

/** A TCP or UDP flow and what the census keeps of it while its handshake is in clear. */
final class TlsFlow extends Flow {
    /** Nothing more to learn: from now on the flow costs one lookup per packet. */
    boolean finished;
    /** Per direction (0: side A to B, 1: back) as fields, not arrays: a flow that saw only a SYN stays small. */
    boolean finSeen0, finSeen1;
    boolean closed;
    int vlan;
    long tunnelId;
    ConnectionRecord record;
    /** TCP: one record-layer parser and one reassembler per direction. */
    TlsStreamParser parser0, parser1;
    StreamReassembler stream0, stream1;
    int synSeq0, synSeq1;
    boolean synSeen0, synSeen1;
    /** UDP: DTLS parser or QUIC Initial decoder, and datagrams looked at so far. */
    DtlsParser dtls;
    QuicConnection quic;
    int datagrams;

    @Override
    protected void clear() {
        finished = false;
        finSeen0 = finSeen1 = false;
        closed = false;
        vlan = -1;
        tunnelId = -1;
        synSeen0 = synSeen1 = false;
        datagrams = 0;
        drop();
    }

    /** Which side sent the ClientHello (CLIENT), the ServerHello (SERVER), or neither yet. */
    TlsStreamParser.Role role(int side) {
        TlsStreamParser parser = parser(side);
        if (parser != null) return parser.role();
        if (dtls != null) return dtls.role(side);
        if (quic != null) return quic.role(side);
        return TlsStreamParser.Role.UNKNOWN;
    }

    TlsStreamParser parser(int dir) {
        return dir == 0 ? parser0 : parser1;
    }

    StreamReassembler stream(int dir) {
        return dir == 0 ? stream0 : stream1;
    }

    /** Drops everything held for parsing; the flow stays in the table as a cheap marker. */
    void release() {
        finished = true;
        drop();
    }

    private void drop() {
        record = null;
        parser0 = parser1 = null;
        stream0 = stream1 = null;
        dtls = null;
        quic = null;
    }
}
