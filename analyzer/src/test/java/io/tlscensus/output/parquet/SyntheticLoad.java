package io.tlscensus.output.parquet;

import io.tlscensus.engine.CaptureStats;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;

/**
 * Streams N synthetic connections through {@link ParquetOutput}, as the engine would, for the
 * memory test that runs it in a JVM of its own under a small heap. Connections are 50 ms apart
 * from 2024-03-01T00:00:00Z (5M of them span 2.9 days: three partitions), over 1000 clients,
 * 100 servers and 64 SNIs, so the summary stays small while connections stream.
 */
public final class SyntheticLoad {
    static final long START_MICROS = 1_709_251_200_000_000L; // 2024-03-01T00:00:00Z
    static final long STEP_MICROS = 50_000L;
    static final int[] VERSIONS = {TlsVersion.TLS10, TlsVersion.TLS11, TlsVersion.TLS12, TlsVersion.TLS13};

    private SyntheticLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long n = Long.parseLong(args[1]);
        String[] clients = new String[1000];
        for (int i = 0; i < clients.length; i++) clients[i] = "10.0." + (i / 256) + "." + (i % 256);
        String[] servers = new String[100];
        for (int i = 0; i < servers.length; i++) servers[i] = "2001:db8::" + Integer.toHexString(i + 1);
        String[] snis = new String[64];
        for (int i = 0; i < snis.length; i++) snis[i] = "host" + i + ".example.com";
        CaptureStats stats = new CaptureStats();
        try (ParquetOutput out = ParquetOutput.open(dir, "synthetic", List.of("synthetic"))) {
            for (long i = 0; i < n; i++) {
                ConnectionRecord r = new ConnectionRecord(); // as the engine does: one record per connection
                r.file = "synthetic.pcap";
                r.tsMicros = START_MICROS + i * STEP_MICROS;
                r.client = clients[(int) (i % clients.length)];
                r.clientPort = 1024 + (int) (i % 60000);
                r.server = servers[(int) (i % servers.length)];
                r.serverPort = 443;
                r.vlan = i % 10 == 0 ? 100 : -1;
                r.clientHelloSeen = true;
                r.sni = i % 5 == 0 ? null : snis[(int) (i % snis.length)];
                r.clientHelloVersion = TlsVersion.TLS12;
                r.recordVersion = TlsVersion.TLS10;
                int v = VERSIONS[(int) (i % VERSIONS.length)];
                if (v == TlsVersion.TLS13) {
                    r.clientSupportedVersions.add(TlsVersion.TLS13);
                    r.clientSupportedVersions.add(TlsVersion.TLS12);
                }
                r.alpn.add("h2");
                if (i % 7 == 0) r.alpn.add("http/1.1");
                r.serverHelloSeen = i % 3 != 0;
                if (r.serverHelloSeen) {
                    r.serverHelloVersion = Math.min(v, TlsVersion.TLS12);
                    r.negotiatedVersion = v;
                    r.cipherSuite = v == TlsVersion.TLS13 ? 0x1301 : 0xc02f;
                } else {
                    r.alerts.add(40);
                }
                stats.tlsConnections++;
                out.accept(r);
            }
            out.commit(stats, null);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        System.out.println("rows=" + n + " max_heap=" + Runtime.getRuntime().maxMemory() + " peak_heap_used=" + peak);
    }
}
