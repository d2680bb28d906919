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
