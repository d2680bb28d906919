package io.tlscensus.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.zip.GZIPOutputStream;

/** Writes synthetic pcap and pcapng bytes in either byte order, for tests. */
final class CaptureBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    CaptureBytes(ByteOrder order) {
        this.order = order;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }

    CaptureBytes u8(int v) {
        out.write(v);
        return this;
    }

    CaptureBytes u16(int v) {
        if (order == ByteOrder.BIG_ENDIAN) {
            out.write(v >>> 8);
            out.write(v);
        } else {
            out.write(v);
            out.write(v >>> 8);
        }
        return this;
    }

    CaptureBytes u32(long v) {
        if (order == ByteOrder.BIG_ENDIAN) {
            u16((int) (v >>> 16)).u16((int) v);
        } else {
            u16((int) v).u16((int) (v >>> 16));
        }
        return this;
    }

    CaptureBytes u64(long v) {
        if (order == ByteOrder.BIG_ENDIAN) {
            u32(v >>> 32).u32(v);
        } else {
            u32(v).u32(v >>> 32);
        }
        return this;
    }

    CaptureBytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    CaptureBytes pad4() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        return this;
    }

    /** Deterministic packet bytes that differ per packet, so a mix-up between packets shows. */
    static byte[] payload(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >>> 8));
        }
        return b;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }

    // ---- classic pcap ----

    static CaptureBytes pcap(ByteOrder order, boolean nanos, int snapLength, long linkTypeField) {
        CaptureBytes c = new CaptureBytes(order);
        c.u32(nanos ? 0xa1b23c4dL : 0xa1b2c3d4L).u16(2).u16(4).u32(0).u32(0).u32(snapLength).u32(linkTypeField);
        return c;
    }

    CaptureBytes record(long seconds, long fraction, byte[] data, int originalLength) {
        return u32(seconds).u32(fraction).u32(data.length).u32(originalLength).bytes(data);
    }

    // ---- pcapng ----

    static CaptureBytes pcapng(ByteOrder order) {
        return new CaptureBytes(order).sectionHeader(order);
    }

    /** Starts a new section, switching this writer to the section's byte order. */
    CaptureBytes sectionHeader(ByteOrder sectionOrder) {
        order = sectionOrder;
        return block(PcapNgReader.SECTION_HEADER,
                body().u32(0x1A2B3C4DL).u16(1).u16(0).u64(-1L));
    }

    /** @param tsresol if_tsresol byte, or -1 for none; @param tsoffsetSeconds if_tsoffset, or null */
    CaptureBytes interfaceDescription(int linkType, int snapLength, int tsresol, Long tsoffsetSeconds) {
        CaptureBytes body = body().u16(linkType).u16(0).u32(snapLength);
        // if_name first, with a length that needs padding, so option walking over padding is exercised
        body.u16(2).u16(5).bytes("eth0x".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).pad4();
        if (tsresol >= 0) {
            body.u16(9).u16(1).u8(tsresol).pad4();
        }
        if (tsoffsetSeconds != null) {
            body.u16(14).u16(8).u64(tsoffsetSeconds);
        }
        body.u16(0).u16(0);
        return block(PcapNgReader.INTERFACE_DESCRIPTION, body);
    }

    CaptureBytes enhancedPacket(int iface, long timestamp, byte[] data, int originalLength) {
        CaptureBytes body = body().u32(iface).u32(timestamp >>> 32).u32(timestamp).u32(data.length)
                .u32(originalLength).bytes(data).pad4();
        body.u16(2).u16(4).u32(0x1).u16(0).u16(0); // epb_flags, then opt_endofopt
        return block(PcapNgReader.ENHANCED_PACKET, body);
    }

    CaptureBytes obsoletePacket(int iface, long timestamp, byte[] data, int originalLength) {
        CaptureBytes body = body().u16(iface).u16(0).u32(timestamp >>> 32).u32(timestamp).u32(data.length)
                .u32(originalLength).bytes(data).pad4();
        return block(PcapNgReader.OBSOLETE_PACKET, body);
    }

    /** @param data the bytes stored in the block: the packet already cut to the interface's snaplen */
    CaptureBytes simplePacket(int originalLength, byte[] data) {
        return block(PcapNgReader.SIMPLE_PACKET, body().u32(originalLength).bytes(data).pad4());
    }

    CaptureBytes block(int type, CaptureBytes body) {
        byte[] b = body.toByteArray();
        int length = 12 + b.length;
        return u32(type).u32(length).bytes(b).u32(length);
    }

    CaptureBytes body() {
        return new CaptureBytes(order);
    }
}
