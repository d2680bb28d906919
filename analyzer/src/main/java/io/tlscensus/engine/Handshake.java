package io.tlscensus.engine;

import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.quic.QuicConnection;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.DtlsParser;
import io.tlscensus.tls.TlsStreamParser;

/**
 * A handshake being parsed: the record both directions fill in and, for TCP, a record-layer
 * parser and a reassembler per direction, each made when its direction first carries payload;
 * for UDP the DTLS parser or QUIC Initial decoder. Between packets a TCP handshake with nothing
 * held is parked instead ({@link Parked}).
 */
final class Handshake {
    final ConnectionRecord record;
    TlsStreamParser parser0, parser1;
    StreamReassembler stream0, stream1;
    DtlsParser dtls;
    QuicConnection quic;
    /** Bytes charged to the memory budget for this handshake. */
    int charged;

    Handshake(ConnectionRecord record) {
        this.record = record;
    }

    TlsStreamParser parser(int dir) {
        return dir == 0 ? parser0 : parser1;
    }

    StreamReassembler stream(int dir) {
        return dir == 0 ? stream0 : stream1;
    }

    TlsStreamParser.Role role(int side) {
        TlsStreamParser parser = parser(side);
        if (parser != null) return parser.role();
        if (dtls != null) return dtls.role(side);
        if (quic != null) return quic.role(side);
        return TlsStreamParser.Role.UNKNOWN;
    }
}
