package io.tlscensus.aggregate;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;

import java.util.HashMap;
import java.util.TreeSet;

/**
 * Connections of one group (a client, a server, an SNI, a pair) counted by negotiated version and
 * by the highest version the client offered. Mergeable: adding two counts in any order gives the
 * same result, which is what lets threads, files and Spark partitions combine.
 */
public final class VersionCounts {
    /**
     * Distinct SNIs kept per group: the first ones in sort order, whatever order the connections
     * came in (so threads and merges give the same set); the connections with any other SNI are
     * counted in {@link #snisNotKept}, not stored, so memory stays bounded.
     */
    public static final int MAX_SNIS = 16;

    public long connections;
    public final long[] negotiated = new long[TlsVersion.BUCKETS.length];
    public final long[] clientMax = new long[TlsVersion.BUCKETS.length];
    public long firstSeenMicros = Long.MAX_VALUE;
    public long lastSeenMicros = Long.MIN_VALUE;
    public final TreeSet<String> snis = new TreeSet<>();
    public long snisNotKept;
    /** Connections per kept SNI: what moves to snisNotKept when a smaller SNI displaces it. */
    private final HashMap<String, Long> sniConnections = new HashMap<>();

    public void add(ConnectionRecord r) {
        connections++;
        negotiated[TlsVersion.bucket(r.negotiatedVersion)]++;
        clientMax[TlsVersion.bucket(r.clientMaxVersion())]++;
        firstSeenMicros = Math.min(firstSeenMicros, r.tsMicros);
        lastSeenMicros = Math.max(lastSeenMicros, r.tsMicros);
        if (r.sni != null) addSni(r.sni, 1);
    }

    public void merge(VersionCounts o) {
        connections += o.connections;
        for (int i = 0; i < negotiated.length; i++) {
            negotiated[i] += o.negotiated[i];
            clientMax[i] += o.clientMax[i];
        }
        firstSeenMicros = Math.min(firstSeenMicros, o.firstSeenMicros);
        lastSeenMicros = Math.max(lastSeenMicros, o.lastSeenMicros);
        // An SNI the other side did not keep has MAX_SNIS smaller ones there: it cannot be kept here either.
        o.sniConnections.forEach(this::addSni);
        snisNotKept += o.snisNotKept;
    }

    private void addSni(String sni, long connections) {
        Long kept = sniConnections.get(sni);
        if (kept != null) {
            sniConnections.put(sni, kept + connections);
            return;
        }
        if (snis.size() == MAX_SNIS) {
            String last = snis.last();
            if (sni.compareTo(last) > 0) {
                snisNotKept += connections;
                return;
            }
            snis.remove(last);
            snisNotKept += sniConnections.remove(last);
        }
        snis.add(sni);
        sniConnections.put(sni, connections);
    }

    /** Connections that negotiated SSLv2, SSLv3, TLS 1.0, TLS 1.1 or DTLS 1.0. */
    public long legacyNegotiated() {
        long n = 0;
        for (int b : TlsVersion.LEGACY_BUCKETS) n += negotiated[b];
        return n;
    }
}
