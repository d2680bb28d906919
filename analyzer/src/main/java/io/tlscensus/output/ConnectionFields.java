package io.tlscensus.output;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.Fingerprints;
import io.tlscensus.tls.TlsVersion;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The columns of a connection row, in order, with their values: the one definition that the
 * jsonl, csv and table writers share. Values are String, Integer, Boolean, List or null.
 */
public final class ConnectionFields {
    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public static final List<String> NAMES = new ArrayList<>();
    private static final List<Function<ConnectionRecord, Object>> VALUES = new ArrayList<>();

    static {
        field("file", r -> r.file);
        field("ts", r -> timestamp(r.tsMicros));
        field("transport", r -> r.transport);
        field("client", r -> r.client);
        field("client_port", r -> r.clientPort);
        field("server", r -> r.server);
        field("server_port", r -> r.serverPort);
        field("vlan", r -> r.vlan < 0 ? null : r.vlan);
        field("tunnel_id", r -> r.tunnelId < 0 ? null : r.tunnelId);
        field("sni", r -> r.sni);
        field("client_hello_version", r -> TlsVersion.name(r.clientHelloVersion));
        field("client_supported_versions", r -> versionNames(r.clientSupportedVersions));
        field("client_max_version", r -> TlsVersion.name(r.clientMaxVersion()));
        field("server_hello_version", r -> TlsVersion.name(r.serverHelloVersion));
        field("negotiated_version", r -> TlsVersion.name(r.negotiatedVersion));
        field("cipher_suite", r -> r.cipherSuite < 0 ? null : String.format("0x%04x", r.cipherSuite));
        field("alpn", r -> r.alpn);
        field("alerts", r -> r.alerts);
        field("record_version", r -> TlsVersion.name(r.recordVersion));
        field("server_hello_seen", r -> r.serverHelloSeen);
        field("ja3", Fingerprints::ja3);
        field("ja3s", Fingerprints::ja3s);
        field("ja4", Fingerprints::ja4);
        field("ja4_r", Fingerprints::ja4Raw);
    }

    private ConnectionFields() {
    }

    private static void field(String name, Function<ConnectionRecord, Object> value) {
        NAMES.add(name);
        VALUES.add(value);
    }

    public static Object value(int column, ConnectionRecord r) {
        return VALUES.get(column).apply(r);
    }

    public static String timestamp(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int fraction = (int) Math.floorMod(micros, 1_000_000L);
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return ISO_MICROS.format(Instant.ofEpochSecond(seconds, fraction * 1000L)); // its sign and width rules
        }
        // By hand: DateTimeFormatter was most of the cost of writing a connection row.
        char[] c = "0000-00-00T00:00:00.000000Z".toCharArray();
        digits(c, 0, 4, t.getYear());
        digits(c, 5, 2, t.getMonthValue());
        digits(c, 8, 2, t.getDayOfMonth());
        digits(c, 11, 2, t.getHour());
        digits(c, 14, 2, t.getMinute());
        digits(c, 17, 2, t.getSecond());
        digits(c, 20, 6, fraction);
        return new String(c);
    }

    private static void digits(char[] c, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--, value /= 10) c[i] = (char) ('0' + value % 10);
    }

    private static List<String> versionNames(List<Integer> versions) {
        List<String> names = new ArrayList<>(versions.size());
        for (int v : versions) names.add(TlsVersion.name(v));
        return names;
    }
}
