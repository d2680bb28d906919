package io.tlscensus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * pcapng (draft-ietf-opsawg-pcapng): sections, each starting with a Section Header Block that sets
 * the byte order and resets the interface list; packets come from Enhanced, Simple and obsolete
 * Packet Blocks. Other blocks are checked for a sound length and skipped.
 */
final class PcapNgReader {
    static final int SECTION_HEADER = 0x0A0D0D0A;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int INTERFACE_DESCRIPTION = 1;
    static final int OBSOLETE_PACKET = 2;
    static final int SIMPLE_PACKET = 3;
    static final int ENHANCED_PACKET = 6;

    static final int OPTION_END = 0;
    static final int OPTION_IF_TSRESOL = 9;
    static final int OPTION_IF_TSOFFSET = 14;

    /**
     * Blocks the reader parses are loaded whole; 16 MiB is far above any packet plus options, so a
     * larger one is a damaged length rather than data. Skipped blocks are not bounded.
     */
    static final int MAX_PARSED_BLOCK_BYTES = 16 << 20;

    private static final int BLOCK_HEADER_BYTES = 12; // type, length, trailing length
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final ByteWindow window;
    private boolean swap;
    private int interfaceCount;
    private int[] linkTypes = new int[4];
    private int[] snapLengths = new int[4];
    private boolean[] binaryResolution = new boolean[4];
    private int[] resolutionExponents = new int[4];
    private long[] offsetMicros = new long[4];

    PcapNgReader(ByteWindow window) {
        this.window = window;
    }

    void readAll(PacketHandler handler) throws IOException, CaptureFormatException {
        // One call per block, not one long loop: see PcapReader.readAll.
        for (long offset = 0; offset >= 0; ) {
            offset = block(handler, offset);
        }
    }

