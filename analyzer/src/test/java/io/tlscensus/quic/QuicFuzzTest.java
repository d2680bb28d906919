package io.tlscensus.quic;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlscensus.testing.Fuzzing;
import io.tlscensus.tls.ConnectionRecord;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Fuzz targets for QUIC: raw datagrams (long headers, coalesced packets, Retry, Version
 * Negotiation, lengths that lie), and decrypted Initial payloads. Mutating a protected packet
 * almost always breaks its AEAD tag, so the second target encrypts the fuzzed plaintext frames
 * with the real Initial keys: the frame walker, the CRYPTO reassembly and the hello parsers behind
 * the decryption are fuzzed as directly as the headers before it.
 */
class QuicFuzzTest {
    static final byte[] DCID = QuicPackets.hex("8394c8f03e515708");
    static final byte[] SCID = QuicPackets.hex("f067a5502a4262b5");
    private static final int[] VERSIONS = {QuicVersion.V1, QuicVersion.V2, QuicVersion.DRAFT_29};
    private static final InitialKeys[] KEYS = new InitialKeys[VERSIONS.length];

    static {
        for (int i = 0; i < VERSIONS.length; i++) KEYS[i] = InitialKeys.derive(VERSIONS[i], DCID);
    }

    /** Datagrams in {@link Fuzzing#chunks} format; the tag's low bit is the direction. */
    @FuzzTest(maxDuration = "10s")
    void quicDatagrams(byte[] data) {
        QuicConnection q = new QuicConnection(new ConnectionRecord(), 4096);
        for (Fuzzing.Chunk c : Fuzzing.chunks(data, 128)) {
            ByteBuffer b = Fuzzing.exact(c.bytes(), 9);
            QuicConnection.looksLikeQuic(b, 9, c.bytes().length);
            q.onDatagram(b, 9, c.bytes().length, c.tag() & 1);
            check(q);
        }
    }

    /**
     * Initial packets whose plaintext frames are the chunk bytes, encrypted with the Initial keys
     * of the chunk's side (tag bit 0: client 0 / server 1), version (bits 1-2) and packet number
     * (bits 3-7); the first client packet fixes the DCID the keys derive from.
     */
    @FuzzTest(maxDuration = "10s")
    void quicInitialFrames(byte[] data) {
        ConnectionRecord r = new ConnectionRecord();
        QuicConnection q = new QuicConnection(r, 4096);
        List<Fuzzing.Chunk> chunks = Fuzzing.chunks(data, 32);
        for (Fuzzing.Chunk c : chunks) {
            int side = c.tag() & 1;
            int v = ((c.tag() >>> 1) & 3) % VERSIONS.length;
            long pn = c.tag() >>> 3;
            InitialKeys k = KEYS[v];
            byte[] packet = QuicPackets.initial(VERSIONS[v], side == 0 ? k.client : k.server,
                    side == 0 ? DCID : SCID, side == 0 ? SCID : DCID, pn, c.bytes(), side == 0 ? 1162 : 0);
            q.onDatagram(Fuzzing.exact(packet, 2), 2, packet.length, side);
            check(q);
        }
        Fuzzing.checkText(r.sni);
        for (String a : r.alpn) Fuzzing.checkText(a);
    }

    private static void check(QuicConnection q) {
        // A Retry whose integrity tag fails is counted as undecryptable too.
        if (q.decryptedPackets() + q.undecryptablePackets() > q.initialPackets() + q.retryPackets()) {
            throw new AssertionError("decrypted " + q.decryptedPackets() + " + undecryptable " + q.undecryptablePackets()
                    + " > initial " + q.initialPackets());
        }
    }
}
