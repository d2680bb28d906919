package io.tlscensus.testing;

import io.tlscensus.capture.CaptureSource;
import io.tlscensus.capture.Captures;
import io.tlscensus.decode.PacketDecoder;
import io.tlscensus.quic.QuicFuzzSeeds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the seed corpora of the fuzz targets under src/test/resources/.../*FuzzTestInputs/:
 * the capture-samples/ files themselves, their packets, the TCP payloads of each direction (the
 * hellos), hello bodies cut out of those, and synthetic tunnels, DTLS and QUIC packets.
 * Run by {@code scripts/fuzz seeds}; the output is committed, so this runs only when seeds change.
 *
 * <p>Usage: {@code FuzzSeeds CAPTURE_SAMPLES_DIR TEST_RESOURCES_DIR}
 */
public final class FuzzSeeds {
    private static final int[] ENGINE_LINK_TYPES = {1, 101, 113, 276, 0, 9};
    private static final int[] DECODER_LINK_TYPES = {1, 101, 113, 276, 0, 108, 9, 50, 228, 229, 12, 147};

    private record Packet(int linkType, byte[] bytes) {
    }

    public static void main(String[] args) throws Exception {
        Path samples = Path.of(args[0]);
        Path resources = Path.of(args[1]);
        Path capture = resources.resolve("io/tlscensus/capture/CaptureFuzzTestInputs");
        Path decode = resources.resolve("io/tlscensus/decode/DecoderFuzzTestInputs");
        Path engine = resources.resolve("io/tlscensus/engine/EngineFuzzTestInputs");
        Path tls = resources.resolve("io/tlscensus/tls/TlsFuzzTestInputs");
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(samples)) {
            s.filter(p -> !p.toString().endsWith(".md") && !p.toString().endsWith(".jsonl")).sorted().forEach(files::add);
        }
        List<byte[]> clientStreams = new ArrayList<>();
        List<byte[]> serverStreams = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            byte[] bytes = Files.readAllBytes(f);
            write(capture.resolve("captureStream"), name, bytes);
            write(capture.resolve("mappedFile"), name, bytes);
            if (name.endsWith(".pcap")) write(capture.resolve("segmentedFile"), name, bytes);
            write(capture.resolve("gzipStream"), name, concat(new byte[] {(byte) (name.endsWith(".gz") ? 0 : 1)}, bytes));
            List<Packet> packets = packets(f);
            // engine: the first 40 packets of each sample, as one sequence
            List<Fuzzing.Chunk> chunks = new ArrayList<>();
            for (Packet p : packets.subList(0, Math.min(40, packets.size()))) {
                chunks.add(new Fuzzing.Chunk(indexOf(ENGINE_LINK_TYPES, p.linkType()), p.bytes()));
            }
            write(engine.resolve("packetSequence"), name, Fuzzing.chunks(chunks));
            // decoder: a few single frames of each sample
            for (int i = 0; i < Math.min(3, packets.size()); i++) {
                Packet p = packets.get(i * packets.size() / 3);
                write(decode.resolve("decodePacket"), name + "-" + i,
                        concat(new byte[] {(byte) indexOf(DECODER_LINK_TYPES, p.linkType())}, p.bytes()));
            }
            // TCP payload per direction: the hellos, as sent
            Map<String, ByteArrayOutputStream> streams = new LinkedHashMap<>();
            PacketDecoder d = new PacketDecoder();
            for (Packet p : packets) {
                if (d.decode(p.linkType(), ByteBuffer.wrap(p.bytes()), 0, p.bytes().length) != PacketDecoder.TCP) continue;
                if (d.payloadLength == 0) continue;
                String key = d.srcLo + ":" + d.srcPort + ">" + d.dstLo + ":" + d.dstPort;
                ByteArrayOutputStream out = streams.computeIfAbsent(key, k -> new ByteArrayOutputStream());
                if (out.size() < 6000) out.write(p.bytes(), d.payloadOffset, d.payloadLength);
            }
            int n = 0;
            for (ByteArrayOutputStream out : streams.values()) {
                byte[] s = out.toByteArray();
                if (n++ >= 4 || s.length < 10) continue;
                boolean v2 = (s[0] & 0x80) != 0;
                write(tls.resolve(v2 ? "sslv2Stream" : "tlsStream"), name + "-" + n, concat(new byte[] {(byte) (40 * n)}, s));
                if (s[0] == 0x16 && s.length > 9) {
                    int length = ((s[6] & 0xff) << 16) | ((s[7] & 0xff) << 8) | (s[8] & 0xff);
                    byte[] body = java.util.Arrays.copyOfRange(s, 9, Math.min(s.length, 9 + length));
                    if (s[5] == 1) {
                        write(tls.resolve("clientHello"), name + "-" + n, concat(new byte[] {0}, body));
                        clientStreams.add(s);
                    } else if (s[5] == 2) {
                        write(tls.resolve("serverHello"), name + "-" + n, body);
                        serverStreams.add(s);
                    }
                }
            }
        }
        // tcpSegments: handshake, hellos in order, then reordered with an overlap
        for (int i = 0; i < Math.min(clientStreams.size(), serverStreams.size()) && i < 6; i++) {
            byte[] ch = cut(clientStreams.get(i), 1500);
            byte[] sh = cut(serverStreams.get(i), 1500);
            List<Fuzzing.Chunk> c = new ArrayList<>();
            c.add(new Fuzzing.Chunk(2, new byte[0]));
            c.add(new Fuzzing.Chunk(3, new byte[0]));
            if (i % 2 == 0) {
                c.add(new Fuzzing.Chunk(0, ch));
            } else {
                int half = ch.length / 2;
                c.add(new Fuzzing.Chunk(0x10, concat(new byte[] {0, (byte) half}, java.util.Arrays.copyOfRange(ch, half, ch.length))));
                c.add(new Fuzzing.Chunk(0x10, concat(new byte[] {0, 0}, java.util.Arrays.copyOf(ch, half + 10))));
            }
            c.add(new Fuzzing.Chunk(1, sh));
            c.add(new Fuzzing.Chunk(4, new byte[0]));
            c.add(new Fuzzing.Chunk(5, new byte[0]));
            write(engine.resolve("tcpSegments"), "hellos-" + i, Fuzzing.chunks(c));
        }
        // synthetic hellos with every extension the parser reads, SSLv2, alerts
        byte[] ch = TlsBytes.clientHello().sni("www.example.test").alpn("h2", "http/1.1")
                .supportedVersions(0x0a0a, 0x0304, 0x0303).padding(20).body();
        write(tls.resolve("clientHello"), "synthetic", concat(new byte[] {0}, ch));
        write(tls.resolve("serverHello"), "hrr", TlsBytes.serverHello().helloRetryRequest().selectedVersion(0x0304).body());
        write(tls.resolve("serverHello"), "draft", TlsBytes.serverHello().version(0x7f12).draftLayout().body());
        byte[] record = TlsBytes.inRecords(0x0301, TlsBytes.clientHello().sni("a.test").message(), 10, 30);
        write(tls.resolve("tlsStream"), "fragmented", concat(new byte[] {7}, TlsBytes.ascii("220 smtp ready\r\n"), record));
        write(tls.resolve("tlsStream"), "alert", concat(new byte[] {3}, TlsBytes.alert(0x0303, 2, 40)));
        write(tls.resolve("sslv2Stream"), "v2", concat(new byte[] {5}, TlsBytes.sslv2ClientHello(0x0002)));
        write(tls.resolve("sslv2Stream"), "v2compat", concat(new byte[] {9}, TlsBytes.sslv2ClientHello(0x0301)));
        write(tls.resolve("sslv2Stream"), "v2server", concat(new byte[] {9}, TlsBytes.sslv2ServerHello()));
        write(tls.resolve("dtlsDatagrams"), "hellos", dtlsSeed());
        write(tls.resolve("textSafety"), "mixed", TlsBytes.concat(TlsBytes.ascii("=cmd|' /C calc'!A0\u001b[31m<script>\n"),
                "\u202e\u2028é".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {(byte) 0xff, (byte) 0xc0}));
        for (Map.Entry<String, byte[]> e : tunnels().entrySet()) write(decode.resolve("decodePacket"), e.getKey(), e.getValue());
        QuicFuzzSeeds.write(resources.resolve("io/tlscensus/quic/QuicFuzzTestInputs"));
    }

    private static byte[] dtlsSeed() {
        // DTLS 1.2 ClientHello (empty cookie) in two fragments, then a ServerHello, epoch 0
        byte[] body = TlsBytes.clientHello().version(0xfefd).sni("dtls.test").body();
        // insert the cookie length (0) after the session id: version(2) random(32) sid(1+32)
        byte[] dtlsBody = concat(java.util.Arrays.copyOf(body, 67), new byte[] {0}, java.util.Arrays.copyOfRange(body, 67, body.length));
        int half = dtlsBody.length / 2;
        byte[] f1 = dtlsHandshake(1, dtlsBody, 0, half);
        byte[] f2 = dtlsHandshake(1, dtlsBody, half, dtlsBody.length - half);
        byte[] sh = TlsBytes.serverHello().version(0xfefd).body();
        List<Fuzzing.Chunk> c = List.of(new Fuzzing.Chunk(0, dtlsRecord(22, f1)), new Fuzzing.Chunk(0, dtlsRecord(22, f2)),
                new Fuzzing.Chunk(1, concat(dtlsRecord(22, dtlsHandshake(2, sh, 0, sh.length)), dtlsRecord(21, new byte[] {2, 40}))));
        return Fuzzing.chunks(c);
    }

    private static byte[] dtlsHandshake(int type, byte[] body, int offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(12 + length);
        b.put((byte) type).put(u24(body.length)).putShort((short) 0).put(u24(offset)).put(u24(length));
        b.put(body, offset, length);
        return b.array();
    }

    private static byte[] dtlsRecord(int type, byte[] fragment) {
        ByteBuffer b = ByteBuffer.allocate(13 + fragment.length);
        b.put((byte) type).putShort((short) 0xfefd).putShort((short) 0).putShort((short) 0).putInt(0)
                .putShort((short) fragment.length).put(fragment);
        return b.array();
    }

    private static byte[] u24(int v) {
        return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** One frame per encapsulation the decoder knows, carrying a TCP segment with a ClientHello start. */
    private static Map<String, byte[]> tunnels() {
        byte[] a = Packets.v4(10, 1, 1, 1), b = Packets.v4(10, 1, 1, 2);
        byte[] hello = cut(TlsBytes.clientHello().sni("t.test").record(), 80);
        byte[] inner = Packets.ipv4(a, b, Packets.PROTO_TCP, Packets.tcp(1234, 443, 1, 0, Packets.ACK, hello));
        byte[] innerEth = Packets.ethernet(Packets.ETHERTYPE_IPV4, inner);
        Map<String, byte[]> m = new LinkedHashMap<>();
        ByteBuffer gre = ByteBuffer.allocate(8 + inner.length).putShort((short) 0x2000).putShort((short) 0x0800).putInt(77).put(inner);
        m.put("gre-key", eth(Packets.ipv4(a, b, 47, gre.array())));
        ByteBuffer erspan = ByteBuffer.allocate(16 + innerEth.length).putShort((short) 0x1000).putShort((short) 0x88be)
                .putInt(1).putShort((short) 0x1000).putShort((short) 0x0005).putInt(0).put(innerEth);
        m.put("erspan2", eth(Packets.ipv4(a, b, 47, erspan.array())));
        ByteBuffer vxlan = ByteBuffer.allocate(8 + innerEth.length).putInt(0x08000000).putInt(0x00123400).put(innerEth);
        m.put("vxlan", eth(Packets.ipv4(a, b, 17, Packets.udp(5555, 4789, vxlan.array()))));
        ByteBuffer geneve = ByteBuffer.allocate(8 + innerEth.length).putShort((short) 0).putShort((short) 0x6558).putInt(0x00abcd00).put(innerEth);
        m.put("geneve", eth(Packets.ipv4(a, b, 17, Packets.udp(5555, 6081, geneve.array()))));
        ByteBuffer mpls = ByteBuffer.allocate(8 + inner.length).putInt(0x00010000).putInt(0x00020140).put(inner);
        m.put("mpls", concat(new byte[] {0}, Packets.ethernet(0x8847, mpls.array())));
        ByteBuffer pppoe = ByteBuffer.allocate(8 + inner.length).putShort((short) 0x1100).putShort((short) 1)
                .putShort((short) (2 + inner.length)).putShort((short) 0x0021).put(inner);
        m.put("pppoe", concat(new byte[] {0}, Packets.ethernet(0x8864, pppoe.array())));
        m.put("ipip", eth(Packets.ipv4(a, b, 4, inner)));
        byte[] v6 = Packets.ipv6(Packets.v6(0xfd00, 0, 0, 0, 0, 0, 0, 1), Packets.v6(0xfd00, 0, 0, 0, 0, 0, 0, 2), 6,
                Packets.tcp(1234, 443, 1, 0, Packets.ACK, hello));
        m.put("6in4", eth(Packets.ipv4(a, b, 41, v6)));
        m.put("ipv6-ext", eth6(new Packets.Ipv6(Packets.v6(0xfd00, 0, 0, 0, 0, 0, 0, 1), Packets.v6(0xfd00, 0, 0, 0, 0, 0, 0, 2))
                .options(0, 1).authentication(1).options(60, 0).build(6, Packets.tcp(1234, 443, 1, 0, Packets.ACK, hello))));
        m.put("ipv4-fragment", eth(new Packets.Ipv4(a, b).fragment(true, 0).build(6,
                cut(Packets.tcp(1234, 443, 1, 0, Packets.ACK, hello), 48))));
        m.put("ipv6-fragment", eth6(new Packets.Ipv6(Packets.v6(0xfd00, 0, 0, 0, 0, 0, 0, 1), Packets.v6(0xfd00, 0, 0, 0, 0, 0, 0, 2))
                .fragment(0, false, 99).build(6, Packets.tcp(1234, 443, 1, 0, Packets.ACK, hello))));
        m.put("qinq", concat(new byte[] {0}, Packets.ethernetTagged(new int[][] {{0x88a8, 100}, {0x8100, 200}}, 0x0800, inner)));
        return m;
    }

    private static byte[] eth(byte[] ipv4) {
        return concat(new byte[] {0}, Packets.ethernet(Packets.ETHERTYPE_IPV4, ipv4));
    }

    private static byte[] eth6(byte[] ipv6) {
        return concat(new byte[] {0}, Packets.ethernet(Packets.ETHERTYPE_IPV6, ipv6));
    }

    private static List<Packet> packets(Path f) throws Exception {
        List<Packet> out = new ArrayList<>();
        try (CaptureSource s = Captures.open(f)) {
            s.readAll((ts, lt, buf, off, cap, orig) -> {
                byte[] b = new byte[cap];
                buf.get(off, b, 0, cap);
                out.add(new Packet(lt, b));
            });
        }
        return out;
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) if (values[i] == v) return i;
        return 0;
    }

    private static byte[] cut(byte[] b, int max) {
        return java.util.Arrays.copyOf(b, Math.min(b.length, max));
    }

    static byte[] concat(byte[]... parts) {
        return TlsBytes.concat(parts);
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    public static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), bytes);
    }
}
