package io.tlscensus.quic;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * The Initial packet protection keys of both endpoints for one client Destination Connection ID
 * and version (RFC 9001 5.2 and Appendix A.1; RFC 9369 3.3). Anyone who sees the client's first
 * Initial packet can compute them: they protect against off-path tampering, not against observers.
 *
 * <pre>
 * initial_secret = HKDF-Extract(salt(version), client_dst_connection_id)
 * client_secret  = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 * server_secret  = HKDF-Expand-Label(initial_secret, "server in", "", 32)
 * key = HKDF-Expand-Label(secret, "quic key", "", 16)   ("quicv2 key" for version 2)
 * iv  = HKDF-Expand-Label(secret, "quic iv", "", 12)
 * hp  = HKDF-Expand-Label(secret, "quic hp", "", 16)
 * </pre>
 */
public final class InitialKeys {
    /** Keys of one direction: AES-128-GCM packet key and IV, AES-128 header protection key. */
    public static final class Side {
        final byte[] key;
        final byte[] iv;
        final byte[] hp;
        final SecretKeySpec keySpec;
        final SecretKeySpec hpSpec;

        Side(byte[] key, byte[] iv, byte[] hp) {
            this.key = key;
            this.iv = iv;
            this.hp = hp;
            this.keySpec = new SecretKeySpec(key, "AES");
            this.hpSpec = new SecretKeySpec(hp, "AES");
        }

        public byte[] key() {
            return key.clone();
        }

        public byte[] iv() {
            return iv.clone();
        }

        public byte[] hp() {
            return hp.clone();
        }
    }

    final int version;
    final byte[] dcid;
    public final Side client;
    public final Side server;

    private InitialKeys(int version, byte[] dcid, Side client, Side server) {
        this.version = version;
        this.dcid = dcid;
        this.client = client;
        this.server = server;
    }

    /** Derives the keys with a fresh Mac; see {@link #derive(int, byte[], int, int, Mac)}. */
    public static InitialKeys derive(int version, byte[] dcid) {
        try {
            return derive(version, dcid, 0, dcid.length, Mac.getInstance("HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    /**
     * @param mac an HmacSHA256 instance to reuse (it is re-keyed here)
     * @throws IllegalArgumentException for a version without known Initial salt
     */
    static InitialKeys derive(int version, byte[] b, int off, int len, Mac mac) {
        byte[] dcid = Arrays.copyOfRange(b, off, off + len);
        String prefix = QuicVersion.labelPrefix(version);
        try {
            byte[] initial = extract(mac, QuicVersion.salt(version), dcid);
            byte[] clientSecret = expandLabel(mac, initial, "client in", 32);
            byte[] serverSecret = expandLabel(mac, initial, "server in", 32);
            return new InitialKeys(version, dcid, side(mac, clientSecret, prefix), side(mac, serverSecret, prefix));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean matches(int version, byte[] b, int off, int len) {
        return this.version == version && Arrays.equals(dcid, 0, dcid.length, b, off, off + len);
    }

    private static Side side(Mac mac, byte[] secret, String prefix) throws InvalidKeyException {
        return new Side(expandLabel(mac, secret, prefix + "key", 16), expandLabel(mac, secret, prefix + "iv", 12),
                expandLabel(mac, secret, prefix + "hp", 16));
    }

    /** HKDF-Extract (RFC 5869 2.2): HMAC-Hash(salt, IKM). An empty IKM is a valid input. */
    static byte[] extract(Mac mac, byte[] salt, byte[] ikm) throws InvalidKeyException {
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        return mac.doFinal(ikm);
    }

    /**
     * HKDF-Expand-Label (RFC 8446 7.1) with an empty context, for lengths up to one hash (32
     * bytes): HKDF-Expand's first block T(1) = HMAC(secret, HkdfLabel || 0x01), truncated.
     */
    static byte[] expandLabel(Mac mac, byte[] secret, String label, int length) throws InvalidKeyException {
        if (length > 32) throw new IllegalArgumentException("one HKDF block only: " + length);
        byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + fullLabel.length + 1 + 1];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) fullLabel.length;
        System.arraycopy(fullLabel, 0, info, 3, fullLabel.length);
        info[3 + fullLabel.length] = 0; // empty context
        info[4 + fullLabel.length] = 1; // HKDF-Expand block counter
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return Arrays.copyOf(mac.doFinal(info), length);
    }
}
