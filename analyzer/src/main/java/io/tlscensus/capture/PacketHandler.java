package io.tlscensus.capture;

import java.nio.ByteBuffer;

/**
 * Receives every packet a source delivers. The buffer is only valid during the call: sources reuse
 * (or unmap) it afterwards, so a handler that needs bytes later must copy them. Handlers only read
 * it: it may be a view of bytes the source still needs.
 * Offsets are absolute positions in {@code buffer}; its position and limit carry no meaning.
 */
@FunctionalInterface
public interface PacketHandler {
    /**
     * @param timestampMicros capture time, microseconds since the Unix epoch (UTC)
     * @param linkType        LINKTYPE_* value of the interface the packet came from (see {@link LinkType})
     * @param capturedLength  bytes present in the buffer (may be less than originalLength: snaplen)
     * @param originalLength  length of the packet on the wire
     */
    void onPacket(long timestampMicros, int linkType, ByteBuffer buffer, int offset, int capturedLength, int originalLength);
}
