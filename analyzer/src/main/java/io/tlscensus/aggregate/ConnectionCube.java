package io.tlscensus.aggregate;

import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.tls.ConnectionRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Connections counted per (transport, VLAN, tunnel, client, server, server port, SNI, negotiated
 * version, highest client version), with the first and last time each combination was seen: the rows of the Parquet
 * summary. Memory grows with the number of distinct combinations, not with connections.
 * Mergeable like {@link Census}: merging in any order gives the same cells.
 */
public final class ConnectionCube implements ConnectionSink {
    /** One combination. Versions are wire numbers ({@code TlsVersion.NONE} when absent). */
    public static final class Key {
        /** tcp, udp (DTLS) or quic: never mixed. */
        public final String transport;
        /** VLAN id and tunnel id, -1 when none: one client IP on two VLANs is two clients. */
        public final int vlan;
        public final long tunnelId;
        public final String client;
        public final String server;
        public final int serverPort;
        public final String sni;
        public final int negotiatedVersion;
        public final int clientMaxVersion;
        private final int hash;

        public Key(String client, String server, int serverPort, String sni, int negotiatedVersion, int clientMaxVersion) {
            this("tcp", -1, -1, client, server, serverPort, sni, negotiatedVersion, clientMaxVersion);
        }

        public Key(String transport, int vlan, long tunnelId, String client, String server, int serverPort, String sni,
                   int negotiatedVersion, int clientMaxVersion) {
            this.transport = transport;
            this.vlan = vlan;
            this.tunnelId = tunnelId;
            this.client = client;
            this.server = server;
            this.serverPort = serverPort;
            this.sni = sni;
            this.negotiatedVersion = negotiatedVersion;
            this.clientMaxVersion = clientMaxVersion;
            int h = transport.hashCode() * 31 + vlan;
            h = 31 * h + Long.hashCode(tunnelId);
            h = 31 * h + client.hashCode();
            h = 31 * h + server.hashCode();
            h = 31 * h + serverPort;
            h = 31 * h + (sni == null ? 0 : sni.hashCode());
            h = 31 * h + negotiatedVersion;
            this.hash = 31 * h + clientMaxVersion;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) return true;
            if (!(o instanceof Key)) return false;
            Key k = (Key) o;
            return hash == k.hash && serverPort == k.serverPort && negotiatedVersion == k.negotiatedVersion
                    && clientMaxVersion == k.clientMaxVersion && vlan == k.vlan && tunnelId == k.tunnelId
                    && transport.equals(k.transport) && client.equals(k.client) && server.equals(k.server)
                    && Objects.equals(sni, k.sni);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Count and time span of one combination; times in microseconds since the epoch. */
    public static final class Cell {
        public long connections;
        public long firstSeenMicros = Long.MAX_VALUE;
        public long lastSeenMicros = Long.MIN_VALUE;

        void add(long tsMicros) {
            connections++;
            firstSeenMicros = Math.min(firstSeenMicros, tsMicros);
            lastSeenMicros = Math.max(lastSeenMicros, tsMicros);
        }

        void merge(Cell o) {
            connections += o.connections;
            firstSeenMicros = Math.min(firstSeenMicros, o.firstSeenMicros);
            lastSeenMicros = Math.max(lastSeenMicros, o.lastSeenMicros);
        }
    }

    private final Map<Key, Cell> cells = new HashMap<>();

    @Override
    public void accept(ConnectionRecord r) {
        Key key = new Key(r.transport, r.vlan, r.tunnelId, r.client, r.server, r.serverPort, r.sni,
                r.negotiatedVersion, r.clientMaxVersion());
        cells.computeIfAbsent(key, k -> new Cell()).add(r.tsMicros);
    }

    public void merge(ConnectionCube other) {
        other.cells.forEach((k, v) -> cells.computeIfAbsent(k, x -> new Cell()).merge(v));
    }

    public int size() {
        return cells.size();
    }

    public Cell get(Key key) {
        return cells.get(key);
    }

    /** Every cell, oldest first_seen first (so a writer partitioned by that date opens one partition at a time). */
    public List<Map.Entry<Key, Cell>> rowsByFirstSeen() {
        List<Map.Entry<Key, Cell>> rows = new ArrayList<>(cells.entrySet());
        rows.sort(Comparator.comparingLong(e -> e.getValue().firstSeenMicros));
        return rows;
    }
}
