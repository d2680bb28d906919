package io.tlscensus.capture;

import java.nio.ByteBuffer;

/**
 * Header field reads from a big-endian buffer in either byte order. The buffer stays big-endian
 * because packet data (network order) is handed to decoders in the same buffer.
 */
final class Fields {
    private Fields() {
    }

    static int int32(byte[] a, int i, boolean swap) {
        int v = Bytes.i32(a, i);
        return swap ? Integer.reverseBytes(v) : v;
    }

    static long uint32(byte[] a, int i, boolean swap) {
        return Integer.toUnsignedLong(int32(a, i, swap));
    }

    static int int32(ByteBuffer b, int index, boolean swap) {
        int v = b.getInt(index);
        return swap ? Integer.reverseBytes(v) : v;
    }

    static long uint32(ByteBuffer b, int index, boolean swap) {
        return Integer.toUnsignedLong(int32(b, index, swap));
    }

    static int uint16(ByteBuffer b, int index, boolean swap) {
        short v = b.getShort(index);
        return Short.toUnsignedInt(swap ? Short.reverseBytes(v) : v);
    }

    static long int64(ByteBuffer b, int index, boolean swap) {
        long v = b.getLong(index);
        return swap ? Long.reverseBytes(v) : v;
    }

    /** Length of a pcapng field of {@code length} bytes including its padding to 32 bits. */
    static long padded4(long length) {
        return (length + 3) & ~3L;
    }
}
