package io.tlscensus.aggregate;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;

import java.util.TreeSet;

/**
 * Connections of one group (a client, a server, an SNI, a pair) counted by negotiated version and
 * by the highest version the client offered. Mergeable: adding two counts in any order gives the
 * same result, which is what lets threads, files and Spark partitions combine.
 */
public final class VersionCounts {
    /** Distinct SNIs kept per group; more are counted, not stored, so memory stays bounded. */
    public static final int MAX_SNIS = 16;

    public long connections;
    public final long[] negotiated = new long[TlsVersion.BUCKETS.length];
    public final long[] clientMax = new long[TlsVersion.BUCKETS.length];
    public long firstSeenMicros = Long.MAX_VALUE;
    public long lastSeenMicros = Long.MIN_VALUE;
    public final TreeSet<String> snis = new TreeSet<>();
    public long snisNotKept;

    public void add(ConnectionRecord r) {
        connections++;
        negotiated[TlsVersion.bucket(r.negotiatedVersion)]++;
        clientMax[TlsVersion.bucket(r.clientMaxVersion())]++;
        firstSeenMicros = Math.min(firstSeenMicros, r.tsMicros);
        lastSeenMicros = Math.max(lastSeenMicros, r.tsMicros);
        if (r.sni != null) addSni(r.sni);
    }

    public void merge(VersionCounts o) {
        connections += o.connections;
        for (int i = 0; i < negotiated.length; i++) {
            negotiated[i] += o.negotiated[i];
            clientMax[i] += o.clientMax[i];
        }
        firstSeenMicros = Math.min(firstSeenMicros, o.firstSeenMicros);
        lastSeenMicros = Math.max(lastSeenMicros, o.lastSeenMicros);
        for (String s : o.snis) addSni(s);
        snisNotKept += o.snisNotKept;
    }

    private void addSni(String sni) {
        if (snis.contains(sni)) return;
        if (snis.size() < MAX_SNIS) snis.add(sni);
        else snisNotKept++;
    }

    /** Connections that negotiated SSLv2, SSLv3, TLS 1.0, TLS 1.1 or DTLS 1.0. */
    public long legacyNegotiated() {
        long n = 0;
        for (int b : TlsVersion.LEGACY_BUCKETS) n += negotiated[b];
        return n;
    }
}
