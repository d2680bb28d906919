package io.tlscensus.readiness;

import io.tlscensus.capture.PcapWriter;
import io.tlscensus.testing.Conversation;
import io.tlscensus.testing.Packets;
import io.tlscensus.testing.TlsBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static io.tlscensus.testing.Packets.ACK;
import static io.tlscensus.testing.Packets.FIN;
import static io.tlscensus.testing.Packets.PSH;
import static io.tlscensus.testing.Packets.SYN;

/** A pcap of hand-built handshakes (Ethernet/IPv4/TCP), for what the real samples do not have. */
final class SyntheticCapture implements AutoCloseable {
    private final PcapWriter writer;
    private int port = 40000;

    SyntheticCapture(Path file) throws IOException {
        writer = new PcapWriter(file, 1, 262_144);
    }

    /**
     * One connection at {@code tsMicros}: the ClientHello, then a ServerHello of {@code negotiated}
     * (0 for none) and, when {@code alert} is not 0, a fatal alert from the server.
     */
    void connection(long tsMicros, int clientLastOctet, int serverPort, TlsBytes.ClientHelloBuilder hello, int negotiated,
                    int alert) {
        Conversation c = new Conversation(Packets.v4(10, 77, 0, clientLastOctet), port++, Packets.v4(10, 77, 0, 1), serverPort,
                1000, 9000);
        long t = tsMicros;
        write(t++, c.client(SYN));
        write(t++, c.server(SYN | ACK));
        write(t++, c.client(ACK));
        write(t++, c.client(ACK | PSH, hello.record()));
        if (negotiated != 0) {
            TlsBytes.ServerHelloBuilder sh = TlsBytes.serverHello().cipherSuite(negotiated == 0x0304 ? 0x1301 : 0xc02f);
            if (negotiated == 0x0304) sh.selectedVersion(0x0304);
            else sh.version(negotiated);
            write(t++, c.server(ACK | PSH, TlsBytes.concat(sh.record(), TlsBytes.changeCipherSpec(0x0303))));
        }
        if (alert != 0) write(t++, c.server(ACK | PSH, TlsBytes.alert(0x0301, 2, alert)));
        write(t++, c.client(FIN | ACK));
        write(t, c.server(FIN | ACK));
    }

    private void write(long ts, byte[] frame) {
        writer.onPacket(ts, 1, ByteBuffer.wrap(frame), 0, frame.length, frame.length);
    }

    /** A ClientHello offering versions up to {@code max} (supported_versions for 1.3), with SNI. */
    static TlsBytes.ClientHelloBuilder hello(int max, String sni) {
        TlsBytes.ClientHelloBuilder b = TlsBytes.clientHello().sni(sni);
        if (max == 0x0304) return b.version(0x0303).supportedVersions(0x0304, 0x0303);
        return b.version(max).cipherSuites(0xc014, 0x002f);
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
