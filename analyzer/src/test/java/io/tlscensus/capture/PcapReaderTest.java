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

class PcapReaderTest {
    @TempDir
    Path temp;

    /** Sizes chosen to straddle a 64-byte window and a 16-byte stream buffer, including empty and jumbo. */
    private static final int[] SIZES = {60, 1, 0, 200, 1514, 9000, 63, 64, 65};

    @ParameterizedTest
    @EnumSource(Mode.class)
    void deliversEveryRecordInBothByteOrdersAndResolutions(Mode mode) {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (boolean nanos : new boolean[] {false, true}) {
                // snaplen 128 is exceeded by some records: tools write such files and they must still be read
                CaptureBytes capture = CaptureBytes.pcap(order, nanos, 128, LinkType.ETHERNET);
                List<Packet> expected = new ArrayList<>();
                for (int n = 0; n < SIZES.length; n++) {
                    byte[] data = CaptureBytes.payload(SIZES[n], n);
                    long seconds = 1_700_000_000L + n;
                    long fraction = nanos ? 123_456_789L + n : 654_321L + n;
                    int original = SIZES[n] + n; // some packets cut short by snaplen
                    capture.record(seconds, fraction, data, original);
                    long micros = seconds * 1_000_000L + (nanos ? fraction / 1000 : fraction);
                    expected.add(new Packet(micros, LinkType.ETHERNET, data, original));
                }
                Result result = Reading.read(capture.toByteArray(), mode, temp);
                assertNull(result.damage(), order + " nanos=" + nanos);
                assertEquals(expected, result.packets(), order + " nanos=" + nanos);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void linkTypeIgnoresFcsBitsInTheUpperHalf(Mode mode) {
        long fcsLengthAndFlag = (2L << 28) | (1L << 26);
        CaptureBytes capture = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, fcsLengthAndFlag | LinkType.RAW);
        byte[] data = CaptureBytes.payload(40, 7);
        capture.record(1, 2, data, 40);
        Result result = Reading.read(capture.toByteArray(), mode, temp);
        assertNull(result.damage());
        assertEquals(List.of(new Packet(1_000_002L, LinkType.RAW, data, 40)), result.packets());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void timestampsAfter2038AreUnsigned(Mode mode) {
        CaptureBytes capture = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, false, 65535, LinkType.ETHERNET);
        capture.record(0xF0000000L, 999_999, new byte[0], 0);
        Result result = Reading.read(capture.toByteArray(), mode, temp);
        assertEquals(0xF0000000L * 1_000_000L + 999_999, result.packets().get(0).timestampMicros());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void headerOnlyFileHasNoPackets(Mode mode) {
        Result result = Reading.read(CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, true, 0, 1).toByteArray(), mode, temp);
        assertNull(result.damage());
        assertEquals(List.of(), result.packets());
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"MAPPED", "MAPPED_TINY_WINDOW", "GZIP_FILE"})
    void progressReachesTheStoredSize(Mode mode) {
        CaptureBytes capture = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1);
        for (int n = 0; n < 50; n++) {
            capture.record(n, 0, CaptureBytes.payload(100, n), 100);
        }
        Result result = Reading.read(capture.toByteArray(), mode, temp);
        long stored = mode == Mode.GZIP_FILE ? CaptureBytes.gzip(capture.toByteArray()).length : capture.size();
        assertEquals(stored, result.sizeBytes());
        assertEquals(stored, result.bytesRead());
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"STDIN", "GZIP_STDIN"})
    void stdinHasUnknownSizeButCountsBytes(Mode mode) {
        CaptureBytes capture = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1);
        capture.record(1, 0, CaptureBytes.payload(100, 1), 100);
        Result result = Reading.read(capture.toByteArray(), mode, temp);
        assertEquals(-1, result.sizeBytes());
        long stored = mode == Mode.GZIP_STDIN ? CaptureBytes.gzip(capture.toByteArray()).length : capture.size();
        assertEquals(stored, result.bytesRead());
    }
}
