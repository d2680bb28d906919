package io.tlscensus.output;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionFieldsTest {
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static String reference(long micros) {
        return ISO.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L));
    }

    /** The hand-written timestamp is the formatter's, for any instant a capture can carry and beyond. */
    @Test
    void timestampMatchesTheIsoFormatter() {
        long[] fixed = {0, -1, 1, 999_999, 1_000_000, -1_000_000, 951_782_400_000_000L /* 2000-02-29 */,
                253_402_300_799_999_999L /* 9999-12-31T23:59:59.999999 */, 253_402_300_800_000_000L /* year 10000 */,
                -62_135_596_800_000_000L /* 0001-01-01 */, 4_294_967_295_000_000L /* pcap's last second */};
        for (long m : fixed) assertEquals(reference(m), ConnectionFields.timestamp(m), "micros " + m);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 100_000; i++) {
            long m = random.nextLong(-5_000_000_000_000_000L, 5_000_000_000_000_000L);
            assertEquals(reference(m), ConnectionFields.timestamp(m), "micros " + m);
        }
    }
}
