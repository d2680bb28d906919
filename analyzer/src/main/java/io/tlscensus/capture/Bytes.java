package io.tlscensus.capture;

/**
 * Big-endian reads from a byte array, for the readers and decoders that read packets as arrays
 * (see PacketDecoder). Each method is small enough in bytecode for C1, the launcher's JIT for
 * files, to inline it (35 bytes): {@link #i32} is two {@link #u16} for that reason.
 */
public final class Bytes {
    private Bytes() {
    }

    public static int u16(byte[] a, int i) {
        return (a[i] & 0xff) << 8 | a[i + 1] & 0xff;
    }

    public static int i32(byte[] a, int i) {
        return u16(a, i) << 16 | u16(a, i + 2);
    }

    public static long i64(byte[] a, int i) {
        return (long) i32(a, i) << 32 | i32(a, i + 4) & 0xffffffffL;
    }
}
