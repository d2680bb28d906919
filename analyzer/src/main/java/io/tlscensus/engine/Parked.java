package io.tlscensus.engine;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsStreamParser;

/**
 * A TCP handshake waiting with no bytes held (typically: ClientHello read, no answer yet), in
 * immutable form so that the flows of many connections share one instance: the record's facts
 * without its SNI and client fingerprint inputs (a {@link #template}), the fingerprint inputs with
 * the extension types sorted, and each direction's parser and reassembler state in a long: what
 * every connection of a client stack in the same state has in common. What each connection has
 * of its own stays in the flow: sequence numbers, the SNI, the extension order.
 *
 * <p>Never mutated once made, except for {@link #refs}: flows that point to it, so that its bytes
 * are charged to the memory budget while at least one does ({@code Handshakes}).
 */
final class Parked {
    /** State bits of a direction besides the parser's own (bits 0-7 and 32-63, {@link TlsStreamParser#park}). */
    static final long HAS_PARSER = 1L << 8;
    static final long HAS_STREAM = 1L << 9;
    static final int STREAM_SHIFT = 10; // the reassembler's 22 bits

    final ConnectionRecord template;
    /** With the extension types sorted ({@code TlsFlow.order} has their wire order). */
    final char[] clientFingerprint;
    final long state0, state1;
    /** Bytes this instance holds that no interning table accounts for (charged while {@link #refs} > 0). */
    final int bytes;
    int refs;

    Parked(ConnectionRecord template, char[] clientFingerprint, long state0, long state1, int bytes) {
        this.template = template;
        this.clientFingerprint = clientFingerprint;
        this.state0 = state0;
        this.state1 = state1;
        this.bytes = bytes;
    }

    long state(int dir) {
        return dir == 0 ? state0 : state1;
    }

    TlsStreamParser.Role role(int side) {
        long s = state(side);
        return (s & HAS_PARSER) != 0 ? TlsStreamParser.parkedRole(s) : TlsStreamParser.Role.UNKNOWN;
    }
}
