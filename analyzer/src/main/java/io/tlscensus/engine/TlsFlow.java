package io.tlscensus.engine;

import io.tlscensus.flow.Flow;
import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsStreamParser;

/** A TCP flow and what the census keeps of it while its handshake is in clear. */
final class TlsFlow extends Flow {
    /** Both directions done: from now on the flow costs one lookup per packet. */
    boolean finished;
    boolean[] finSeen = new boolean[2];
    boolean closed;
    int vlan;
    ConnectionRecord record;
    final TlsStreamParser[] parsers = new TlsStreamParser[2];
    final StreamReassembler[] streams = new StreamReassembler[2];
    final int[] synSeq = new int[2];
    final boolean[] synSeen = new boolean[2];

    @Override
    protected void clear() {
        finished = false;
        finSeen[0] = finSeen[1] = false;
        closed = false;
        vlan = -1;
        record = null;
        parsers[0] = parsers[1] = null;
        streams[0] = streams[1] = null;
        synSeen[0] = synSeen[1] = false;
    }

    /** Drops everything held for reassembly; the flow stays in the table as a cheap marker. */
    void release() {
        finished = true;
        parsers[0] = parsers[1] = null;
        streams[0] = streams[1] = null;
        record = null;
    }
}
