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

    /** The group a connection belongs to. */
    public String keyOf(ConnectionRecord r) {
        switch (this) {
            case CLIENT: return r.client;
            case SERVER: return IpAddress.endpoint(r.server, r.serverPort);
            case SNI: return r.sni == null ? "(no sni)" : r.sni;
            default: return r.client + " -> " + IpAddress.endpoint(r.server, r.serverPort);
        }
    }
}
