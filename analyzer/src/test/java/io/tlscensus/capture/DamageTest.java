package io.tlscensus.capture;

import io.tlscensus.capture.Reading.Mode;
import io.tlscensus.capture.Reading.Packet;
import io.tlscensus.capture.Reading.Result;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of damage is one message saying what and where, after the packets before it. */
class DamageTest {
    @TempDir
    Path temp;

    private final List<Packet> good = new ArrayList<>();

    private CaptureBytes pcapWithTwoPackets() {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, LinkType.ETHERNET);
        for (int n = 0; n < 2; n++) {
            byte[] data = CaptureBytes.payload(60, n);
            c.record(100 + n, 5, data, 60);
            good.add(new Packet((100 + n) * 1_000_000L + 5, LinkType.ETHERNET, data, 60));
        }
        return c;
    }

    private CaptureBytes pcapngWithOnePacket(ByteOrder order) {
        CaptureBytes c = CaptureBytes.pcapng(order);
        c.interfaceDescription(LinkType.RAW, 0, -1, null);
        byte[] data = CaptureBytes.payload(50, 1);
        c.enhancedPacket(0, 42, data, 50);
        good.add(new Packet(42, LinkType.RAW, data, 50));
        return c;
    }

    private void assertDamage(Result result, String message, long offset) {
        assertEquals(message, result.message());
        assertEquals(offset, result.damage().offset());
        assertEquals(good, result.packets(), "packets before the damage are delivered");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void truncatedInRecordHeader(Mode mode) {
        CaptureBytes c = pcapWithTwoPackets();
        int at = c.size();
        c.u32(1).u8(0);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "truncated packet record header at offset " + at + ": 16 bytes needed, 5 left", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void truncatedInRecordData(Mode mode) {
        CaptureBytes c = pcapWithTwoPackets();
        int at = c.size();
        c.u32(1).u32(0).u32(100).u32(100).bytes(new byte[40]);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "truncated packet record at offset " + at + ": header says 100 bytes, 40 left", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void recordLongerThanTheFile(Mode mode) {
        CaptureBytes c = pcapWithTwoPackets();
        int at = c.size();
        c.u32(1).u32(0).u32(200_000).u32(200_000).bytes(new byte[10]);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "truncated packet record at offset " + at + ": header says 200000 bytes, 10 left", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void garbageAfterRecords(Mode mode) {
        CaptureBytes c = pcapWithTwoPackets();
        int at = c.size();
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xAB);
        c.bytes(garbage);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "packet record at offset " + at + " has captured length 2880154539 (more than 262144)", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void truncatedPcapFileHeader(Mode mode) {
        byte[] header = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1).toByteArray();
        assertDamage(Reading.read(Arrays.copyOf(header, 14), mode, temp),
                "truncated pcap file header: 24 bytes needed, 14 present", 0);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unsupportedPcapVersion(Mode mode) {
        CaptureBytes c = new CaptureBytes(ByteOrder.BIG_ENDIAN);
        c.u32(0xa1b2c3d4L).u16(1).u16(0).u32(0).u32(0).u32(65535).u32(1);
        assertDamage(Reading.read(c.toByteArray(), mode, temp), "unsupported pcap version 1.0", 4);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void wrongMagic(Mode mode) {
        byte[] html = "<html><body>not a capture</body></html>".getBytes(StandardCharsets.US_ASCII);
        assertDamage(Reading.read(html, mode, temp), "not a capture file (magic 0x3c68746d)", 0);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void tooShortForAMagic(Mode mode) {
        String suffix = Reading.isGzip(mode) ? " after gzip decompression)" : ")";
        assertDamage(Reading.read(new byte[] {(byte) 0xa1, (byte) 0xb2, (byte) 0xc3}, mode, temp),
                "not a capture file (only 3 bytes" + suffix, 0);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void emptyFile(Mode mode) {
        String message = Reading.isGzip(mode) ? "empty file (after gzip decompression)"
                : Reading.isStdin(mode) ? "empty input" : "empty file";
        assertDamage(Reading.read(new byte[0], mode, temp), message, 0);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngBlockLengthNotAMultipleOf4(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        int at = c.size();
        c.u32(6).u32(7).u32(0).u32(0);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "pcapng block at offset " + at + " has length 7 (must be a multiple of 4, >= 12)", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngBlockLengthBelowMinimum(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.BIG_ENDIAN);
        int at = c.size();
        c.u32(0x0BAD).u32(8).u32(8);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "pcapng block at offset " + at + " has length 8 (must be a multiple of 4, >= 12)", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngTrailingLengthDiffers(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        int at = c.size();
        c.u32(6).u32(32).u32(0).u32(0).u32(0).u32(0).u32(0).u32(36);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "pcapng block at offset " + at + " has length 32 but trailing length 36", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngSkippedBlockTrailingLengthDiffers(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.BIG_ENDIAN);
        int at = c.size();
        c.u32(0x0BAD).u32(16).u32(0).u32(12);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "pcapng block at offset " + at + " has length 16 but trailing length 12", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngTruncatedPacketBlock(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        int at = c.size();
        byte[] whole = c.enhancedPacket(0, 1, new byte[100], 100).toByteArray();
        int blockLength = whole.length - at;
        assertDamage(Reading.read(Arrays.copyOf(whole, at + 40), mode, temp),
                "truncated pcapng block at offset " + at + ": header says " + blockLength + " bytes, 40 left", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngTruncatedSkippedBlock(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.BIG_ENDIAN);
        int at = c.size();
        c.u32(0x0BAD).u32(100_000).bytes(new byte[12]);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "truncated pcapng block at offset " + at + ": header says 100000 bytes, 20 left", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngTruncatedBlockHeader(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        int at = c.size();
        c.u32(6).u16(0);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "truncated pcapng block header at offset " + at + ": 12 bytes needed, 6 left", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngPacketForAnUndescribedInterface(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        int at = c.size();
        c.enhancedPacket(1, 1, new byte[4], 4);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "enhanced packet block at offset " + at + " refers to interface 1, but the section has 1", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngNewSectionForgetsInterfaces(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        c.sectionHeader(ByteOrder.BIG_ENDIAN);
        int at = c.size();
        c.simplePacket(4, new byte[4]);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "simple packet block at offset " + at + " refers to interface 0, but the section has 0", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngCapturedLengthBeyondBlock(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.BIG_ENDIAN);
        int at = c.size();
        c.u32(6).u32(36).u32(0).u32(0).u32(0).u32(5).u32(5).u32(0).u32(36);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "enhanced packet block at offset " + at + " has captured length 5, more than its block length 36 holds", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngBadByteOrderMagic(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.BIG_ENDIAN);
        int at = c.size();
        c.u32(0x0A0D0D0AL).u32(28).u32(0x12345678).u16(1).u16(0).u64(-1).u32(28);
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "pcapng section header at offset " + at + " has byte-order magic 0x12345678", at);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pcapngOptionOverrunsBlock(Mode mode) {
        CaptureBytes c = pcapngWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        int at = c.size();
        c.block(PcapNgReader.INTERFACE_DESCRIPTION, c.body().u16(1).u16(0).u32(0).u16(9).u16(40).u32(0));
        assertDamage(Reading.read(c.toByteArray(), mode, temp),
                "interface description block at offset " + at + ": option 9 at offset " + (at + 16)
                        + " overruns the block", at);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"GZIP_FILE", "GZIP_STDIN", "GZIP_FILE_TINY_BUFFER"})
    void truncatedGzipDeliversWhatWasInflated(Mode mode) {
        CaptureBytes c = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1);
        List<Packet> all = new ArrayList<>();
        java.util.Random random = new java.util.Random(1); // incompressible, so a cut loses about half
        for (int n = 0; n < 400; n++) {
            byte[] data = new byte[500];
            random.nextBytes(data);
            c.record(n, 0, data, 500);
            all.add(new Packet(n * 1_000_000L, 1, data, 500));
        }
        byte[] gzip = CaptureBytes.gzip(c.toByteArray());
        Result result = Reading.readStored(Arrays.copyOf(gzip, gzip.length / 2), mode, temp);
        assertTrue(result.message().startsWith("truncated gzip data after "), result.message());
        int delivered = result.packets().size();
        assertTrue(delivered > 100 && delivered < 400, "delivered " + delivered);
        assertEquals(all.subList(0, delivered), result.packets());
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"GZIP_FILE", "GZIP_STDIN"})
    void gzipWithBadChecksum(Mode mode) {
        CaptureBytes c = pcapWithTwoPackets();
        byte[] gzip = CaptureBytes.gzip(c.toByteArray());
        gzip[gzip.length - 8] ^= 1; // CRC32 in the member trailer
        Result result = Reading.readStored(gzip, mode, temp);
        assertEquals("corrupt gzip data after " + c.size() + " decompressed bytes (Corrupt GZIP trailer)",
                result.message());
        assertEquals(good, result.packets());
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"GZIP_FILE", "GZIP_STDIN"})
    void gzipCutInsideItsHeader(Mode mode) {
        byte[] gzip = CaptureBytes.gzip(pcapWithTwoPackets().toByteArray());
        good.clear();
        assertDamage(Reading.readStored(Arrays.copyOf(gzip, 6), mode, temp), "truncated gzip header", 0);
    }
}
