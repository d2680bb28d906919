package io.tlscensus.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * What one TLS connection revealed in clear: the hellos' versions, SNI, ALPN, cipher suite and
 * alerts. Built once per connection (never per packet); field names follow the jsonl output,
 * which follows Zeek's ssl.log and the corpus ground truth.
 */
public final class ConnectionRecord {
    public String file;
    /** Time of the connection's first packet seen, microseconds since the epoch. */
    public long tsMicros;
    public String transport = "tcp";
    public String client;
    public int clientPort;
    public String server;
    public int serverPort;
    /** Outermost VLAN id of the first packet, or -1. */
    public int vlan = -1;
    /** Outermost tunnel id (GRE key, ERSPAN session, VXLAN/Geneve VNI) of the first packet, or -1. */
    public long tunnelId = -1;

    public boolean clientHelloSeen;
    public String sni;
    public int clientHelloVersion = TlsVersion.NONE;
    public final List<Integer> clientSupportedVersions = new ArrayList<>(4);
    public final List<String> alpn = new ArrayList<>(2);
    /** The cipher list contains TLS_FALLBACK_SCSV (0x5600, RFC 7507): the client is retrying with a lower version. */
    public boolean fallbackScsv;
    /**
     * The ClientHello was read, but its server_name extension's inner lengths disagreed with the
     * extension's own length (what fit was read, nothing past it): the hello is counted as
     * malformed TLS while its other fields still count.
     */
    public boolean clientHelloDamaged;
    /** Version of the record layer that carried the ClientHello (SSLv2 for SSLv2-format hellos). */
    public int recordVersion = TlsVersion.NONE;

    public boolean serverHelloSeen;
    public int serverHelloVersion = TlsVersion.NONE;
    /** ServerHello supported_versions when present (TLS 1.3), else the ServerHello version. */
    public int negotiatedVersion = TlsVersion.NONE;
    public int cipherSuite = -1;
    /** True when the first ServerHello was a TLS 1.3 HelloRetryRequest. */
    public boolean helloRetryRequest;
    /**
     * JA3/JA4 inputs of the TLS-format ClientHello and JA3S inputs of the ServerHello, GREASE
     * removed, laid out as {@link Fingerprints} describes; null without such a hello (SSLv2-format
     * hellos have none). The fingerprint strings are computed from them only on output.
     */
    public char[] clientFingerprint;
    public char[] serverFingerprint;
    /** Alert descriptions seen in clear text, either direction, in order. */
    public final List<Integer> alerts = new ArrayList<>(1);

    /** Highest version the client offered: supported_versions if present, else the hello version. */
    public int clientMaxVersion() {
        int max = TlsVersion.NONE;
        for (int v : clientSupportedVersions) {
            if (max == TlsVersion.NONE || TlsVersion.rank(v) > TlsVersion.rank(max)) max = v;
        }
        return max != TlsVersion.NONE ? max : clientHelloVersion;
    }
}
