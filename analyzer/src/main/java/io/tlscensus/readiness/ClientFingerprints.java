package io.tlscensus.readiness;

import io.tlscensus.tls.ConnectionRecord;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JA3 (MD5 hex) and JA4 strings of a connection's ClientHello, or null.
 *
 * <p>They are computed by {@code io.tlscensus.tls.Fingerprints} (the JA3/JA4 work, merged
 * separately). {@link #DEFAULT} finds it at run time so that this package builds and runs with or
 * without it: without it every connection is "(no fingerprint)". Once both are on main this can
 * call {@code Fingerprints.ja3}/{@code ja4} directly.
 */
public interface ClientFingerprints {
    String ja3(ConnectionRecord r);

    String ja4(ConnectionRecord r);

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

    ClientFingerprints DEFAULT = Reflective.create();

    /** Binds to io.tlscensus.tls.Fingerprints#ja3/#ja4 when present. */
    final class Reflective implements ClientFingerprints {
        private final MethodHandle ja3;
        private final MethodHandle ja4;

        private Reflective(MethodHandle ja3, MethodHandle ja4) {
            this.ja3 = ja3;
            this.ja4 = ja4;
        }

        static ClientFingerprints create() {
            try {
                Class<?> c = Class.forName("io.tlscensus.tls.Fingerprints");
                MethodType type = MethodType.methodType(String.class, ConnectionRecord.class);
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                return new Reflective(lookup.findStatic(c, "ja3", type), lookup.findStatic(c, "ja4", type));
            } catch (ReflectiveOperationException | LinkageError e) {
                return NONE;
            }
        }

        @Override
        public String ja3(ConnectionRecord r) {
            return call(ja3, r);
        }

        @Override
        public String ja4(ConnectionRecord r) {
            return call(ja4, r);
        }

        private static String call(MethodHandle h, ConnectionRecord r) {
            try {
                return (String) h.invokeExact(r);
            } catch (RuntimeException e) {
                return null; // a hello the fingerprinting could not read: no fingerprint, not a failed run
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
