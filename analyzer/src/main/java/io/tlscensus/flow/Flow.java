package io.tlscensus.flow;

import io.tlscensus.decode.PacketDecoder;

/**
 * A bidirectional transport flow: its canonical 5-tuple (the endpoint that sorts lower is side A,
 * so both directions find the same flow) and its place in the table's recency list. Subclasses
 * add what an analysis keeps per flow.
 */
public abstract class Flow {
    long aHi, aLo, bHi, bLo;
    /** Side A's port in the high 16 bits, side B's in the low 16. */
    int ports;
    /**
     * The rest of the key: VLAN + 1 in bits 0-12, tunnel id + 1 from bit 13 (tunnel ids have at
     * most 32 bits), the IP protocol in bits 56-63. The same 5-tuple in two VLANs is two flows.
     * Packed (like the ports, and with no stored hash) so that a flow, the unit a million
     * connections multiply, stays at 112 bytes with what {@code TlsFlow} adds.
     */
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
        return d.srcHi == aHi && d.srcLo == aLo && d.srcPort == ports >>> 16 ? 0 : 1;
    }

    public final long addressHi(int side) {
        return side == 0 ? aHi : bHi;
    }

    public final long addressLo(int side) {
        return side == 0 ? aLo : bLo;
    }

    public final int port(int side) {
        return side == 0 ? ports >>> 16 : ports & 0xffff;
    }

    public final int protocol() {
        return (int) (zone >>> 56);
    }

    /** Outermost VLAN id of the flow's packets, or -1. */
    public final int vlan() {
        return (int) (zone & 0x1fff) - 1;
    }

    /** Outermost tunnel id (GRE key, ERSPAN session, VXLAN/Geneve VNI) of the flow's packets, or -1. */
    public final long tunnelId() {
        return ((zone & 0x00ff_ffff_ffff_ffffL) >>> 13) - 1;
    }

    static long zone(int vlanId, long tunnelId, int protocol) {
        return ((long) protocol << 56) | ((tunnelId + 1) << 13) | (vlanId + 1);
    }

    /** Starts the flow over for a new connection on the same 5-tuple (port reuse). */
    public final void restartAt(long timestampMicros) {
        firstSeenMicros = timestampMicros;
        clear();
    }

    /** Called when the flow is (re)used for a new 5-tuple: forget all analysis state. */
    protected abstract void clear();
}
