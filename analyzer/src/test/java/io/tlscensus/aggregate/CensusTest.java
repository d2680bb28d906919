package io.tlscensus.aggregate;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CensusTest {
    private static final int[] VERSIONS = {0x0002, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7f17, 0x7e01, 0xfefd, TlsVersion.NONE};

    private static ConnectionRecord connection(String client, String server, int port, String sni, int negotiated,
                                               int offered, long ts) {
        ConnectionRecord r = new ConnectionRecord();
        r.client = client;
        r.server = server;
        r.serverPort = port;
        r.sni = sni;
        r.negotiatedVersion = negotiated;
        r.clientHelloVersion = 0x0303;
        if (offered != TlsVersion.NONE) r.clientSupportedVersions.add(offered);
        r.tsMicros = ts;
        return r;
    }

    private static List<ConnectionRecord> randomConnections(long seed, int n) {
        Random random = new Random(seed);
        List<ConnectionRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // few enough SNIs per group that every group keeps all of them (VersionCounts.MAX_SNIS)
            String sni = random.nextInt(5) == 0 ? null : "host" + random.nextInt(12) + ".example";
            String server = random.nextBoolean() ? "192.0.2." + random.nextInt(4) : "2001:db8::" + random.nextInt(3);
            out.add(connection("10.0.0." + random.nextInt(6), server, random.nextBoolean() ? 443 : 8443, sni,
                    VERSIONS[random.nextInt(VERSIONS.length)], VERSIONS[random.nextInt(VERSIONS.length)],
                    1_700_000_000_000_000L + random.nextInt(1_000_000)));
        }
        return out;
    }

    /** Everything a census reports, in a canonical form for comparison. */
    private static String describe(Census c) {
        StringBuilder sb = new StringBuilder("total ").append(describe(c.total())).append('\n');
        for (Grouping g : Grouping.values()) {
            sb.append(g.label()).append('\n');
            for (Census.Row row : c.rows(g)) {
                sb.append("  ").append(row.transport()).append(' ').append(row.key()).append(' ')
                        .append(describe(row.counts())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String describe(VersionCounts v) {
        return v.connections + " " + Arrays.toString(v.negotiated) + " " + Arrays.toString(v.clientMax) + " "
                + v.firstSeenMicros + ".." + v.lastSeenMicros + " " + v.snis + " +" + v.snisNotKept;
    }

    private static Census census(List<ConnectionRecord> records) {
        Census c = new Census(EnumSet.allOf(Grouping.class));
        records.forEach(c::accept);
        return c;
    }

    @Test
    void mergingPartsEqualsOneCensusFedEverything() {
        List<ConnectionRecord> all = randomConnections(1, 3000);
        String whole = describe(census(all));
        for (int split : new int[] {0, 1, 1500, 2999, 3000}) {
            Census a = census(all.subList(0, split));
            Census b = census(all.subList(split, all.size()));
            Census ab = census(all.subList(0, split));
            ab.merge(b);
            Census ba = census(all.subList(split, all.size()));
            ba.merge(a);
            assertEquals(whole, describe(ab), "split at " + split);
            assertEquals(whole, describe(ba), "split at " + split + ", merged the other way");
        }
    }

    @Test
    void mergeIsIndependentOfHowConnectionsArePartitioned() {
        List<ConnectionRecord> all = randomConnections(2, 2000);
        String whole = describe(census(all));
        List<ConnectionRecord> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(3));
        Census[] parts = new Census[7];
        for (int i = 0; i < parts.length; i++) parts[i] = new Census(EnumSet.allOf(Grouping.class));
        Random random = new Random(4);
        for (ConnectionRecord r : shuffled) parts[random.nextInt(parts.length)].accept(r);
        Census merged = new Census(EnumSet.allOf(Grouping.class));
        for (Census p : parts) merged.merge(p);
        assertEquals(whole, describe(merged));
    }

    @Test
    void mergeAddsGroupingsTheTargetDidNotHave() {
        List<ConnectionRecord> all = randomConnections(5, 100);
        Census onlySni = new Census(EnumSet.of(Grouping.SNI));
        Census full = census(all);
        onlySni.merge(full);
        assertEquals(describe(full), describe(onlySni));
    }

    @Test
    void countsGoToTheirBuckets() {
        VersionCounts v = new VersionCounts();
        v.add(connection("c", "s", 443, "a", 0x0301, 0x0303, 20));
        v.add(connection("c", "s", 443, "b", 0x7f17, 0x0304, 10));
        v.add(connection("c", "s", 443, null, TlsVersion.NONE, 0x7e01, 30));
        v.add(connection("c", "s", 443, "a", 0x0002, TlsVersion.NONE, 15));
        assertEquals(4, v.connections);
        //                                 SSLv2 SSLv3 1.0 1.1 1.2 1.3 other none
        // Buckets: SSLv2 SSLv3 TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3 DTLSv1.0 DTLSv1.2 DTLSv1.3 other none
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1}, v.negotiated);
        assertArrayEquals(new long[] {0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0}, v.clientMax,
                "no supported_versions: the hello's 1.2");
        assertEquals(2, v.legacyNegotiated());
        assertEquals(10, v.firstSeenMicros);
        assertEquals(30, v.lastSeenMicros);
        assertEquals(List.of("a", "b"), new ArrayList<>(v.snis));
    }

    @Test
    void rowsPutLegacyGroupsFirst() {
        Census c = new Census(EnumSet.of(Grouping.SERVER));
        for (int i = 0; i < 5; i++) c.accept(connection("c", "192.0.2.1", 443, null, 0x0304, 0x0304, i));
        c.accept(connection("c", "192.0.2.2", 443, null, 0x0301, 0x0301, 0));
        c.accept(connection("c", "2001:db8::1", 443, null, 0x0303, 0x0304, 0));
        c.accept(connection("c", "192.0.2.3", 443, null, 0x0303, 0x0304, 0));
        List<String> keys = new ArrayList<>();
        for (Census.Row row : c.rows(Grouping.SERVER)) keys.add(row.key());
        assertEquals(List.of("192.0.2.2:443", "192.0.2.1:443", "192.0.2.3:443", "[2001:db8::1]:443"), keys);
    }

    @Test
    void groupKeysFollowTheGrouping() {
        ConnectionRecord r = connection("10.0.0.1", "2001:db8::1", 8443, null, 0x0303, 0x0303, 0);
        assertEquals("10.0.0.1", Grouping.CLIENT.keyOf(r));
        assertEquals("[2001:db8::1]:8443", Grouping.SERVER.keyOf(r));
        assertEquals("(no sni)", Grouping.SNI.keyOf(r));
        assertEquals("10.0.0.1 -> [2001:db8::1]:8443", Grouping.PAIR.keyOf(r));
    }
}
