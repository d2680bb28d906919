package io.tlscensus.aggregate;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionCubeTest {
    private static ConnectionRecord record(String client, String sni, int negotiated, long ts) {
        ConnectionRecord r = new ConnectionRecord();
        r.client = client;
        r.server = "192.0.2.1";
        r.serverPort = 443;
        r.sni = sni;
        r.clientHelloVersion = TlsVersion.TLS12;
        r.clientSupportedVersions.add(TlsVersion.TLS13);
        r.negotiatedVersion = negotiated;
        r.tsMicros = ts;
        return r;
    }

    @Test
    void countsEachCombinationWithItsTimeSpan() {
        ConnectionCube cube = new ConnectionCube();
        cube.accept(record("10.0.0.1", "a.example", TlsVersion.TLS13, 30));
        cube.accept(record("10.0.0.1", "a.example", TlsVersion.TLS13, 10));
        cube.accept(record("10.0.0.1", null, TlsVersion.TLS13, 20));
        cube.accept(record("10.0.0.1", "a.example", TlsVersion.TLS12, 5));
        assertEquals(3, cube.size());
        ConnectionCube.Cell cell = cube.get(new ConnectionCube.Key("10.0.0.1", "192.0.2.1", 443, "a.example",
                TlsVersion.TLS13, TlsVersion.TLS13));
        assertEquals(List.of(2L, 10L, 30L), List.of(cell.connections, cell.firstSeenMicros, cell.lastSeenMicros));
        List<Map.Entry<ConnectionCube.Key, ConnectionCube.Cell>> rows = cube.rowsByFirstSeen();
        assertEquals(List.of(5L, 10L, 20L), rows.stream().map(e -> e.getValue().firstSeenMicros).toList());
    }

    @Test
    void mergingInEitherOrderGivesTheSameCells() {
        ConnectionCube a = new ConnectionCube();
        ConnectionCube b = new ConnectionCube();
        ConnectionCube all = new ConnectionCube();
        for (int i = 0; i < 100; i++) {
            ConnectionRecord r = record("10.0.0." + (i % 7), i % 3 == 0 ? null : "s" + (i % 5), TlsVersion.TLS12 + i % 2, i);
            (i % 2 == 0 ? a : b).accept(r);
            all.accept(r);
        }
        ConnectionCube ab = new ConnectionCube();
        ab.merge(a);
        ab.merge(b);
        ConnectionCube ba = new ConnectionCube();
        ba.merge(b);
        ba.merge(a);
        for (ConnectionCube merged : List.of(ab, ba)) {
            assertEquals(all.size(), merged.size());
            for (Map.Entry<ConnectionCube.Key, ConnectionCube.Cell> e : all.rowsByFirstSeen()) {
                ConnectionCube.Cell c = merged.get(e.getKey());
                assertEquals(List.of(e.getValue().connections, e.getValue().firstSeenMicros, e.getValue().lastSeenMicros),
                        List.of(c.connections, c.firstSeenMicros, c.lastSeenMicros));
            }
        }
    }
}
