package io.tlscensus.quic;

import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsStreamParser;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.tlscensus.quic.QuicPackets.buffer;
import static io.tlscensus.quic.QuicPackets.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worked examples of RFC 9001 Appendix A (QUIC v1) and RFC 9369 Appendix A (QUIC v2). */
class RfcVectorsTest {
    private static final byte[] DCID = hex("8394c8f03e515708");

    /** RFC 9001 A.2: the CRYPTO frame carrying the client's ClientHello (the same in RFC 9369 A.2). */
    static final byte[] CLIENT_CRYPTO_FRAME = hex(
            "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
            + "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
            + "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
            + "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
            + "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
            + "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
            + "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
            + "75300901100f088394c8f03e51570806048000ffff");

    /** RFC 9001 A.3: ACK and CRYPTO frame with the ServerHello (the same in RFC 9369 A.3). */
    static final byte[] SERVER_PAYLOAD = hex(
            "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
            + "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
            + "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
            + "020304");

    private static final byte[] V1_SERVER_PACKET = hex(
            "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
            + "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
            + "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
            + "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
            + "2158407dd074ee");

    private static final byte[] V2_SERVER_PACKET = hex(
            "dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698"
            + "baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17"
            + "f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2"
            + "c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8"
            + "4bed8521e2e140");

    private static final byte[] V1_RETRY = hex("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");
    private static final byte[] V2_RETRY = hex("cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6");

    @Test
    void v1InitialKeys() {
        InitialKeys k = InitialKeys.derive(QuicVersion.V1, DCID);
        assertEquals("1f369613dd76d5467730efcbe3b1a22d", hex(k.client.key()));
        assertEquals("fa044b2f42a3fd3b46fb255c", hex(k.client.iv()));
        assertEquals("9f50449e04a0e810283a1e9933adedd2", hex(k.client.hp()));
        assertEquals("cf3a5331653c364c88f0f379b6067e37", hex(k.server.key()));
        assertEquals("0ac1493ca1905853b0bba03e", hex(k.server.iv()));
        assertEquals("c206b8d9b9f0f37644430b490eeaa314", hex(k.server.hp()));
    }

