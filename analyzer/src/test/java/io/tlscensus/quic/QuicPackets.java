package io.tlscensus.quic;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Builds protected QUIC long-header packets the way a sender does (RFC 9001 5.3, 5.4), written
 * separately from {@link QuicConnection}'s receive path; the RFC vectors pin it down (the A.3
 * server Initials come out byte for byte).
 */
final class QuicPackets {
    private QuicPackets() {
    }

    static byte[] hex(String s) {
        return QuicVersion.hex(s.replaceAll("\\s", ""));
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    static ByteBuffer buffer(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] varint(long v) {
        if (v < 64) return new byte[] {(byte) v};
        if (v < 16384) return new byte[] {(byte) (0x40 | (v >>> 8)), (byte) v};
        if (v < (1L << 30)) return new byte[] {(byte) (0x80 | (v >>> 24)), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        ByteBuffer b = ByteBuffer.allocate(8).putLong(v | (0xc0L << 56));
        return b.array();
    }

    /** A CRYPTO frame. */
    static byte[] crypto(long offset, byte[] data, int from, int to) {
        byte[] piece = java.util.Arrays.copyOfRange(data, from, to);
        return concat(new byte[] {6}, varint(offset), varint(piece.length), piece);
    }

    /**
     * Unprotected long header with a 2-byte Length and the packet number, for a payload of
     * {@code payloadLength} plaintext bytes. {@code typeBits} are the two type bits on the wire.
     */
    static byte[] longHeader(int version, int typeBits, byte[] dcid, byte[] scid, byte[] token, int pnLength,
                             long pn, int payloadLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xc0 | (typeBits << 4) | (pnLength - 1));
        out.writeBytes(ByteBuffer.allocate(4).putInt(version).array());
        out.write(dcid.length);
        out.writeBytes(dcid);
        out.write(scid.length);
        out.writeBytes(scid);
        if (token != null) {
            out.writeBytes(varint(token.length));
            out.writeBytes(token);
        }
        int length = pnLength + payloadLength + 16;
        out.write(0x40 | (length >>> 8));
        out.write(length & 0xff);
        for (int i = pnLength - 1; i >= 0; i--) out.write((int) (pn >>> (8 * i)) & 0xff);
        return out.toByteArray();
    }

    /** Encrypts the payload and applies header protection; header ends with the packet number. */
    static byte[] protect(byte[] key, byte[] iv, byte[] hp, byte[] header, int pnLength, long pn, byte[] payload) {
        try {
            byte[] nonce = iv.clone();
            for (int i = 0; i < 8; i++) nonce[nonce.length - 1 - i] ^= (byte) (pn >>> (8 * i));
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(header);
            byte[] sealed = gcm.doFinal(payload);
            byte[] packet = concat(header, sealed);
            int pnAt = header.length - pnLength;
            byte[] mask = mask(hp, java.util.Arrays.copyOfRange(packet, pnAt + 4, pnAt + 20));
            packet[0] ^= (byte) (mask[0] & 0x0f);
            for (int i = 0; i < pnLength; i++) packet[pnAt + i] ^= mask[1 + i];
            return packet;
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] mask(byte[] hp, byte[] sample) {
        try {
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hp, "AES"));
            return ecb.doFinal(sample);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A whole protected Initial packet from {@code keys}' side, padded with PADDING to {@code padTo}. */
    static byte[] initial(int version, InitialKeys.Side keys, byte[] dcid, byte[] scid, long pn, byte[] frames,
                          int padTo) {
        byte[] payload = java.util.Arrays.copyOf(frames, Math.max(frames.length, padTo));
        int typeBits = version == QuicVersion.V2 ? 1 : 0;
        byte[] header = longHeader(version, typeBits, dcid, scid, new byte[0], 2, pn, payload.length);
        return protect(keys.key, keys.iv, keys.hp, header, 2, pn, payload);
    }
}
