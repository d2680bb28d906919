package io.tlscensus.testing;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Generates hostile captures (issue 8): files truncated at every kind of boundary, lengths that
 * lie at the file, block, record and hello level, a SYN flood, a flow of 100,000 out-of-order and
 * overlapping segments with conflicting bytes, oversized TLS records, deeply nested tunnels and an
 * IP fragment flood. Each damaged capture has good TLS connections before (and, where the damage
 * is inside a packet rather than the file structure, after) the damage, so a test can check that
 * they are all still counted. Used by {@code AdversarialCaptureTest} and {@code scripts/adversarial}.
 */
public final class AdversarialCaptures {
    private AdversarialCaptures() {
    }

    /** SNIs of the good connections: good-0.test, good-1.test, ... per capture. */
    public static String goodSni(int i) {
        return "good-" + i + ".test";
    }

    // ------------------------------------------------------------------ good traffic

    /** One complete TLS 1.2 handshake (SYN ... ClientHello, ServerHello ... FIN) as Ethernet frames. */
    public static List<byte[]> connection(int id, String sni) {
        Conversation c = new Conversation(Packets.v4(10, 20, id >>> 8, id & 0xff), 40000 + (id & 0x3fff),
                Packets.v4(10, 30, 0, 1), 443, 1000 * id, 5000 * id);
        List<byte[]> frames = new ArrayList<>();
        frames.add(c.client(Packets.SYN));
        frames.add(c.server(Packets.SYN | Packets.ACK));
        frames.add(c.client(Packets.ACK));
        frames.add(c.client(Packets.ACK | Packets.PSH, TlsBytes.clientHello().sni(sni).record()));
        frames.add(c.server(Packets.ACK | Packets.PSH, TlsBytes.serverHello().record()));
        frames.add(c.client(Packets.FIN | Packets.ACK));
        frames.add(c.server(Packets.FIN | Packets.ACK));
        return frames;
    }