    @Test
    void v1HkdfIntermediateSecrets() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        byte[] initial = InitialKeys.extract(mac, QuicVersion.salt(QuicVersion.V1), DCID);
        assertEquals("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44", hex(initial));
        assertEquals("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
                hex(InitialKeys.expandLabel(mac, initial, "client in", 32)));
        assertEquals("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b",
                hex(InitialKeys.expandLabel(mac, initial, "server in", 32)));
    }

    @Test
    void v1HeaderProtectionSample() {
        InitialKeys k = InitialKeys.derive(QuicVersion.V1, DCID);
        byte[] mask = QuicPackets.mask(k.client.hp(), hex("d1b1c98dd7689fb8ec11d242b123dc9b"));
        assertEquals("437b9aec36", hex(Arrays.copyOf(mask, 5)));
    }

    @Test
    void v2InitialKeys() {
        InitialKeys k = InitialKeys.derive(QuicVersion.V2, DCID);
        assertEquals("8b1a0bc121284290a29e0971b5cd045d", hex(k.client.key()));
        assertEquals("91f73e2351d8fa91660e909f", hex(k.client.iv()));
        assertEquals("45b95e15235d6f45a6b19cbcb0294ba9", hex(k.client.hp()));
        assertEquals("82db637861d55e1d011f19ea71d5d2a7", hex(k.server.key()));
        assertEquals("dd13c276499c0249d3310652", hex(k.server.iv()));
        assertEquals("edf6d05c83121201b436e16877593c3a", hex(k.server.hp()));
        byte[] mask = QuicPackets.mask(k.client.hp(), hex("ffe67b6abcdb4298b485dd04de806071"));
        assertEquals("94a0c95e80", hex(Arrays.copyOf(mask, 5)));
    }

    /**
     * RFC 9001 A.2 / RFC 9369 A.2: the client Initial (packet number 2, 1162 bytes of frames) as
     * the RFC prints it; its 1200 bytes are checked where the RFC text is short enough to quote:
     * protected header, header-protection sample and authentication tag.
     */
    private static byte[] clientInitial(int version, String header, String protectedHeader, String sample, String tag) {
        InitialKeys k = InitialKeys.derive(version, DCID);
        byte[] payload = Arrays.copyOf(CLIENT_CRYPTO_FRAME, 1162);
        byte[] packet = QuicPackets.protect(k.client.key(), k.client.iv(), k.client.hp(), hex(header), 4, 2, payload);
        assertEquals(1200, packet.length);
        assertEquals(protectedHeader, hex(Arrays.copyOf(packet, 22)));
        assertEquals(sample, hex(Arrays.copyOfRange(packet, 22, 38)));
        assertEquals(tag, hex(Arrays.copyOfRange(packet, 1184, 1200)));
        return packet;
    }

    private static byte[] v1ClientInitial() {
        return clientInitial(QuicVersion.V1, "c300000001088394c8f03e5157080000449e00000002",
                "c000000001088394c8f03e5157080000449e7b9aec34", "d1b1c98dd7689fb8ec11d242b123dc9b",
                "e221af44860018ab0856972e194cd934");
    }

    private static byte[] v2ClientInitial() {
        return clientInitial(QuicVersion.V2, "d36b3343cf088394c8f03e5157080000449e00000002",
                "d76b3343cf088394c8f03e5157080000449ea0c95e82", "ffe67b6abcdb4298b485dd04de806071",
                "a18b2faa745b6fe189cf772a9f84cbfc");
    }

    @Test
    void senderSideHelperReproducesTheServerInitials() {
        InitialKeys v1 = InitialKeys.derive(QuicVersion.V1, DCID);
        assertArrayEquals(V1_SERVER_PACKET, QuicPackets.protect(v1.server.key(), v1.server.iv(), v1.server.hp(),
                hex("c1000000010008f067a5502a4262b50040750001"), 2, 1, SERVER_PAYLOAD));
        InitialKeys v2 = InitialKeys.derive(QuicVersion.V2, DCID);
        assertArrayEquals(V2_SERVER_PACKET, QuicPackets.protect(v2.server.key(), v2.server.iv(), v2.server.hp(),
                hex("d16b3343cf0008f067a5502a4262b50040750001"), 2, 1, SERVER_PAYLOAD));
    }

    @Test
    void v1ClientAndServerInitialsDecryptToTheHellos() {
        handshake(v1ClientInitial(), V1_SERVER_PACKET);
    }

    @Test
    void v2ClientAndServerInitialsDecryptToTheHellos() {
        handshake(v2ClientInitial(), V2_SERVER_PACKET);
    }

    private static void handshake(byte[] client, byte[] server) {
        ConnectionRecord r = new ConnectionRecord();
        QuicConnection q = new QuicConnection(r);
        assertTrue(QuicConnection.looksLikeQuic(buffer(client), 0, client.length));
        assertTrue(q.onDatagram(buffer(client), 0, client.length, 1));
        assertEquals(TlsStreamParser.Role.CLIENT, q.role(1));
        assertEquals(TlsStreamParser.Role.SERVER, q.role(0));
        assertEquals("quic", r.transport);
        assertEquals("example.com", r.sni);
        assertEquals(0x0303, r.clientHelloVersion);
        assertEquals(List.of(0x0304), r.clientSupportedVersions);
        assertEquals(List.of("alpn"), r.alpn);
        assertFalse(q.done());
        assertTrue(q.onDatagram(buffer(server), 0, server.length, 0));
        assertTrue(r.serverHelloSeen);
        assertEquals(0x0303, r.serverHelloVersion);
        assertEquals(0x0304, r.negotiatedVersion);
        assertEquals(0x1301, r.cipherSuite);
        assertTrue(q.done());
        assertEquals(2, q.initialPackets());
        assertEquals(2, q.decryptedPackets());
        assertEquals(0, q.undecryptablePackets());
        assertEquals(0, q.protocolErrors());
    }

    @Test
    void v1RetrySwitchesTheKeysToTheRetrySourceConnectionId() {
        retry(QuicVersion.V1, v1ClientInitial(), V1_RETRY);
    }

    @Test
    void v2RetrySwitchesTheKeysToTheRetrySourceConnectionId() {
        retry(QuicVersion.V2, v2ClientInitial(), V2_RETRY);
    }

    private static void retry(int version, byte[] client, byte[] retry) {
        byte[] retryScid = hex("f067a5502a4262b5");
        InitialKeys afterRetry = InitialKeys.derive(version, retryScid);
        byte[] serverHello = Arrays.copyOfRange(SERVER_PAYLOAD, 5, SERVER_PAYLOAD.length); // CRYPTO frame only, after the ACK
        byte[] serverInitial = QuicPackets.initial(version, afterRetry.server, new byte[0], hex("0102030405060708"),
                0, serverHello, 0);

        // A Retry whose tag does not verify changes nothing: the server Initial stays unreadable.
        ConnectionRecord r = new ConnectionRecord();
        QuicConnection q = new QuicConnection(r);
        q.onDatagram(buffer(client), 0, client.length, 0);
        byte[] forged = retry.clone();
        forged[forged.length - 1] ^= 1;
        q.onDatagram(buffer(forged), 0, forged.length, 1);
        q.onDatagram(buffer(serverInitial), 0, serverInitial.length, 1);
        assertFalse(r.serverHelloSeen);
        assertEquals(2, q.undecryptablePackets()); // the forged Retry and the server Initial

        r = new ConnectionRecord();
        q = new QuicConnection(r);
        q.onDatagram(buffer(client), 0, client.length, 0);
        assertTrue(q.onDatagram(buffer(retry), 0, retry.length, 1));
        assertEquals(1, q.retryPackets());
        q.onDatagram(buffer(serverInitial), 0, serverInitial.length, 1);
        assertTrue(r.serverHelloSeen);
        assertEquals(0x0304, r.negotiatedVersion);
        assertEquals("example.com", r.sni);
        assertEquals(TlsStreamParser.Role.SERVER, q.role(1));
        assertEquals(0, q.undecryptablePackets());
    }

    @Test
    void packetNumberDecodingExampleOfRfc9000AppendixA3() {
        assertEquals(0xa82f9b32L, QuicConnection.decodePacketNumber(0xa82f30eaL, 0x9b32, 16));
        assertEquals(2, QuicConnection.decodePacketNumber(-1, 2, 32));
        assertEquals(256, QuicConnection.decodePacketNumber(255, 0, 8));
    }
}
