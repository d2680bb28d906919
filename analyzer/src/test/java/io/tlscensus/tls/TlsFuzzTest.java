package io.tlscensus.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.testing.Fuzzing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the TLS side: hello bodies, the record-layer stream parser (with SSLv2 hellos,
 * STARTTLS-style preambles, fragmented records and handshake messages), DTLS datagrams, and the
 * escaping of strings taken from them. Parsers read from arrays that end exactly where the input
 * ends, so any read past a length that lies throws.
 */
class TlsFuzzTest {

    /** ClientHello body; the first byte's low bit selects the DTLS layout (cookie). */
    @FuzzTest(maxDuration = "10s")
    void clientHello(byte[] data) {
        if (data.length == 0) return;
        ConnectionRecord r = new ConnectionRecord();
        boolean ok = ClientHello.parse(data, 1, data.length - 1, r, (data[0] & 1) != 0);
        if (ok != r.clientHelloSeen) throw new AssertionError("parse " + ok + " but clientHelloSeen " + r.clientHelloSeen);
        if (!ok && (r.sni != null || !r.alpn.isEmpty() || !r.clientSupportedVersions.isEmpty())) {
            throw new AssertionError("a rejected hello left fields behind");
        }
        Fuzzing.checkText(r.sni);
        for (String a : r.alpn) Fuzzing.checkText(a);
        TlsVersion.name(r.clientMaxVersion());
    }

    @FuzzTest(maxDuration = "10s")
    void serverHello(byte[] data) {
        ConnectionRecord r = new ConnectionRecord();
        boolean ok = ServerHello.parse(data, 0, data.length, r);
        if (ok != r.serverHelloSeen) throw new AssertionError("parse " + ok + " but serverHelloSeen " + r.serverHelloSeen);
        TlsVersion.name(r.negotiatedVersion);
        TlsVersion.bucket(r.negotiatedVersion);
    }

    /**
     * One direction of a TCP stream, in segments of the size given by the first byte, through the
     * reassembler and the record-layer parser as the engine drives them.
     */
    @FuzzTest(maxDuration = "10s")
    void tlsStream(byte[] data) {
        stream(data);
    }

    /** The same path, seeded with SSLv2 and SSLv2-compatible hellos. */
    @FuzzTest(maxDuration = "10s")
    void sslv2Stream(byte[] data) {
        stream(data);
    }

    private static void stream(byte[] data) {
        if (data.length == 0) return;
        int segment = 1 + (data[0] & 0xff);
        ConnectionRecord r = new ConnectionRecord();
        TlsStreamParser parser = new TlsStreamParser(r, 1024);
        StreamReassembler stream = new StreamReassembler(8192);
        int seq = 0x7ffffff0;
        stream.synSeen(seq - 1);
        for (int p = 1; p < data.length && !parser.done(); p += segment) {
            int n = Math.min(segment, data.length - p);
            byte[] piece = java.util.Arrays.copyOfRange(data, p, p + n);
            stream.accept(seq, ByteBuffer.wrap(piece), 0, n);
            seq += n;
            long drop = parser.parse(stream.array(), stream.start(), stream.available());
            if (drop < 0) throw new AssertionError("negative drop " + drop);
            stream.skip(drop);
            if (stream.overflowed()) parser.finish();
        }
        parser.finish();
        if (!parser.done()) throw new AssertionError("finish() did not end the parser");
        if (parser.role() == TlsStreamParser.Role.CLIENT && !r.clientHelloSeen) throw new AssertionError("client without hello");
        if (parser.role() == TlsStreamParser.Role.SERVER && !r.serverHelloSeen) throw new AssertionError("server without hello");
        Fuzzing.checkText(r.sni);
        for (String a : r.alpn) Fuzzing.checkText(a);
    }

    /** DTLS datagrams ({@link Fuzzing#chunks} format; the tag's low bit is the direction). */
    @FuzzTest(maxDuration = "10s")
    void dtlsDatagrams(byte[] data) {
        ConnectionRecord r = new ConnectionRecord();
        DtlsParser parser = new DtlsParser(r);
        for (Fuzzing.Chunk c : Fuzzing.chunks(data, 256)) {
            ByteBuffer b = Fuzzing.exact(c.bytes(), 5);
            if (DtlsParser.looksLikeDtls(b, 5, c.bytes().length) || (c.tag() & 2) != 0) {
                parser.onDatagram(b, 5, c.bytes().length, c.tag() & 1);
            }
            parser.done();
        }
        Fuzzing.checkText(r.sni);
    }

    /** Any string a packet may carry, through the terminal, CSV and JSON escapers. */
    @FuzzTest(maxDuration = "10s")
    void textSafety(byte[] data) {
        Fuzzing.checkText(new String(data, StandardCharsets.UTF_8));
        Fuzzing.checkText(new String(data, StandardCharsets.UTF_16BE));
    }
}
