package io.tlscensus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Classic libpcap format: a 24-byte file header, then records of a 16-byte header and the packet
 * bytes. Either byte order, microsecond or nanosecond timestamps.
 */
final class PcapReader {
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    static final int MAGIC_NANOS = 0xa1b23c4d;
    static final int MAGIC_MICROS_SWAPPED = 0xd4c3b2a1;
    static final int MAGIC_NANOS_SWAPPED = 0x4d3cb2a1;

    /**
     * Writers may record more than the header's snaplen (several tools do), so the check is against
     * a fixed bound: the largest snaplen libpcap writes is 256 KiB, and anything beyond it is a damaged
     * header rather than a packet.
     */
    static final int MAX_CAPTURED_LENGTH = 256 * 1024;

    static final int FILE_HEADER_BYTES = 24;
    static final int RECORD_HEADER_BYTES = 16;

    private final ByteWindow window;
    private boolean swap;
    private boolean nanos;
    int linkType;

    PcapReader(ByteWindow window) {
        this.window = window;
    }

    // The damage a record can have, worded once for this reader and SegmentedPcapReader.

    static CaptureFormatException truncatedHeader(long offset, long left) {
        return new CaptureFormatException("truncated packet record header at offset " + offset + ": "
                + RECORD_HEADER_BYTES + " bytes needed, " + left + " left", offset);
    }

    static CaptureFormatException tooLong(long offset, long capturedLength) {
        return new CaptureFormatException("packet record at offset " + offset + " has captured length "
                + capturedLength + " (more than " + MAX_CAPTURED_LENGTH + ")", offset);
    }

    static CaptureFormatException truncatedRecord(long offset, long capturedLength, long left) {
        return new CaptureFormatException("truncated packet record at offset " + offset + ": header says "
                + capturedLength + " bytes, " + (left - RECORD_HEADER_BYTES) + " left", offset);
    }

    static boolean isMagic(int magic) {
        return magic == MAGIC_MICROS || magic == MAGIC_NANOS
                || magic == MAGIC_MICROS_SWAPPED || magic == MAGIC_NANOS_SWAPPED;
    }

    void readAll(PacketHandler handler) throws IOException, CaptureFormatException {
        readFileHeader();
        // One call per record rather than one long loop: the JIT compiles a method after a few
        // hundred calls, while a loop waits for on-stack replacement, which on a busy compile queue
        // came only after ~0.3 s of interpreting records (README, Performance).
        for (long offset = FILE_HEADER_BYTES; offset >= 0; ) {
            offset = record(handler, offset);
        }
    }

    /** Reads the file header: byte order, timestamp resolution and link type. */
    void readFileHeader() throws IOException, CaptureFormatException {
        int got = window.request(0, FILE_HEADER_BYTES);
        if (got < FILE_HEADER_BYTES) {
            throw new CaptureFormatException("truncated pcap file header: " + FILE_HEADER_BYTES
                    + " bytes needed, " + got + " present", 0);
        }
        ByteBuffer b = window.buffer();
        int h = window.index(0);
        int magic = b.getInt(h);
        boolean swap = magic == MAGIC_MICROS_SWAPPED || magic == MAGIC_NANOS_SWAPPED;
        boolean nanos = magic == MAGIC_NANOS || magic == MAGIC_NANOS_SWAPPED;
        int major = Fields.uint16(b, h + 4, swap);
        int minor = Fields.uint16(b, h + 6, swap);
        if (major != 2) {
            throw new CaptureFormatException("unsupported pcap version " + major + "." + minor, 4);
        }
        // The upper bits carry the FCS length and flags (draft-ietf-opsawg-pcap); the link type is the low 16.
        int linkType = Fields.int32(b, h + 20, swap) & 0xFFFF;

        this.swap = swap;
        this.nanos = nanos;
        this.linkType = linkType;
    }

    /** Delivers the record at {@code offset}; the next record's offset, or -1 at the end of the file. */
    private long record(PacketHandler handler, long offset) throws IOException, CaptureFormatException {
        int got = window.request(offset, RECORD_HEADER_BYTES);
        if (got == 0) {
            return -1;
        }
        if (got < RECORD_HEADER_BYTES) {
            throw truncatedHeader(offset, got);
        }
        byte[] a = window.array();
        int r = window.index(offset);
        long capturedLength = capturedLength(a, r);
        // Read before the record is requested whole: that may move the window and the header in it.
        long micros = timestampMicros(a, r);
        int wireLength = wireLength(a, r);
        if (capturedLength > MAX_CAPTURED_LENGTH) {
            throw tooLong(offset, capturedLength);
        }
        int recordBytes = RECORD_HEADER_BYTES + (int) capturedLength;
        got = window.request(offset, recordBytes);
        if (got < recordBytes) {
            throw truncatedRecord(offset, capturedLength, got);
        }
        handler.onPacket(micros, linkType, window.buffer(), window.index(offset) + RECORD_HEADER_BYTES,
                (int) capturedLength, wireLength);
        return offset + recordBytes;
    }

    // The fields of the record header at index i of a (this file's byte order and resolution).

    long capturedLength(byte[] a, int i) {
        return Fields.uint32(a, i + 8, swap);
    }

    long timestampMicros(byte[] a, int i) {
        long seconds = Fields.uint32(a, i, swap);
        long fraction = Fields.uint32(a, i + 4, swap);
        return seconds * 1_000_000L + (nanos ? fraction / 1000 : fraction);
    }

    /** Whether the timestamp's fraction is below a second (a sanity check for guessed record starts). */
    boolean plausible(byte[] a, int i) {
        return Fields.uint32(a, i + 4, swap) < (nanos ? 1_000_000_000L : 1_000_000L);
    }

    /** A wire length past 2^31 is nonsense: clamped instead of handing decoders a negative length. */
    int wireLength(byte[] a, int i) {
        return (int) Math.min(Fields.uint32(a, i + 12, swap), Integer.MAX_VALUE);
    }
}
