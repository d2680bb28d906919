package io.tlscensus.quic;

import io.tlscensus.testing.Fuzzing;
import io.tlscensus.testing.FuzzSeeds;
import io.tlscensus.testing.TlsBytes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Seeds of {@link QuicFuzzTest}: Initial packets of a v1 and a v2 handshake, and their plaintext frames. */
public final class QuicFuzzSeeds {
    private QuicFuzzSeeds() {
    }

    public static void write(Path dir) throws IOException {
        byte[] ch = TlsBytes.clientHello().sni("quic.example.test").alpn("h3").supportedVersions(0x0304).message();
        byte[] sh = TlsBytes.serverHello().selectedVersion(0x0304).message();
        byte[] clientFrames = QuicPackets.crypto(0, ch, 0, ch.length);
        byte[] serverFrames = QuicPackets.concat(new byte[] {2, 0, 0, 0, 0}, QuicPackets.crypto(0, sh, 0, sh.length));
        int half = ch.length / 2;
        byte[] splitReversed = QuicPackets.concat(QuicPackets.crypto(half, ch, half, ch.length), new byte[] {1, 0, 0},
                QuicPackets.crypto(0, ch, 0, half + 7));
        byte[] close = {0x1c, 0x41, 0x28, 0x06, 0x00};
        // quicInitialFrames: tag = side | version << 1 | pn << 3
        FuzzSeeds.write(dir.resolve("quicInitialFrames"), "v1", Fuzzing.chunks(List.of(
                new Fuzzing.Chunk(0, clientFrames), new Fuzzing.Chunk(1, serverFrames))));
        FuzzSeeds.write(dir.resolve("quicInitialFrames"), "v2-split", Fuzzing.chunks(List.of(
                new Fuzzing.Chunk(2, splitReversed), new Fuzzing.Chunk(3 | 8, serverFrames))));
        FuzzSeeds.write(dir.resolve("quicInitialFrames"), "refused", Fuzzing.chunks(List.of(
                new Fuzzing.Chunk(0, clientFrames), new Fuzzing.Chunk(1, close))));
        // quicDatagrams: whole protected datagrams
        for (int version : new int[] {QuicVersion.V1, QuicVersion.V2}) {
            InitialKeys k = InitialKeys.derive(version, QuicFuzzTest.DCID);
            List<Fuzzing.Chunk> c = new ArrayList<>();
            c.add(new Fuzzing.Chunk(0, QuicPackets.initial(version, k.client, QuicFuzzTest.DCID, QuicFuzzTest.SCID, 0,
                    clientFrames, 1162)));
            byte[] server = QuicPackets.initial(version, k.server, QuicFuzzTest.SCID, QuicFuzzTest.DCID, 0, serverFrames, 0);
            // a server Initial coalesced with a Handshake packet and a short-header packet
            byte[] handshake = QuicPackets.concat(new byte[] {(byte) (version == QuicVersion.V2 ? 0xf0 : 0xe0)},
                    java.nio.ByteBuffer.allocate(4).putInt(version).array(), new byte[] {8}, QuicFuzzTest.SCID,
                    new byte[] {8}, QuicFuzzTest.DCID, new byte[] {0x40, 20}, new byte[20]);
            c.add(new Fuzzing.Chunk(1, QuicPackets.concat(server, handshake, new byte[] {0x40, 1, 2, 3})));
            FuzzSeeds.write(dir.resolve("quicDatagrams"), version == QuicVersion.V1 ? "v1" : "v2", Fuzzing.chunks(c));
        }
        byte[] vn = QuicPackets.concat(new byte[] {(byte) 0x80, 0, 0, 0, 0, 8}, QuicFuzzTest.SCID, new byte[] {8},
                QuicFuzzTest.DCID, new byte[] {0, 0, 0, 1, 0x6b, 0x33, 0x43, (byte) 0xcf});
        FuzzSeeds.write(dir.resolve("quicDatagrams"), "version-negotiation", Fuzzing.chunks(List.of(new Fuzzing.Chunk(1, vn))));
    }
}
