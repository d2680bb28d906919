package io.tlscensus.capture;

import io.tlscensus.capture.Reading.Mode;
import io.tlscensus.capture.Reading.Packet;
import io.tlscensus.capture.Reading.Result;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PcapNgReaderTest {
    @TempDir
    Path temp;

    private final List<Packet> expected = new ArrayList<>();

    /**
     * Two sections of opposite byte order; the first has four interfaces with different link types,
     * resolutions and an offset, the second restarts interface numbering. All packet block kinds and
     * blocks the reader must skip are mixed in.
     */
    private byte[] twoSections(ByteOrder first, ByteOrder second) {
        CaptureBytes c = CaptureBytes.pcapng(first);
        c.interfaceDescription(LinkType.ETHERNET, 128, -1, null);            // 0: default 10^-6
        c.interfaceDescription(LinkType.RAW, 0, 9, null);                    // 1: 10^-9
        c.interfaceDescription(LinkType.LINUX_SLL, 65535, 0x80 | 20, 1000L); // 2: 2^-20, +1000 s
        c.interfaceDescription(LinkType.IPV4, 65535, 0x80 | 48, null);       // 3: 2^-48 (128-bit path)

        byte[] a = CaptureBytes.payload(60, 1);
        c.enhancedPacket(0, 1_700_000_000_123_456L, a, 60);
        expected.add(new Packet(1_700_000_000_123_456L, LinkType.ETHERNET, a, 60));

        c.block(0x0BAD, c.body().u32(42).u32(43)); // unknown block type
        c.block(4, c.body().u16(0).u16(0));        // name resolution block, end of records

        byte[] b = CaptureBytes.payload(1, 2);
        c.enhancedPacket(1, 1_700_000_000_123_456_789L, b, 1);
        expected.add(new Packet(1_700_000_000_123_456L, LinkType.RAW, b, 1));

        byte[] d = CaptureBytes.payload(77, 3);
        c.enhancedPacket(2, (5L << 20) | (1L << 19), d, 1500);
        expected.add(new Packet(1_005_500_000L, LinkType.LINUX_SLL, d, 1500));

        byte[] e = CaptureBytes.payload(64, 4);
        c.enhancedPacket(3, (3L << 48) | (1L << 47) | (1L << 46), e, 64);
        expected.add(new Packet(3_750_000L, LinkType.IPV4, e, 64));

        byte[] f = CaptureBytes.payload(33, 5);
        c.obsoletePacket(1, 2_000_000_000L, f, 40);
        expected.add(new Packet(2_000_000L, LinkType.RAW, f, 40));

        // Simple packet: interface 0 with snaplen 128; the 300-byte packet was stored cut to 128
        byte[] g = CaptureBytes.payload(128, 6);
        c.simplePacket(300, g);
        expected.add(new Packet(0, LinkType.ETHERNET, g, 300));

        byte[] h = CaptureBytes.payload(2000, 7);
        c.enhancedPacket(0, 7, h, 2000);
        expected.add(new Packet(7, LinkType.ETHERNET, h, 2000));

        c.sectionHeader(second);
        c.interfaceDescription(LinkType.LINUX_SLL2, 0, 3, null); // 10^-3: milliseconds
        byte[] i = CaptureBytes.payload(61, 8);
        c.enhancedPacket(0, 1_700_000_000_001L, i, 61);
        expected.add(new Packet(1_700_000_000_001_000L, LinkType.LINUX_SLL2, i, 61));

        byte[] j = CaptureBytes.payload(61, 9);
        c.simplePacket(61, j); // snaplen 0: unlimited, the block is padded past the data
        expected.add(new Packet(0, LinkType.LINUX_SLL2, j, 61));
        c.block(5, c.body().u32(0).u32(0).u32(0)); // interface statistics: skipped
        return c.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void littleThenBigEndianSections(Mode mode) {
        Result result = Reading.read(twoSections(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN), mode, temp);
        assertNull(result.damage());
        assertEquals(expected, result.packets());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void bigThenLittleEndianSections(Mode mode) {
        Result result = Reading.read(twoSections(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN), mode, temp);
        assertNull(result.damage());
        assertEquals(expected, result.packets());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void tsoffsetMayBeNegativeAndAppliesToItsInterfaceOnly(Mode mode) {
        CaptureBytes c = CaptureBytes.pcapng(ByteOrder.LITTLE_ENDIAN);
        c.interfaceDescription(LinkType.ETHERNET, 0, 6, -10L);
        c.interfaceDescription(LinkType.ETHERNET, 0, 6, null);
        c.enhancedPacket(0, 11_000_000L, new byte[0], 0);
        c.enhancedPacket(1, 11_000_000L, new byte[0], 0);
        Result result = Reading.read(c.toByteArray(), mode, temp);
        assertEquals(List.of(1_000_000L, 11_000_000L),
                result.packets().stream().map(Packet::timestampMicros).toList());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void sectionWithoutPacketsIsFine(Mode mode) {
        Result result = Reading.read(CaptureBytes.pcapng(ByteOrder.BIG_ENDIAN).toByteArray(), mode, temp);
        assertNull(result.damage());
        assertEquals(List.of(), result.packets());
    }
}
