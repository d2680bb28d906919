package io.tlscensus.aggregate;

import io.tlscensus.tls.ConnectionRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VersionCountsTest {
    /** Threads and merges see connections in any order: the SNIs kept and the count of the rest must not depend on it. */
    @Test
    void keptSnisDoNotDependOnOrderOrMerging() {
        List<String> snis = new ArrayList<>();
        for (int i = 0; i < 40; i++) for (int k = 0; k <= i % 3; k++) snis.add(String.format("host%02d.test", i));
        VersionCounts inOrder = new VersionCounts();
        for (String s : snis) inOrder.add(record(s));
        assertEquals(16, inOrder.snis.size());
        assertEquals("host00.test", inOrder.snis.first());
        assertEquals("host15.test", inOrder.snis.last());
        long keptConnections = snis.stream().filter(s -> s.compareTo("host15.test") <= 0).count();
        assertEquals(snis.size() - keptConnections, inOrder.snisNotKept);

        for (int seed = 0; seed < 20; seed++) {
            List<String> shuffled = new ArrayList<>(snis);
            Collections.shuffle(shuffled, new Random(seed));
            VersionCounts a = new VersionCounts(), b = new VersionCounts(), merged = new VersionCounts();
            for (int i = 0; i < shuffled.size(); i++) (i % 3 == 0 ? a : b).add(record(shuffled.get(i)));
            merged.merge(b);
            merged.merge(a);
            assertEquals(inOrder.snis, merged.snis);
            assertEquals(inOrder.snisNotKept, merged.snisNotKept);
            assertEquals(inOrder.connections, merged.connections);
        }
    }

    private static ConnectionRecord record(String sni) {
        ConnectionRecord r = new ConnectionRecord();
        r.sni = sni;
        return r;
    }
}