    /** {@code count} good connections numbered from {@code first}. */
    public static List<byte[]> good(int first, int count) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = first; i < first + count; i++) frames.addAll(connection(i, goodSni(i)));
        return frames;
    }

    // ------------------------------------------------------------------ pcap writing

    /** Little-endian microsecond pcap, Ethernet, one record per frame, 1 ms apart from {@code startSeconds}. */
    public static byte[] pcap(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(pcapHeader(1));
        long ts = 1_700_000_000_000_000L;
        for (byte[] f : frames) {
            out.writeBytes(recordHeader(ts, f.length, f.length));
            out.writeBytes(f);
            ts += 1000;
        }
        return out.toByteArray();
    }

    static byte[] pcapHeader(int linkType) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
                .putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(linkType).array();
    }

    static byte[] recordHeader(long tsMicros, long captured, long original) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (tsMicros / 1_000_000))
                .putInt((int) (tsMicros % 1_000_000)).putInt((int) captured).putInt((int) original).array();
    }

    /** pcapng, little-endian: SHB, one Ethernet IDB, one EPB per frame. */
    public static byte[] pcapng(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(block(0x0A0D0D0A, le(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array()));
        out.writeBytes(block(1, le(8).putShort((short) 1).putShort((short) 0).putInt(262144).array()));
        long ts = 1_700_000_000_000_000L;
        for (byte[] f : frames) {
            out.writeBytes(enhancedPacket(ts, f));
            ts += 1000;
        }
        return out.toByteArray();
    }

    static byte[] enhancedPacket(long ts, byte[] f) {
        int padded = (f.length + 3) & ~3;
        ByteBuffer b = le(20 + padded).putInt(0).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(f.length).putInt(f.length);
        b.put(f);
        return block(6, b.array());
    }

    static byte[] block(int type, byte[] body) {
        int length = 12 + body.length;
        return le(length).putInt(type).putInt(length).put(body).putInt(length).array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] concat(byte[]... parts) {
        return TlsBytes.concat(parts);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ capture-structure damage

    /**
     * A damaged capture file: {@code before} good connections (7 frames each), then the damage
     * that {@code kind} names; what follows the damage in the same file cannot be found again (a
     * capture has no resynchronisation marks), so the readers stop there.
     */
    public static byte[] damagedFile(String kind, int before) {
        List<byte[]> frames = good(0, before);
        byte[] pcap = pcap(frames);
        byte[] pcapng = pcapng(frames);
        byte[] after = pcap(good(before, 2));
        byte[] afterRecords = Arrays.copyOfRange(after, 24, after.length);
        byte[] frame = frames.get(0);
        long ts = 1_800_000_000_000_000L;
        switch (kind) {
            case "pcap-cut-in-file-header": return Arrays.copyOf(pcap, 10);
            case "pcap-cut-in-record-header": return concat(pcap, Arrays.copyOf(recordHeader(ts, 60, 60), 9));
            case "pcap-cut-in-record-data": return concat(pcap, recordHeader(ts, frame.length, frame.length), Arrays.copyOf(frame, 20));
            case "pcap-cut-at-record-boundary": return pcap;
            case "pcap-length-past-end-of-file": return concat(pcap, recordHeader(ts, 5000, 5000), frame);
            case "pcap-length-over-256k": return concat(pcap, recordHeader(ts, 262145, 262145), new byte[262145], afterRecords);
            case "pcap-length-0xffffffff": return concat(pcap, recordHeader(ts, 0xffffffffL, 0xffffffffL), afterRecords);
            case "pcap-zero-length-record": return concat(pcap, recordHeader(ts, 0, 0), afterRecords);
            case "pcap-wire-length-0xffffffff": return concat(pcap, recordHeader(ts, frame.length, 0xffffffffL), frame, afterRecords);
            case "pcapng-cut-in-block": return Arrays.copyOf(concat(pcapng, enhancedPacket(ts, frame)), pcapng.length + 30);
            case "pcapng-length-not-multiple-of-4": return concat(pcapng, damagedBlock(6, 61, 61));
            case "pcapng-length-below-12": return concat(pcapng, damagedBlock(6, 8, 8));
            case "pcapng-length-0xffffffff": return concat(pcapng, damagedBlock(6, 0xffffffff, 0xffffffff));
            case "pcapng-unknown-block-past-end": return concat(pcapng, damagedBlock(0x0bad, 0x7ffffff0, 0));
            case "pcapng-trailing-length-mismatch": return concat(pcapng, damagedBlock(6, 64, 68));
            case "pcapng-captured-length-over-block": {
                byte[] epb = enhancedPacket(ts, frame);
                ByteBuffer.wrap(epb).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 100_000);
                return concat(pcapng, epb);
            }
            case "pcapng-unknown-interface": {
                byte[] epb = enhancedPacket(ts, frame);
                ByteBuffer.wrap(epb).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 7);
                return concat(pcapng, epb);
            }
            case "gzip-cut-mid-stream": {
                byte[] gz = gzip(concat(pcap, afterRecords));
                return Arrays.copyOf(gz, gz.length * 2 / 3);
            }
            case "gzip-corrupt-byte": {
                byte[] gz = gzip(concat(pcap, afterRecords));
                gz[gz.length * 3 / 4] ^= 0x55;
                return gz;
            }
            default: throw new IllegalArgumentException(kind);
        }
    }

    /** Names of {@link #damagedFile} kinds, with whether the file is damaged (exit status 1). */
    public static final List<String> FILE_DAMAGE = List.of(
            "pcap-cut-in-file-header", "pcap-cut-in-record-header", "pcap-cut-in-record-data",
            "pcap-cut-at-record-boundary", "pcap-length-past-end-of-file", "pcap-length-over-256k",
            "pcap-length-0xffffffff", "pcap-zero-length-record", "pcap-wire-length-0xffffffff",
            "pcapng-cut-in-block", "pcapng-length-not-multiple-of-4", "pcapng-length-below-12",
            "pcapng-length-0xffffffff", "pcapng-unknown-block-past-end", "pcapng-trailing-length-mismatch",
            "pcapng-captured-length-over-block", "pcapng-unknown-interface", "gzip-cut-mid-stream", "gzip-corrupt-byte");

    private static byte[] damagedBlock(int type, int length, int trailing) {
        byte[] body = new byte[52];
        return le(64).putInt(type).putInt(length).put(body).putInt(trailing).array();
    }

    // ------------------------------------------------------------------ packet-level damage

    /** ClientHellos whose lengths lie, one per connection, between good connections. */
    public static List<byte[]> lyingHellos() {
        List<byte[]> frames = new ArrayList<>(good(0, 2));
        byte[] hello = TlsBytes.clientHello().sni("liar.test").alpn("h2").supportedVersions(0x0304).body();
        int id = 100;
        for (byte[] liar : lies(hello)) {
            Conversation c = new Conversation(Packets.v4(10, 21, 0, id & 0xff), 41000 + id, Packets.v4(10, 30, 0, 1), 443, 7, 9);
            frames.add(c.client(Packets.SYN));
            frames.add(c.server(Packets.SYN | Packets.ACK));
            frames.add(c.client(Packets.ACK | Packets.PSH, liar));
            frames.add(c.server(Packets.ACK | Packets.PSH, TlsBytes.serverHello().record()));
            frames.add(c.client(Packets.RST));
            id++;
        }
        frames.addAll(good(2, 2));
        return frames;
    }

    /** Record/handshake/extension/SNI/ALPN lengths that claim more (or fewer) bytes than are there. */
    static List<byte[]> lies(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        byte[] message = TlsBytes.handshake(1, body);
        // handshake length 0xffffff inside a record of the real length
        byte[] m1 = message.clone();
        m1[1] = m1[2] = m1[3] = (byte) 0xff;
        out.add(TlsBytes.record(22, 0x0301, m1));
        // record length larger than what follows (then the connection resets)
        byte[] r2 = TlsBytes.record(22, 0x0301, message);
        r2[3] = 0x3f;
        r2[4] = (byte) 0xff;
        out.add(r2);
        // session id length 255
        byte[] b3 = body.clone();
        b3[34] = (byte) 0xff;
        out.add(TlsBytes.record(22, 0x0301, TlsBytes.handshake(1, b3)));
        // extensions block longer than the hello
        byte[] b4 = body.clone();
        int ext = 2 + 32 + 1 + 32 + 2 + 6 + 2;
        b4[ext] = (byte) 0x7f;
        out.add(TlsBytes.record(22, 0x0301, TlsBytes.handshake(1, b4)));
        // server_name list longer than its extension, host name longer than the list
        byte[] b5 = body.clone();
        b5[ext + 2 + 4] = (byte) 0x40;
        out.add(TlsBytes.record(22, 0x0301, TlsBytes.handshake(1, b5)));
        byte[] b6 = body.clone();
        b6[ext + 2 + 4 + 2 + 1] = (byte) 0x40;
        out.add(TlsBytes.record(22, 0x0301, TlsBytes.handshake(1, b6)));
        // odd cipher suites length
        byte[] b7 = body.clone();
        b7[2 + 32 + 1 + 32 + 1] = 7;
        out.add(TlsBytes.record(22, 0x0301, TlsBytes.handshake(1, b7)));
        return out;
    }

    /**
     * TLS records around the 2^14 limit, one connection each, between good connections: a
     * ClientHello padded into a record of exactly 2^14 + 1 and of 2^14 + 2048 bytes (the most RFC
     * 8446 5.2 allows a TLSCiphertext; tlscensus accepts up to it), and of 2^14 + 2049 and 65535
     * bytes (rejected as not TLS).
     */
    public static List<byte[]> bigRecords() {
        List<byte[]> frames = new ArrayList<>(good(0, 2));
        int[] recordLengths = {(1 << 14) + 1, (1 << 14) + 2048, (1 << 14) + 2049, 65535};
        for (int i = 0; i < recordLengths.length; i++) {
            byte[] base = TlsBytes.clientHello().sni("big-" + i + ".test").padding(0).message();
            int pad = recordLengths[i] - base.length;
            byte[] record = TlsBytes.clientHello().sni("big-" + i + ".test").padding(pad).record();
            Conversation c = new Conversation(Packets.v4(10, 22, 0, i), 42000 + i, Packets.v4(10, 30, 0, 1), 443, 11, 13);
            frames.add(c.client(Packets.SYN));
            frames.add(c.server(Packets.SYN | Packets.ACK));
            for (int p = 0; p < record.length; p += 1400) {
                frames.add(c.client(Packets.ACK, Arrays.copyOfRange(record, p, Math.min(record.length, p + 1400))));
            }
            frames.add(c.server(Packets.ACK | Packets.PSH, TlsBytes.serverHello().record()));
            frames.add(c.client(Packets.FIN | Packets.ACK));
            frames.add(c.server(Packets.FIN | Packets.ACK));
        }
        frames.addAll(good(2, 2));
        return frames;
    }

    /**
     * Flow X: a ClientHello (SNI {@code first-copy.test}) in three segments, sent 1, 3, 2, with
     * {@code segments} segments in between that conflict with what is already held: copies of
     * segment 1 (already delivered) and of segment 3 (waiting ahead of the hole) with SNI
     * {@code other-copy.test}'s bytes, then, once the hello is whole, retransmissions of the
     * whole hello with the other bytes. The first copy must win: the SNI is first-copy.test.
     * Flow Y: {@code segments} segments at distinct sequence numbers ahead of a hole that never
     * fills, with conflicting bytes: it must hit the reassembly limit, not hold them.
     */
    public static List<byte[]> overlapStorm(int segments) {
        List<byte[]> frames = new ArrayList<>(good(0, 2));
        byte[] first = TlsBytes.clientHello().sni("first-copy.test").record();
        byte[] other = TlsBytes.clientHello().sni("other-copy.test").record();
        int cut1 = 95, cut2 = 105; // the SNI runs across both cuts
        Conversation x = new Conversation(Packets.v4(10, 23, 0, 1), 43000, Packets.v4(10, 30, 0, 1), 443, 100, 200);
        frames.add(x.client(Packets.SYN));
        frames.add(x.server(Packets.SYN | Packets.ACK));
        int start = x.clientSeq();
        frames.add(x.clientAt(start, Packets.ACK, Arrays.copyOf(first, cut1)));
        frames.add(x.clientAt(start + cut2, Packets.ACK, Arrays.copyOfRange(first, cut2, first.length)));
        for (int i = 0; i < segments; i++) {
            frames.add(i % 2 == 0 ? x.clientAt(start, Packets.ACK, Arrays.copyOf(other, cut1))
                    : x.clientAt(start + cut2, Packets.ACK, Arrays.copyOfRange(other, cut2, other.length)));
        }
        frames.add(x.clientAt(start + cut1, Packets.ACK, Arrays.copyOfRange(first, cut1, cut2)));
        for (int i = 0; i < 10; i++) frames.add(x.clientAt(start, Packets.ACK, other));
        x.client(Packets.ACK, first); // our own sequence bookkeeping moves past the hello
        frames.add(x.server(Packets.ACK | Packets.PSH, TlsBytes.serverHello().record()));
        frames.add(x.client(Packets.FIN | Packets.ACK));
        frames.add(x.server(Packets.FIN | Packets.ACK));

        Conversation y = new Conversation(Packets.v4(10, 23, 0, 2), 43001, Packets.v4(10, 30, 0, 1), 443, 100, 200);
        frames.add(y.client(Packets.SYN));
        frames.add(y.server(Packets.SYN | Packets.ACK));
        int hole = y.clientSeq();
        for (int i = 0; i < segments; i++) {
            byte[] piece = Arrays.copyOfRange(i % 2 == 0 ? first : other, 0, 16);
            frames.add(y.clientAt(hole + 1 + (i * 13) % 60_000, Packets.ACK, piece));
        }
        frames.add(y.client(Packets.RST));
        frames.addAll(good(2, 2));
        return frames;
    }

    /** Tunnels nested {@code depth} deep (GRE in IPv4, repeated) around one good connection's frames. */
    public static List<byte[]> nested(int id, int depth) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] frame : connection(id, goodSni(id))) {
            byte[] ip = Arrays.copyOfRange(frame, 14, frame.length);
            for (int i = 0; i < depth; i++) {
                byte[] gre = concat(new byte[] {0x20, 0, 0x08, 0}, ByteBuffer.allocate(4).putInt(i).array(), ip);
                ip = Packets.ipv4(Packets.v4(172, 16, i >>> 8, i & 0xff), Packets.v4(172, 17, 0, 1), 47, gre);
            }
            out.add(Packets.ethernet(Packets.ETHERTYPE_IPV4, ip));
        }
        return out;
    }

    public static List<byte[]> deepTunnels() {
        List<byte[]> frames = new ArrayList<>(good(0, 2));
        frames.addAll(nested(10, 8));   // the deepest nesting decoded
        frames.addAll(nested(11, 9));   // one more: malformed
        frames.addAll(nested(12, 200)); // absurd: malformed, bounded work
        frames.addAll(good(2, 2));
        return frames;
    }

    /**
     * {@code count} first fragments of datagrams that never complete (distinct ids, within one
     * second), then, 31 s later, a good connection whose ClientHello comes in IPv4 fragments
     * (out of order, with an overlapping fragment whose bytes conflict: the first copy wins).
     */
    public static List<Frame> fragmentFlood(int count) {
        List<Frame> frames = new ArrayList<>();
        long ts = 1_700_000_000_000_000L;
        for (byte[] f : good(0, 2)) frames.add(new Frame(ts += 1000, f));
        byte[] junk = new byte[64];
        for (int i = 0; i < count; i++) {
            byte[] ip = new Packets.Ipv4(Packets.v4(10, 40, (i >>> 8) & 0xff, i & 0xff), Packets.v4(10, 30, 0, 1))
                    .fragment(true, 0).build(Packets.PROTO_TCP, junk);
            ByteBuffer.wrap(ip).putShort(4, (short) i);
            frames.add(new Frame(ts + i, Packets.ethernet(Packets.ETHERTYPE_IPV4, ip)));
        }
        ts += 31_000_000L;
        Conversation c = new Conversation(Packets.v4(10, 24, 0, 1), 44000, Packets.v4(10, 30, 0, 1), 443, 300, 400);
        frames.add(new Frame(ts += 1000, c.client(Packets.SYN)));
        frames.add(new Frame(ts += 1000, c.server(Packets.SYN | Packets.ACK)));
        byte[] hello = TlsBytes.clientHello().sni("fragmented.test").record();
        byte[] segment = Packets.tcp(44000, 443, c.clientSeq(), c.serverSeq(), Packets.ACK | Packets.PSH, hello);
        c.client(Packets.ACK, hello);
        byte[] conflicting = segment.clone();
        for (int i = 60; i < conflicting.length; i++) conflicting[i] = 0x58;
        int[][] order = {{2, 0}, {1, 0}, {1, 1}, {0, 0}}; // {fragment index, conflicting copy}: the true copy first
        for (int[] o : order) {
            int from = o[0] * 64, to = Math.min(segment.length, from + 64);
            boolean more = o[0] < 2 || to < segment.length;
            if (o[0] == 2) to = segment.length;
            byte[] part = Arrays.copyOfRange(o[1] == 1 ? conflicting : segment, from, to);
            byte[] ip = new Packets.Ipv4(Packets.v4(10, 24, 0, 1), Packets.v4(10, 30, 0, 1)).fragment(o[0] < 2 && more, from / 8)
                    .build(Packets.PROTO_TCP, part);
            frames.add(new Frame(ts += 1000, Packets.ethernet(Packets.ETHERTYPE_IPV4, ip)));
        }
        frames.add(new Frame(ts += 1000, c.server(Packets.ACK | Packets.PSH, TlsBytes.serverHello().record())));
        frames.add(new Frame(ts += 1000, c.client(Packets.FIN | Packets.ACK)));
        frames.add(new Frame(ts += 1000, c.server(Packets.FIN | Packets.ACK)));
        for (byte[] f : good(2, 2)) frames.add(new Frame(ts += 1000, f));
        return frames;
    }

    /** A frame with its own timestamp. */
    public record Frame(long tsMicros, byte[] bytes) {
    }

    public static byte[] pcapTimed(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(pcapHeader(1));
        for (Frame f : frames) {
            out.writeBytes(recordHeader(f.tsMicros(), f.bytes().length, f.bytes().length));
            out.writeBytes(f.bytes());
        }
        return out.toByteArray();
    }

    /**
     * Streams a SYN flood to {@code file}: two good connections, {@code count} SYNs from distinct
     * source addresses and ports (half-open connections that never complete), two good
     * connections. 1,000,000 SYNs make a 70 MB file.
     */
    public static void synFlood(Path file, int count) throws IOException {
        byte[] syn = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(Packets.v4(11, 0, 0, 0),
                Packets.v4(10, 30, 0, 1), Packets.PROTO_TCP, Packets.tcp(1, 443, 0, 0, Packets.SYN, new byte[0])));
        byte[] header = recordHeader(0, syn.length, syn.length);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer s = ByteBuffer.wrap(syn);
        betweenGoodConnections(file, (out, ts) -> {
            for (int i = 0; i < count; i++) {
                ts += 1; // 1 us apart: all within the idle timeout, so the table fills
                h.putInt(0, (int) (ts / 1_000_000)).putInt(4, (int) (ts % 1_000_000));
                s.putInt(14 + 12, 0x0b000000 | (i >>> 6)); // source address
                s.putShort(34, (short) (1024 + (i & 63)));  // source port
                s.putInt(38, i * 7919);                      // sequence number
                out.write(header);
                out.write(syn);
            }
            return ts;
        });
    }

    /**
     * Streams {@code count} handshakes in flight to {@code file}, between two good connections
     * before and two after: from distinct client addresses and ports, a SYN and a ClientHello each
     * (TLS 1.3, ALPN h2 and http/1.1) that no server ever answers. The hellos name
     * {@code distinctSnis} servers in turn ({@code hello-N.test}), or each its own when 0 (the worst
     * case for memory). 200,000 of them make a 60 MB file.
     */
    public static void helloFlood(Path file, int count, int distinctSnis) throws IOException {
        byte[] server = Packets.v4(10, 30, 0, 1);
        betweenGoodConnections(file, (out, ts) -> {
            for (int i = 0; i < count; i++) {
                byte[] client = Packets.v4(11, i >>> 14 & 0xff, i >>> 6 & 0xff, 1);
                int port = 1024 + (i & 63);
                String sni = "hello-" + (distinctSnis == 0 ? i : i % distinctSnis) + ".test";
                byte[] hello = TlsBytes.clientHello().sni(sni).alpn("h2", "http/1.1").supportedVersions(0x0304, 0x0303).record();
                for (byte[] frame : List.of(
                        Packets.tcp(port, 443, i * 7919, 0, Packets.SYN, new byte[0]),
                        Packets.tcp(port, 443, i * 7919 + 1, 1, Packets.ACK | Packets.PSH, hello))) {
                    byte[] f = Packets.ethernet(Packets.ETHERTYPE_IPV4, Packets.ipv4(client, server, Packets.PROTO_TCP, frame));
                    out.write(recordHeader(ts += 1, f.length, f.length)); // all within the idle timeout
                    out.write(f);
                }
            }
            return ts;
        });
    }

    /** What a flood writes after the first good connections; returns the last timestamp used. */
    private interface FloodBody {
        long write(OutputStream out, long ts) throws IOException;
    }

    /** A pcap of two good connections, the body, two good connections. */
    private static void betweenGoodConnections(Path file, FloodBody body) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(pcapHeader(1));
            long ts = 1_700_000_000_000_000L;
            for (byte[] f : good(0, 2)) {
                out.write(recordHeader(ts += 10, f.length, f.length));
                out.write(f);
            }
            ts = body.write(out, ts);
            for (byte[] f : good(2, 2)) {
                out.write(recordHeader(ts += 10, f.length, f.length));
                out.write(f);
            }
        }
    }

    /** Writes every case to {@code dir} (for scripts/adversarial); returns the files. */
    public static List<Path> writeAll(Path dir, int synFloodCount) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        files.add(write(dir, "good.pcap", pcap(good(0, 2))));
        for (String kind : FILE_DAMAGE) {
            files.add(write(dir, kind + (kind.startsWith("pcapng") ? ".pcapng" : kind.startsWith("gzip") ? ".pcap.gz" : ".pcap"),
                    damagedFile(kind, 2)));
        }
        files.add(write(dir, "lying-client-hellos.pcap", pcap(lyingHellos())));
        files.add(write(dir, "tls-records-2^14+.pcap", pcap(bigRecords())));
        files.add(write(dir, "overlapping-segments-100k.pcap", pcap(overlapStorm(100_000))));
        files.add(write(dir, "nested-tunnels.pcap", pcap(deepTunnels())));
        files.add(write(dir, "fragment-flood-100k.pcap", pcapTimed(fragmentFlood(100_000))));
        Path flood = dir.resolve("syn-flood-" + synFloodCount + ".pcap");
        synFlood(flood, synFloodCount);
        files.add(flood);
        return files;
    }

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Usage: AdversarialCaptures DIR [SYN_FLOOD_COUNT] */
    public static void main(String[] args) throws IOException {
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        for (Path p : writeAll(Path.of(args[0]), count)) System.out.println(p);
    }
}
