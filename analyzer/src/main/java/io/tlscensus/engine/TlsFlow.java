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
    final boolean[] finSeen = new boolean[2];
    boolean closed;
    int vlan;
    long tunnelId;
    ConnectionRecord record;
    /** TCP: one record-layer parser and one reassembler per direction. */
    final TlsStreamParser[] parsers = new TlsStreamParser[2];
    final StreamReassembler[] streams = new StreamReassembler[2];
    final int[] synSeq = new int[2];
    final boolean[] synSeen = new boolean[2];
    /** UDP: DTLS parser or QUIC Initial decoder, and datagrams looked at so far. */
    DtlsParser dtls;
    QuicConnection quic;
    int datagrams;

    @Override
    protected void clear() {
        finished = false;
        finSeen[0] = finSeen[1] = false;
        closed = false;
        vlan = -1;
        tunnelId = -1;
        synSeen[0] = synSeen[1] = false;
        datagrams = 0;
        drop();
    }

    /** Which side sent the ClientHello (CLIENT), the ServerHello (SERVER), or neither yet. */
    TlsStreamParser.Role role(int side) {
        if (parsers[side] != null) return parsers[side].role();
        if (dtls != null) return dtls.role(side);
        if (quic != null) return quic.role(side);
        return TlsStreamParser.Role.UNKNOWN;
    }

    /** Drops everything held for parsing; the flow stays in the table as a cheap marker. */
    void release() {
        finished = true;
        drop();
    }

    private void drop() {
        record = null;
        parsers[0] = parsers[1] = null;
        streams[0] = streams[1] = null;
        dtls = null;
        quic = null;
    }
}
