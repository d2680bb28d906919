package io.tlscensus.output.parquet;

import io.tlscensus.aggregate.ConnectionCube;
import io.tlscensus.readiness.ReadinessRow;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.Fingerprints;
import io.tlscensus.tls.TlsVersion;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.util.List;
import java.util.Map;

import static io.tlscensus.output.parquet.Column.binary;
import static io.tlscensus.output.parquet.Column.bool;
import static io.tlscensus.output.parquet.Column.int32;
import static io.tlscensus.output.parquet.Column.int64;
import static io.tlscensus.output.parquet.Column.intList;
import static io.tlscensus.output.parquet.Column.list;
import static io.tlscensus.output.parquet.Column.nullableInt64;
import static io.tlscensus.output.parquet.Column.string;
import static io.tlscensus.output.parquet.Column.stringList;
import static io.tlscensus.output.parquet.Column.timestamp;

/**
 * The three Parquet datasets. The connections columns are the jsonl connection fields
 * ({@code io.tlscensus.output.ConnectionFields}), in the same order, with the same values, typed.
 */
final class Datasets {
    private static final String[] CIPHER_NAMES = new String[0x10000];
    /** Version names as UTF-8, made once per version number rather than once per row. */
    private static final Map<Integer, Binary> VERSION_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    private Datasets() {
    }

    static final Table<ConnectionRecord> CONNECTIONS = new Table<>("connection",
            string("file", false, r -> r.file),
            timestamp("ts", r -> r.tsMicros),
            string("transport", false, r -> r.transport),
            string("client", false, r -> r.client),
            int32("client_port", r -> r.clientPort),
            string("server", false, r -> r.server),
            int32("server_port", r -> r.serverPort),
            int32("vlan", r -> r.vlan, v -> v >= 0),
            nullableInt64("tunnel_id", r -> r.tunnelId < 0 ? null : r.tunnelId),
            string("sni", true, r -> r.sni),
            binary("client_hello_version", r -> versionName(r.clientHelloVersion)),
            list("client_supported_versions", PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType(),
                    (ConnectionRecord r) -> r.clientSupportedVersions,
                    (rc, v) -> rc.addBinary(versionName(v))),
            binary("client_max_version", r -> versionName(r.clientMaxVersion())),
            binary("server_hello_version", r -> versionName(r.serverHelloVersion)),
            binary("negotiated_version", r -> versionName(r.negotiatedVersion)),
            string("cipher_suite", true, r -> cipherName(r.cipherSuite)),
            stringList("alpn", r -> r.alpn),
            intList("alerts", r -> r.alerts),
            binary("record_version", r -> versionName(r.recordVersion)),
            bool("server_hello_seen", r -> r.serverHelloSeen),
            string("ja3", true, Fingerprints::ja3),
            string("ja3s", true, Fingerprints::ja3s),
            string("ja4", true, Fingerprints::ja4),
            string("ja4_r", true, Fingerprints::ja4Raw));

    static final Table<Map.Entry<ConnectionCube.Key, ConnectionCube.Cell>> SUMMARY = new Table<>("summary",
            string("transport", false, e -> e.getKey().transport),
            int32("vlan", e -> e.getKey().vlan, v -> v >= 0),
            nullableInt64("tunnel_id", e -> e.getKey().tunnelId < 0 ? null : e.getKey().tunnelId),
            string("client", false, e -> e.getKey().client),
            string("server", false, e -> e.getKey().server),
            int32("server_port", e -> e.getKey().serverPort),
            string("sni", true, e -> e.getKey().sni),
            binary("negotiated_version", e -> versionName(e.getKey().negotiatedVersion)),
            binary("client_max_version", e -> versionName(e.getKey().clientMaxVersion)),
            int64("connections", e -> e.getValue().connections),
            timestamp("first_seen", e -> e.getValue().firstSeenMicros),
            timestamp("last_seen", e -> e.getValue().lastSeenMicros));

