package io.tlscensus.readiness;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.Fingerprints;

/** The JA3 (MD5 hex) and JA4 strings of a connection's ClientHello, or null; tests substitute their own. */
public interface ClientFingerprints {
    String ja3(ConnectionRecord r);

    String ja4(ConnectionRecord r);

    /** {@link Fingerprints}, as in the connection records' ja3/ja4 fields. */
    ClientFingerprints DEFAULT = new ClientFingerprints() {
        @Override
        public String ja3(ConnectionRecord r) {
            return Fingerprints.ja3(r);
        }

        @Override
        public String ja4(ConnectionRecord r) {
            return Fingerprints.ja4(r);
        }
    };

    /**
     * {@link #DEFAULT}, computed once per distinct hello: a capture's connections come from a few
     * client stacks, and an MD5 plus two SHA-256 per connection cost more than reading the whole
     * connection (without C2's digest intrinsics: the launcher runs C1 only). Bounded: past 4096
     * distinct hellos it starts over. Not thread-safe: one per {@link Readiness}.
     */
    static ClientFingerprints memoized() {
        return new ClientFingerprints() {
            private static final int LIMIT = 4096;
            private final java.util.HashMap<Hello, String[]> seen = new java.util.HashMap<>();

            @Override
            public String ja3(ConnectionRecord r) {
                return of(r)[0];
            }

            @Override
            public String ja4(ConnectionRecord r) {
                return of(r)[1];
            }

            private String[] of(ConnectionRecord r) {
                if (r.clientFingerprint == null) return new String[] {DEFAULT.ja3(r), DEFAULT.ja4(r)};
                Hello key = new Hello(r.transport, r.clientSupportedVersions, r.clientFingerprint);
                String[] f = seen.get(key);
                if (f == null) {
                    if (seen.size() >= LIMIT) seen.clear();
                    f = new String[] {DEFAULT.ja3(r), DEFAULT.ja4(r)};
                    seen.put(new Hello(key.transport, java.util.List.copyOf(key.versions), key.inputs), f);
                }
                return f;
            }
        };
    }

    /** What JA3 and JA4 are computed from: the transport, the supported versions and the hello's lists. */
    final class Hello {
        final String transport;
        final java.util.List<Integer> versions;
        final char[] inputs;
        private final int hash;

        Hello(String transport, java.util.List<Integer> versions, char[] inputs) {
            this.transport = transport;
            this.versions = versions;
            this.inputs = inputs;
            this.hash = (java.util.Objects.hashCode(transport) * 31 + versions.hashCode()) * 31 + java.util.Arrays.hashCode(inputs);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hello h && hash == h.hash && java.util.Objects.equals(transport, h.transport)
                    && versions.equals(h.versions) && java.util.Arrays.equals(inputs, h.inputs);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    ClientFingerprints NONE = new ClientFingerprints() {
        @Override
        public String ja3(ConnectionRecord r) {
            return null;
        }

        @Override
        public String ja4(ConnectionRecord r) {
            return null;
        }
    };
}
