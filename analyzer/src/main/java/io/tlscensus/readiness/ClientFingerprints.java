package io.tlscensus.readiness;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.Fingerprints;

import java.util.function.Function;

/** The JA3 (MD5 hex) and JA4 strings of a connection's ClientHello, or null; tests substitute their own. */
public interface ClientFingerprints {
    String ja3(ConnectionRecord r);

    String ja4(ConnectionRecord r);

    /** {@link Fingerprints}, as in the connection records' ja3/ja4 fields. */
    ClientFingerprints DEFAULT = of(Fingerprints::ja3, Fingerprints::ja4);

    ClientFingerprints NONE = of(r -> null, r -> null);

    static ClientFingerprints of(Function<ConnectionRecord, String> ja3, Function<ConnectionRecord, String> ja4) {
        return new ClientFingerprints() {
            @Override
            public String ja3(ConnectionRecord r) {
                return ja3.apply(r);
            }

            @Override
            public String ja4(ConnectionRecord r) {
                return ja4.apply(r);
            }
        };
    }
}
