package io.tlscensus.engine;

import io.tlscensus.capture.CaptureFormatException;
import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.testing.TestInputs;
import io.tlscensus.tls.ConnectionRecord;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An engine keeps its first handshakes in flight live and parks the rest (Handshakes): whether a
 * handshake was parked between its packets must never show in what is emitted. Every sample and
 * corpus capture gives the same records, field by field and in the same order, when every
 * handshake that can be parked is (a live window of 0) as with the default window, in which these
 * small captures park none.
 */
class ParkingTest {
    @Test
    void parkingEveryHandshakeChangesNoRecord() throws Exception {
        int records = 0;
        for (Path file : TestInputs.captureFiles()) {
            EngineLimits parkAll = new EngineLimits();
            parkAll.liveHandshakes = 0;
            List<String> parked = records(file, parkAll);
            List<String> live = records(file, new EngineLimits());
            assertEquals(live, parked, file.toString());
            records += live.size();
        }
        assertTrue(records > 200, records + " records compared");
    }

    private static List<String> records(Path file, EngineLimits limits) throws Exception {
        List<String> out = new ArrayList<>();
        CensusEngine engine = new CensusEngine(limits, r -> out.add(dump(r)));
        engine.beginInput(file.toString());
        try (CaptureSource source = Captures.open(file)) {
            source.readAll(engine);
        } catch (CaptureFormatException damaged) {
            // what precedes the damage is compared like the rest
        }
        engine.endInput();
        return out;
    }

    /** Every field of the record, arrays by content. */
    private static String dump(ConnectionRecord r) {
        StringBuilder sb = new StringBuilder();
        for (Field f : ConnectionRecord.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            try {
                Object v = f.get(r);
                sb.append(f.getName()).append('=')
                        .append(v instanceof char[] ? Arrays.toString((char[]) v) : String.valueOf(v)).append(' ');
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return sb.toString();
    }
}