    static final Table<RunRow> RUN = new Table<>("run",
            string("run_id", false, r -> r.runId),
            string("tlscensus_version", false, r -> r.version),
            stringList("inputs", r -> r.inputs),
            timestamp("start_time", r -> r.startMicros),
            timestamp("end_time", r -> r.endMicros),
            int64("inputs_read", r -> r.stats.inputs),
            int64("damaged_inputs", r -> r.stats.damagedInputs),
            int64("packets", r -> r.stats.packets),
            int64("bytes", r -> r.stats.bytes),
            int64("input_bytes", r -> r.stats.inputBytes),
            int64("flows", r -> r.stats.flows),
            int64("peak_flows", r -> r.stats.peakFlows),
            int64("tls_connections", r -> r.stats.tlsConnections),
            int64("malformed_packets", r -> r.stats.malformedPackets),
            nullableInt64("dropped_packets", r -> r.droppedPackets),
            int64("tcp_packets", r -> r.stats.tcpPackets),
            int64("udp_packets", r -> r.stats.udpPackets),
            int64("other_ip_packets", r -> r.stats.otherIpPackets),
            int64("non_ip_packets", r -> r.stats.nonIpPackets),
            int64("unsupported_link_packets", r -> r.stats.unsupportedLinkPackets),
            int64("fragments", r -> r.stats.fragments),
            int64("fragments_reassembled", r -> r.stats.fragmentsReassembled),
            int64("fragments_dropped", r -> r.stats.fragmentsDropped),
            int64("tunneled_packets", r -> r.stats.tunneledPackets),
            int64("truncated_segments", r -> r.stats.truncatedSegments),
            int64("evicted_idle", r -> r.stats.evictedIdle),
            int64("evicted_for_space", r -> r.stats.evictedForSpace),
            int64("reassembly_limit_hits", r -> r.stats.reassemblyLimitHits),
            int64("tls_malformed", r -> r.stats.tlsMalformed));

    /**
     * DIR/readiness: the rows of {@code --readiness --format csv}, same names and order, typed
     * (negotiated counts as one INT64 column per version, as in csv).
     */
    static final Table<ReadinessRow> READINESS = new Table<>("readiness", readinessColumns());

    @SuppressWarnings("unchecked")
    private static Column<ReadinessRow>[] readinessColumns() {
        List<Column<ReadinessRow>> c = new java.util.ArrayList<>();
        c.add(string("list", false, r -> r.list));
        c.add(string("transport", true, r -> r.transport));
        c.add(string("key", false, r -> r.key));
        c.add(string("verdict", true, r -> r.verdict));
        c.add(int64("connections", r -> r.connections));
        for (int b = 0; b < TlsVersion.BUCKETS.length; b++) {
            int bucket = b;
            c.add(int64("negotiated_" + TlsVersion.BUCKETS[b], r -> r.negotiated[bucket]));
        }
        c.add(int64("legacy_connections", r -> r.legacyConnections));
        c.add(int64("unknown_connections", r -> r.unknownConnections));
        c.add(nullableInt64("peers", r -> r.peers));
        c.add(nullableInt64("legacy_clients", r -> r.legacyClients));
        c.add(string("max_offered", true, r -> r.maxOffered));
        c.add(string("highest_negotiated", true, r -> r.highestNegotiated));
        c.add(stringList("legacy_versions", r -> r.legacyVersions));
        c.add(int64("talked_down", r -> r.talkedDown));
        c.add(stringList("talked_down_by", r -> r.talkedDownBy));
        c.add(int64("refused", r -> r.refused));
        c.add(int64("fallback_scsv", r -> r.fallbackScsv));
        c.add(int64("downgrade_retries", r -> r.downgradeRetries));
        c.add(stringList("software", r -> r.software));
        c.add(stringList("snis", r -> r.snis));
        c.add(intList("alerts", r -> r.alerts));
        c.add(string("ja3", true, r -> r.ja3));
        c.add(string("ja4", true, r -> r.ja4));
        c.add(string("name", true, r -> r.name));
        c.add(string("source", true, r -> r.source));
        c.add(timestamp("first_seen", r -> r.firstSeenMicros));
        c.add(timestamp("last_seen", r -> r.lastSeenMicros));
        return c.toArray(new Column[0]);
    }

    /** "0x1301" as in jsonl, from a table so that writing a row formats nothing. */
    private static String cipherName(int suite) {
        if (suite < 0 || suite > 0xffff) return null;
        String s = CIPHER_NAMES[suite];
        if (s == null) CIPHER_NAMES[suite] = s = String.format("0x%04x", suite);
        return s;
    }

    /** The version's name as in jsonl (TLSv1.2, TLSv1.3-draft23, 0x0a0a), null for none. */
    static Binary versionName(int version) {
        if (version == TlsVersion.NONE) return null;
        Binary b = VERSION_NAMES.get(version);
        if (b == null) {
            b = Binary.fromConstantByteArray(TlsVersion.name(version).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (VERSION_NAMES.size() < 4096) VERSION_NAMES.put(version, b);
        }
        return b;
    }

    static List<Table<?>> all() {
        return List.of(CONNECTIONS, SUMMARY, READINESS, RUN);
    }
}