    /** Reads the block at {@code offset}; the next block's offset, or -1 at the end of the file. */
    private long block(PacketHandler handler, long offset) throws IOException, CaptureFormatException {
        int got = window.request(offset, BLOCK_HEADER_BYTES);
        if (got == 0) {
            return -1;
        }
        if (got < BLOCK_HEADER_BYTES) {
            throw new CaptureFormatException("truncated pcapng block header at offset " + offset + ": "
                    + BLOCK_HEADER_BYTES + " bytes needed, " + got + " left", offset);
        }
        ByteBuffer b = window.buffer();
        int i = window.index(offset);
        if (int32(i) == SECTION_HEADER) {
            // The type reads the same in both orders; the byte-order magic decides how to read the length.
            int magic = b.getInt(i + 8);
            if (magic == BYTE_ORDER_MAGIC) {
                swap = false;
            } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
                swap = true;
            } else {
                throw new CaptureFormatException(String.format(
                        "pcapng section header at offset %d has byte-order magic 0x%08x", offset, magic), offset);
            }
        }
        int type = int32(i);
        long length = uint32(i + 4);
        if (length % 4 != 0 || length < BLOCK_HEADER_BYTES) {
            throw new CaptureFormatException("pcapng block at offset " + offset + " has length " + length
                    + " (must be a multiple of 4, >= 12)", offset);
        }
        if (isParsed(type)) {
            if (length > MAX_PARSED_BLOCK_BYTES) {
                throw new CaptureFormatException(blockName(type) + " at offset " + offset + " has length " + length
                        + " (more than " + MAX_PARSED_BLOCK_BYTES + ")", offset);
            }
            got = window.request(offset, (int) length);
            if (got < length) {
                throw truncated(offset, length, got);
            }
            checkTrailingLength(offset, length, window.index(offset + length - 4));
            parse(type, offset, (int) length, handler);
        } else {
            got = window.request(offset + length - 4, 4);
            if (got < 4) {
                throw truncated(offset, length, window.remainingAfterShortRequest(offset));
            }
            checkTrailingLength(offset, length, window.index(offset + length - 4));
        }
        return offset + length;
    }

    /**
     * A block header or packet field at {@code index} of the window's array (under C1 every
     * ByteBuffer read is a call chain, see PacketDecoder).
     */
    private int int32(int index) {
        return Fields.int32(window.array(), index, swap);
    }

    private long uint32(int index) {
        return Integer.toUnsignedLong(int32(index));
    }

    private static boolean isParsed(int type) {
        return type == SECTION_HEADER || type == INTERFACE_DESCRIPTION || type == ENHANCED_PACKET
                || type == SIMPLE_PACKET || type == OBSOLETE_PACKET;
    }

    private static CaptureFormatException truncated(long offset, long length, long left) {
        return new CaptureFormatException("truncated pcapng block at offset " + offset + ": header says "
                + length + " bytes, " + left + " left", offset);
    }

    private void checkTrailingLength(long offset, long length, int trailerIndex) throws CaptureFormatException {
        long trailing = uint32(trailerIndex);
        if (trailing != length) {
            throw new CaptureFormatException("pcapng block at offset " + offset + " has length " + length
                    + " but trailing length " + trailing, offset);
        }
    }

    private void parse(int type, long offset, int length, PacketHandler handler) throws CaptureFormatException {
        ByteBuffer b = window.buffer();
        int i = window.index(offset);
        switch (type) {
            case SECTION_HEADER -> startSection(b, i, offset, length);
            case INTERFACE_DESCRIPTION -> addInterface(b, i, offset, length);
            case ENHANCED_PACKET -> {
                requireLength(type, offset, length, 32);
                long iface = uint32(i + 8);
                deliver(handler, type, offset, length, b, i, iface);
            }
            case OBSOLETE_PACKET -> {
                requireLength(type, offset, length, 32);
                deliver(handler, type, offset, length, b, i, Fields.uint16(b, i + 8, swap));
            }
            case SIMPLE_PACKET -> {
                requireLength(type, offset, length, 16);
                requireInterface(type, offset, 0);
                long wireLength = uint32(i + 8);
                // The block has no captured length (the wire length cut to the snaplen and the block)
                // and no timestamp, which is delivered as 0.
                long captured = Math.min(wireLength, length - 16);
                if (snapLengths[0] != 0) {
                    captured = Math.min(captured, Integer.toUnsignedLong(snapLengths[0]));
                }
                handler.onPacket(0, linkTypes[0], b, i + 12, (int) captured,
                        (int) Math.min(wireLength, Integer.MAX_VALUE));
            }
            default -> throw new IllegalStateException("block type " + type);
        }
    }

    /** Enhanced and obsolete Packet Blocks share the layout after the interface id. */
    private void deliver(PacketHandler handler, int type, long offset, int length, ByteBuffer b, int i, long iface)
            throws CaptureFormatException {
        requireInterface(type, offset, iface);
        int n = (int) iface;
        long timestamp = (uint32(i + 12) << 32) | uint32(i + 16);
        long captured = uint32(i + 20);
        long wireLength = uint32(i + 24);
        if (captured > length - 32) {
            throw new CaptureFormatException(blockName(type) + " at offset " + offset + " has captured length "
                    + captured + ", more than its block length " + length + " holds", offset);
        }
        handler.onPacket(toMicros(timestamp, n), linkTypes[n], b, i + 28, (int) captured,
                (int) Math.min(wireLength, Integer.MAX_VALUE));
    }

    private long toMicros(long timestamp, int iface) {
        int exponent = resolutionExponents[iface];
        long micros;
        if (binaryResolution[iface]) {
            long seconds = exponent == 0 ? timestamp : timestamp >>> exponent;
            long fraction = exponent == 0 ? 0 : timestamp & ((1L << exponent) - 1);
            long fractionMicros;
            if (exponent <= 43) {
                fractionMicros = (fraction * 1_000_000L) >>> exponent; // fits: 2^43 * 10^6 < 2^63
            } else {
                long high = Math.multiplyHigh(fraction, 1_000_000L);
                fractionMicros = (high << (64 - exponent)) | ((fraction * 1_000_000L) >>> exponent);
            }
            micros = seconds * 1_000_000L + fractionMicros;
        } else if (exponent == 6) {
            micros = timestamp;
        } else if (exponent < 6) {
            micros = timestamp * POWERS_OF_TEN[6 - exponent];
        } else {
            micros = Long.divideUnsigned(timestamp, POWERS_OF_TEN[exponent - 6]);
        }
        return micros + offsetMicros[iface];
    }

    private void startSection(ByteBuffer b, int i, long offset, int length) throws CaptureFormatException {
        requireLength(SECTION_HEADER, offset, length, 28);
        int major = Fields.uint16(b, i + 12, swap);
        int minor = Fields.uint16(b, i + 14, swap);
        if (major != 1) {
            throw new CaptureFormatException("unsupported pcapng version " + major + "." + minor
                    + " in section header at offset " + offset, offset);
        }
        interfaceCount = 0;
    }

    private void addInterface(ByteBuffer b, int i, long offset, int length) throws CaptureFormatException {
        requireLength(INTERFACE_DESCRIPTION, offset, length, 20);
        if (interfaceCount == linkTypes.length) {
            int size = interfaceCount * 2;
            linkTypes = Arrays.copyOf(linkTypes, size);
            snapLengths = Arrays.copyOf(snapLengths, size);
            binaryResolution = Arrays.copyOf(binaryResolution, size);
            resolutionExponents = Arrays.copyOf(resolutionExponents, size);
            offsetMicros = Arrays.copyOf(offsetMicros, size);
        }
        int n = interfaceCount;
        linkTypes[n] = Fields.uint16(b, i + 8, swap);
        snapLengths[n] = Fields.int32(b, i + 12, swap);
        binaryResolution[n] = false;
        resolutionExponents[n] = 6;
        offsetMicros[n] = 0;

        int end = i + length - 4;
        int option = i + 16;
        while (option + 4 <= end) {
            int code = Fields.uint16(b, option, swap);
            int valueLength = Fields.uint16(b, option + 2, swap);
            if (code == OPTION_END) {
                break;
            }
            if (option + 4 + valueLength > end) {
                throw new CaptureFormatException("interface description block at offset " + offset + ": option "
                        + code + " at offset " + (offset + option - i) + " overruns the block", offset);
            }
            if (code == OPTION_IF_TSRESOL && valueLength >= 1) {
                setResolution(n, b.get(option + 4), offset);
            } else if (code == OPTION_IF_TSOFFSET && valueLength >= 8) {
                offsetMicros[n] = Fields.int64(b, option + 4, swap) * 1_000_000L;
            }
            option += 4 + (int) Fields.padded4(valueLength);
        }
        interfaceCount++;
    }

    private void setResolution(int iface, byte resolution, long offset) throws CaptureFormatException {
        boolean binary = (resolution & 0x80) != 0;
        int exponent = resolution & 0x7F;
        // Past these a tick no longer fits the 64-bit arithmetic and no real clock is that fine.
        if (binary ? exponent > 63 : exponent > 18) {
            throw new CaptureFormatException("interface description block at offset " + offset + " has if_tsresol "
                    + (binary ? "2^-" : "10^-") + exponent + " (not supported)", offset);
        }
        binaryResolution[iface] = binary;
        resolutionExponents[iface] = exponent;
    }

    private void requireInterface(int type, long offset, long iface) throws CaptureFormatException {
        if (iface >= interfaceCount) {
            throw new CaptureFormatException(blockName(type) + " at offset " + offset + " refers to interface " + iface
                    + ", but the section has " + interfaceCount, offset);
        }
    }

    private static void requireLength(int type, long offset, int length, int minimum) throws CaptureFormatException {
        if (length < minimum) {
            throw new CaptureFormatException(blockName(type) + " at offset " + offset + " has length " + length
                    + " (less than " + minimum + ")", offset);
        }
    }

    private static String blockName(int type) {
        return switch (type) {
            case SECTION_HEADER -> "section header block";
            case INTERFACE_DESCRIPTION -> "interface description block";
            case OBSOLETE_PACKET -> "packet block";
            case SIMPLE_PACKET -> "simple packet block";
            case ENHANCED_PACKET -> "enhanced packet block";
            default -> "pcapng block";
        };
    }
}
