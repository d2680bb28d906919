package io.tlscensus.flow;

import io.tlscensus.decode.PacketDecoder;

/**
 * A bidirectional transport flow: its canonical 5-tuple (the endpoint that sorts lower is side A,
 * so both directions find the same flow) and its place in the table's recency list. Subclasses
 * add what an analysis keeps per flow.
 */
public abstract class Flow {
    int hash;
    long aHi, aLo, bHi, bLo;
    int aPort, bPort, protocol;
    /** VLAN and tunnel the flow was seen in: the same 5-tuple in two VLANs is two flows. */
    long zone;
    long firstSeenMicros;
    long lastSeenMicros;
    Flow older;
    Flow newer;

    public final long firstSeenMicros() {
        return firstSeenMicros;
    }

    public final long lastSeenMicros() {
        return lastSeenMicros;
    }

    /** 0 when the decoder's packet goes from side A to side B, 1 for the reverse. */
    public final int directionOf(PacketDecoder d) {
        return d.srcHi == aHi && d.srcLo == aLo && d.srcPort == aPort ? 0 : 1;
    }

    public final long addressHi(int side) {
        return side == 0 ? aHi : bHi;
    }

    public final long addressLo(int side) {
        return side == 0 ? aLo : bLo;
    }

    public final int port(int side) {
        return side == 0 ? aPort : bPort;
    }

    public final int protocol() {
        return protocol;
    }

    /** Starts the flow over for a new connection on the same 5-tuple (port reuse). */
    public final void restartAt(long timestampMicros) {
        firstSeenMicros = timestampMicros;
        clear();
    }

    /** Called when the flow is (re)used for a new 5-tuple: forget all analysis state. */
    protected abstract void clear();
}
