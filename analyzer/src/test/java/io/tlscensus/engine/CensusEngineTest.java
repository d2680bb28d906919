package io.tlscensus.engine;

import io.tlscensus.capture.LinkType;
import io.tlscensus.testing.Conversation;
import io.tlscensus.testing.Packets;
import io.tlscensus.testing.TlsBytes;
import io.tlscensus.tls.ConnectionRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.tlscensus.testing.Packets.ACK;
import static io.tlscensus.testing.Packets.FIN;
import static io.tlscensus.testing.Packets.PSH;
import static io.tlscensus.testing.Packets.RST;
import static io.tlscensus.testing.Packets.SYN;
import static io.tlscensus.testing.TlsBytes.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CensusEngineTest {
    private static final int TLS12 = 0x0303;
    private static final long T0 = 1_700_000_000_000_000L;
    private static final int OFFSET = 23;

    private final List<ConnectionRecord> emitted = new ArrayList<>();
    private final EngineLimits limits = new EngineLimits();
    private CensusEngine engine = new CensusEngine(limits, emitted::add);
    private long now = T0;
    private long fedBytes;

    private void feed(byte[] frame) {
        feed(LinkType.ETHERNET, frame);
    }

    /** Frames arrive one millisecond apart, each at an offset inside a shared-looking buffer. */
    private void feed(int linkType, byte[] frame) {
        ByteBuffer buffer = Packets.inBuffer(frame, OFFSET);
        engine.onPacket(now, linkType, buffer, OFFSET, frame.length, frame.length);
        fedBytes += frame.length;
        now += 1000;
    }

    private static Conversation v4() {
        return new Conversation(Packets.v4(10, 0, 0, 1), 51000, Packets.v4(192, 0, 2, 80), 443, 0x10000000, 0xfffffff0);
    }

    private static byte[] clientHello(String sni) {
        return TlsBytes.clientHello().sni(sni).alpn("h2").supportedVersions(0x3a3a, 0x0304, 0x0303).record();
    }

    private static byte[] serverHello13() {
        return TlsBytes.serverHello().cipherSuite(0x1301).selectedVersion(0x0304).record();
    }

    private static byte[] ccs() {
        return TlsBytes.changeCipherSpec(TLS12);
    }

    private void handshake(Conversation c) {
        feed(c.client(SYN));
        feed(c.server(SYN | ACK));
        feed(c.client(ACK));
    }

    /** Hellos then each side's turn to ciphertext: the point where the engine has all it needs. */
    private void tls13(Conversation c, String sni) {
        feed(c.client(ACK | PSH, clientHello(sni)));
        feed(c.server(ACK | PSH, concat(serverHello13(), ccs(), TlsBytes.applicationData(TLS12, 200))));
        feed(c.client(ACK | PSH, concat(ccs(), TlsBytes.applicationData(TLS12, 60))));
    }

    private void assertOriented(ConnectionRecord r, String client, int clientPort, String server, int serverPort) {
        assertEquals(client, r.client);
        assertEquals(clientPort, r.clientPort);
        assertEquals(server, r.server);
        assertEquals(serverPort, r.serverPort);
    }

    @Test
    void handshakeGivesExactlyOneRecordOnceBothSidesTurnToCiphertext() {
        engine.beginInput("capture-1.pcap");
        Conversation c = v4();
        long first = now;
        handshake(c);
        feed(c.client(ACK | PSH, clientHello("www.example.com")));
        feed(c.server(ACK | PSH, concat(serverHello13(), ccs(), TlsBytes.applicationData(TLS12, 200))));
        assertEquals(0, emitted.size(), "the client may still send a clear alert");
        feed(c.client(ACK | PSH, concat(ccs(), TlsBytes.applicationData(TLS12, 60))));
        assertEquals(1, emitted.size());

        ConnectionRecord r = emitted.get(0);
        assertOriented(r, "10.0.0.1", 51000, "192.0.2.80", 443);
        assertEquals("capture-1.pcap", r.file);
        assertEquals(first, r.tsMicros, "a connection is timed by its first packet");
        assertEquals("tcp", r.transport);
        assertEquals(-1, r.vlan);
        assertEquals("www.example.com", r.sni);
        assertEquals(List.of("h2"), r.alpn);
        assertEquals(List.of(0x0304, 0x0303), r.clientSupportedVersions);
        assertEquals(0x0304, r.clientMaxVersion());
        assertEquals(0x0304, r.negotiatedVersion);
        assertEquals(0x1301, r.cipherSuite);
        assertFalse(r.helloRetryRequest);

        feed(c.client(FIN | ACK));
        feed(c.server(FIN | ACK));
        engine.endInput();
        assertEquals(1, emitted.size(), "neither the close nor the end of input emits it again");
        CaptureStats s = engine.stats();
        assertEquals(8, s.packets);
        assertEquals(8, s.tcpPackets);
        assertEquals(1, s.tlsConnections);
        assertEquals(1, s.flows);
        assertEquals(1, s.inputs);
    }

    @Test
    void serverHelloSeenBeforeClientHelloKeepsTheClientAsClient() {
        // the client sorts above the server, so the flow's side A is the server: orientation
        // must come from who sent the ClientHello, not from the table's canonical order
        Conversation c = new Conversation(Packets.v4(203, 0, 113, 9), 60000, Packets.v4(10, 0, 0, 5), 8443, 1000, 5000);
        handshake(c);
        byte[] hello = c.client(ACK | PSH, clientHello("reordered.example"));
        byte[] reply = c.server(ACK | PSH, concat(TlsBytes.serverHello().record(), ccs()));
        feed(reply);
        feed(hello);
        feed(c.client(ACK | PSH, ccs()));
        assertEquals(1, emitted.size());
        ConnectionRecord r = emitted.get(0);
        assertOriented(r, "203.0.113.9", 60000, "10.0.0.5", 8443);
        assertEquals("reordered.example", r.sni);
        assertEquals(TLS12, r.negotiatedVersion);
    }

    @Test
    void captureStartingMidConnectionStillFindsTheHellos() {
        Conversation c = v4();
        // no SYN, no SYN-ACK: the capture started after the three-way handshake
        tls13(c, "late.example");
        assertEquals(1, emitted.size());
        assertOriented(emitted.get(0), "10.0.0.1", 51000, "192.0.2.80", 443);
        assertEquals("late.example", emitted.get(0).sni);
    }

    @Test
    void onlyTheServerHelloSeenOrientsByItsReceiver() {
        Conversation c = new Conversation(Packets.v4(198, 51, 100, 7), 40001, Packets.v4(10, 9, 9, 9), 993, 77, 99);
        feed(c.server(ACK | PSH, TlsBytes.serverHello().version(0x0301).record()));
        engine.endInput();
        assertEquals(1, emitted.size());
        ConnectionRecord r = emitted.get(0);
        assertOriented(r, "198.51.100.7", 40001, "10.9.9.9", 993);
        assertFalse(r.clientHelloSeen);
        assertEquals(0x0301, r.negotiatedVersion);
    }

    @Test
    void clientHelloSplitAtEveryOffsetIsReassembled() {
        byte[] hello = clientHello("split.example");
        for (int cut = 1; cut < hello.length; cut++) {
            for (boolean reversed : new boolean[] {false, true}) {
                emitted.clear();
                engine = new CensusEngine(limits, emitted::add);
                Conversation c = v4();
                handshake(c);
                byte[][] segments = c.clientSegments(hello, cut);
                feed(segments[reversed ? 1 : 0]);
                feed(segments[reversed ? 0 : 1]);
                feed(c.server(ACK | PSH, concat(TlsBytes.serverHello().record(), ccs())));
                feed(c.client(ACK | PSH, ccs()));
                String at = "cut at " + cut + (reversed ? ", second segment first" : "");
                assertEquals(1, emitted.size(), at);
                assertEquals("split.example", emitted.get(0).sni, at);
                assertEquals(List.of(0x0304, 0x0303), emitted.get(0).clientSupportedVersions, at);
            }
        }
    }

    @Test
    void clientHelloInThreeSegmentsArrivingLastFirst() {
        Conversation c = v4();
        handshake(c);
        byte[] hello = TlsBytes.clientHello().sni("three.example").padding(3000).record();
        byte[][] s = c.clientSegments(hello, 1000, 2000);
        feed(s[2]);
        feed(s[0]);
        feed(s[1]);
        engine.endInput();
        assertEquals(1, emitted.size());
        assertEquals("three.example", emitted.get(0).sni);
    }

    @Test
    void retransmittedClientHelloIsReadOnce() {
        Conversation c = v4();
        handshake(c);
        int seq = c.clientSeq();
        byte[] hello = clientHello("again.example");
        feed(c.client(ACK | PSH, hello));
        feed(c.clientAt(seq, ACK | PSH, hello));
        feed(c.server(ACK | PSH, concat(serverHello13(), ccs())));
        feed(c.client(ACK | PSH, ccs()));
        assertEquals(1, emitted.size());
        assertEquals("again.example", emitted.get(0).sni);
        assertEquals(0, engine.stats().tlsMalformed);
    }

    @Test
    void bothFinsEmitAHandshakeThatNeverReachedCiphertext() {
        Conversation c = v4();
        handshake(c);
        feed(c.client(ACK | PSH, clientHello("refused.example")));
        feed(c.server(ACK | PSH, TlsBytes.alert(TLS12, 2, 40)));
        feed(c.server(FIN | ACK));
        assertEquals(0, emitted.size(), "half-closed: the client may still speak");
        feed(c.client(FIN | ACK));
        assertEquals(1, emitted.size());
        assertEquals(List.of(40), emitted.get(0).alerts);
        assertFalse(emitted.get(0).serverHelloSeen);
    }

    @Test
    void resetEmitsImmediately() {
        Conversation c = v4();
        handshake(c);
        feed(c.client(ACK | PSH, clientHello("reset.example")));
        feed(c.server(RST | ACK));
        assertEquals(1, emitted.size());
        assertEquals("reset.example", emitted.get(0).sni);
    }

    @Test
    void newSynAfterAResetIsASecondConnection() {
        Conversation first = v4();
        handshake(first);
        feed(first.client(ACK | PSH, clientHello("one.example")));
        feed(first.server(RST | ACK));
        Conversation second = new Conversation(Packets.v4(10, 0, 0, 1), 51000, Packets.v4(192, 0, 2, 80), 443, 0x50000000, 0x60000000);
        handshake(second);
        tls13(second, "two.example");
        assertEquals(2, emitted.size());
        assertEquals("one.example", emitted.get(0).sni);
        assertEquals("two.example", emitted.get(1).sni);
        assertEquals(0x0304, emitted.get(1).negotiatedVersion);
    }

    @Test
    void newSynAfterACompletedAndClosedConnectionIsASecondConnection() {
        // the usual case of port reuse: the first connection finished its handshake (so the
        // engine stopped following it), then closed with FINs; the 5-tuple is reused later
        Conversation first = v4();
        handshake(first);
        tls13(first, "one.example");
        feed(first.client(FIN | ACK));
        feed(first.server(FIN | ACK));
        feed(first.client(ACK));
        Conversation second = new Conversation(Packets.v4(10, 0, 0, 1), 51000, Packets.v4(192, 0, 2, 80), 443, 0x50000000, 0x60000000);
        handshake(second);
        tls13(second, "two.example");
        assertEquals(2, emitted.size());
        assertEquals("two.example", emitted.get(1).sni);
        assertEquals(now - 6000, emitted.get(1).tsMicros, "the second connection is timed by its own SYN");
    }

    @Test
    void finishedFlowCostsOnlyALookupAndIsNotEmittedTwice() {
        Conversation c = v4();
        handshake(c);
        tls13(c, "cheap.example");
        assertEquals(1, emitted.size());
        for (int i = 0; i < 1000; i++) {
            feed(c.client(ACK | PSH, TlsBytes.applicationData(TLS12, 100)));
            feed(c.server(ACK));
        }
        // bytes that look like a new hello on the same connection are ciphertext now
        feed(c.client(ACK | PSH, clientHello("inside.example")));
        engine.endInput();
        assertEquals(1, emitted.size());
        assertEquals(3 + 3 + 2000 + 1, engine.stats().packets);
        assertEquals(1, engine.stats().tlsConnections);
        assertEquals(0, engine.activeFlows(), "end of input clears the table");
    }

    @Test
    void endInputFlushesPendingFlowsAndOnlyTlsOnes() {
        Conversation tls = v4();
        handshake(tls);
        feed(tls.client(ACK | PSH, clientHello("pending.example")));
        Conversation http = new Conversation(Packets.v4(10, 0, 0, 2), 52000, Packets.v4(192, 0, 2, 80), 80, 1, 1);
        handshake(http);
        feed(http.client(ACK | PSH, TlsBytes.ascii("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")));
        feed(http.server(ACK | PSH, TlsBytes.ascii("HTTP/1.1 200 OK\r\n\r\n")));
        assertEquals(0, emitted.size());
        assertEquals(2, engine.activeFlows());
        engine.endInput();
        assertEquals(1, emitted.size(), "a plaintext flow is no TLS connection");
        ConnectionRecord r = emitted.get(0);
        assertEquals("pending.example", r.sni);
        assertFalse(r.serverHelloSeen);
        assertOriented(r, "10.0.0.1", 51000, "192.0.2.80", 443);
        assertEquals(2, engine.stats().flows);
        assertEquals(0, engine.activeFlows());
    }

    @Test
    void sameFiveTupleInTwoInputsIsTwoConnections() {
        engine.beginInput("a.pcap");
        Conversation c = v4();
        feed(c.client(ACK | PSH, clientHello("a.example")));
        engine.endInput();
        engine.beginInput("b.pcap");
        Conversation d = v4();
        feed(d.client(ACK | PSH, clientHello("b.example")));
        engine.endInput();
        assertEquals(2, emitted.size());
        assertEquals("a.pcap", emitted.get(0).file);
        assertEquals("b.pcap", emitted.get(1).file);
        assertEquals("b.example", emitted.get(1).sni);
        assertEquals(2, engine.stats().inputs);
        assertEquals(2, engine.stats().flows);
    }

    @Test
    void idleFlowIsEmittedWhenCaptureTimeMovesOn() {
        limits.idleTimeoutMicros = 10_000_000;
        engine = new CensusEngine(limits, emitted::add);
        Conversation c = v4();
        feed(c.client(ACK | PSH, clientHello("idle.example")));
        now += 11_000_000;
        Conversation other = new Conversation(Packets.v4(10, 0, 0, 3), 1234, Packets.v4(10, 0, 0, 4), 443, 1, 1);
        feed(other.client(SYN));
        assertEquals(1, emitted.size());
        assertEquals("idle.example", emitted.get(0).sni);
        engine.endInput();
        assertEquals(1, engine.stats().evictedIdle);
    }

    @Test
    void flowEvictedForSpaceIsEmitted() {
        limits.maxFlows = 1;
        engine = new CensusEngine(limits, emitted::add);
        feed(v4().client(ACK | PSH, clientHello("evicted.example")));
        feed(new Conversation(Packets.v4(10, 0, 0, 3), 1234, Packets.v4(10, 0, 0, 4), 443, 1, 1).client(SYN));
        assertEquals(1, emitted.size());
        engine.endInput();
        assertEquals(1, engine.stats().evictedForSpace);
    }

    @Test
    void outerVlanAndIpv6AddressesReachTheRecord() {
        Conversation c = new Conversation(Packets.v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10), 50000,
                Packets.v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), 443, 1, 1)
                .vlan(new int[][] {{0x88a8, 300}, {0x8100, 42}});
        handshake(c);
        tls13(c, "v6.example");
        assertEquals(1, emitted.size());
        ConnectionRecord r = emitted.get(0);
        assertEquals(300, r.vlan);
        assertOriented(r, "2001:db8::10", 50000, "2001:db8::1:0:0:1", 443);
    }

    @Test
    void snaplenCutHelloIsCountedAndDoesNotStopTheOtherSide() {
        Conversation c = v4();
        handshake(c);
        byte[] frame = c.client(ACK | PSH, TlsBytes.clientHello().sni("cut.example").padding(1000).record());
        byte[] cut = Packets.truncate(frame, 200);
        ByteBuffer buffer = Packets.inBuffer(cut, OFFSET);
        engine.onPacket(now, LinkType.ETHERNET, buffer, OFFSET, cut.length, frame.length);
        fedBytes += frame.length;
        feed(c.server(ACK | PSH, concat(serverHello13(), ccs())));
        engine.endInput();
        assertEquals(1, engine.stats().truncatedSegments);
        assertEquals(1, emitted.size());
        assertFalse(emitted.get(0).clientHelloSeen);
        assertNull(emitted.get(0).sni);
        assertEquals(0x0304, emitted.get(0).negotiatedVersion);
        assertEquals(fedBytes, engine.stats().bytes, "bytes count wire lengths, not captured lengths");
    }

    @Test
    void nonTcpPacketsAreCountedByKind() {
        byte[] src = Packets.v4(10, 0, 0, 1), dst = Packets.v4(10, 0, 0, 2);
        feed(Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(src, dst, 17, Packets.udp(1, 53, new byte[4]))));
        feed(Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(src, dst, 1, new byte[8])));
        feed(Packets.ethernet(Packets.ETHERTYPE_ARP, new byte[28]));
        feed(LinkType.NULL, Packets.loopback(99, ByteOrder.LITTLE_ENDIAN, new byte[20]));
        feed(147, new byte[40]);
        feed(Packets.ethernet(Packets.ETHERTYPE_IPV4, new Packets.Ipv4(src, dst).fragment(true, 0)
                .build(6, Packets.tcp(1, 443, 1, 1, ACK, new byte[100]))));
        feed(Packets.truncate(Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(src, dst, 6, new byte[20])), 20));
        CaptureStats s = engine.stats();
        assertEquals(7, s.packets);
        assertEquals(1, s.udpPackets);
        assertEquals(1, s.otherIpPackets);
        assertEquals(2, s.nonIpPackets);
        assertEquals(1, s.unsupportedLinkPackets);
        assertEquals(1, s.fragments);
        assertEquals(1, s.malformedPackets);
        assertEquals(0, s.tcpPackets);
        assertEquals(1, engine.activeFlows(), "only the UDP datagram makes a flow (it is probed for DTLS)");
    }

    @Test
    void reassemblyLimitGivesUpOnTheDirection() {
        limits.maxReassemblyBytes = 1000;
        engine = new CensusEngine(limits, emitted::add);
        Conversation c = v4();
        handshake(c);
        byte[] big = TlsBytes.clientHello().sni("big.example").padding(3000).record();
        for (byte[] segment : c.clientSegments(big, 700, 1400, 2100)) feed(segment);
        feed(c.server(ACK | PSH, concat(serverHello13(), ccs())));
        engine.endInput();
        assertEquals(1, engine.stats().reassemblyLimitHits);
        assertEquals(1, emitted.size());
        assertFalse(emitted.get(0).clientHelloSeen);
    }
}
