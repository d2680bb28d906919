package io.tlscensus.aggregate;

import io.tlscensus.decode.IpAddress;
import io.tlscensus.tls.ConnectionRecord;

import java.util.Locale;

/** The ways a summary groups connections (`--by`). */
public enum Grouping {
    CLIENT("client"),
    SERVER("server"),
    SNI("sni"),
    PAIR("pair");

    private final String label;

    Grouping(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Grouping parse(String s) {
        for (Grouping g : values()) if (g.label.equals(s.toLowerCase(Locale.ROOT))) return g;
        throw new IllegalArgumentException("--by takes client, server, sni or pair, not '" + s + "'");
    }

    /**
     * The group a connection belongs to. Addresses carry their VLAN and tunnel: the same client
     * IP on two VLANs is two clients.
     */
    public String keyOf(ConnectionRecord r) {
        switch (this) {
            case CLIENT: return r.client + zone(r);
            case SERVER: return IpAddress.endpoint(r.server, r.serverPort) + zone(r);
            case SNI: return r.sni == null ? "(no sni)" : r.sni;
            default: return r.client + " -> " + IpAddress.endpoint(r.server, r.serverPort) + zone(r);
        }
    }

    private static String zone(ConnectionRecord r) {
        if (r.vlan < 0 && r.tunnelId < 0) return "";
        return (r.vlan >= 0 ? " vlan " + r.vlan : "") + (r.tunnelId >= 0 ? " tunnel " + r.tunnelId : "");
    }
}
