import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a large, realistic, deterministic benchmark capture (classic pcap, Ethernet) from a seed:
 * thousands of clients on IPv4 and IPv6 talking TLS 1.0-1.3 to hundreds of servers, with
 * post-quantum-sized (X25519MLKEM768) ClientHellos of ~1.8 KB that take two segments, certificate
 * flights, small and full-size application-data packets, bulk downloads, plain HTTP, DNS and ARP,
 * and a few out-of-order hello segments. Many connections are in flight at once, interleaved.
 *
 * <p>usage: java scripts/BenchCapture.java OUT.pcap [MEGABYTES=1100] [SEED=7] [--syn-only N]
 * <br>Prints the connections per version it wrote (the ground truth) on stdout.
 * <br>--syn-only N writes N SYN-only flows from distinct client ports instead (memory test).
 * <br>--hello-only N writes N flows that send a SYN and a ClientHello and nothing else (handshakes
 * in flight), all with the same ClientHello unless these say otherwise:
 * <br>--snis K: the hellos name K distinct servers, a few popular and a long tail (Zipf-like), as
 * real traffic does; K = 0 gives every hello its own SNI (the worst case for memory).
 * <br>--stacks S: the hellos come from S client TLS stacks (cipher suites, extensions, groups,
 * signature algorithms, ALPN, versions), again a few popular ones; a third of them, the most
 * popular among them, shuffle their extension order on every connection as Chrome has done since
 * version 110, so their JA3 inputs differ per connection. S = 0 gives every hello its own stack.
 */
public final class BenchCapture {
    static final int MSS = 1448;
    static final SplittableRandom FILL = new SplittableRandom(1);
    static final byte[] NOISE = new byte[1 << 16];

    static { FILL.nextBytes(NOISE); }

    final SplittableRandom rnd;
    final OutputStream out;
    final ByteBuffer frame = ByteBuffer.allocate(70_000).order(ByteOrder.BIG_ENDIAN);
    final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    long tsMicros = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
    long bytesWritten = 24;
    long packets;
    final long[] perVersion = new long[5]; // 1.0, 1.1, 1.2, 1.3, non-TLS

    BenchCapture(OutputStream out, long seed) {
        this.out = out;
        this.rnd = new SplittableRandom(seed);
    }

    public static void main(String[] args) throws IOException {
        String file = args[0];
        long megabytes = args.length > 1 && !args[1].startsWith("--") ? Long.parseLong(args[1]) : 1100;
        long seed = args.length > 2 && !args[2].startsWith("--") ? Long.parseLong(args[2]) : 7;
        int synOnly = -1, helloOnly = -1, snis = -1, stacks = -1;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--syn-only")) synOnly = Integer.parseInt(args[i + 1]);
            if (args[i].equals("--hello-only")) helloOnly = Integer.parseInt(args[i + 1]);
            if (args[i].equals("--snis")) snis = Integer.parseInt(args[i + 1]);
            if (args[i].equals("--stacks")) stacks = Integer.parseInt(args[i + 1]);
        }
        try (OutputStream o = new BufferedOutputStream(new FileOutputStream(file), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
            o.write(h.array());
            BenchCapture g = new BenchCapture(o, seed);
            if (synOnly >= 0 || helloOnly >= 0) g.manyFlows(Math.max(synOnly, helloOnly), helloOnly >= 0, snis, stacks);
            else g.mixed(megabytes << 20);
            System.out.printf("packets %d bytes %d tls1.0 %d tls1.1 %d tls1.2 %d tls1.3 %d other %d%n", g.packets,
                    g.bytesWritten, g.perVersion[0], g.perVersion[1], g.perVersion[2], g.perVersion[3], g.perVersion[4]);
        }
    }

    // ---------------------------------------------------------------- traffic mix

    /** One scripted connection: its packets are produced one at a time, interleaved with others. */
    final class Conn {
        final byte[] client = new byte[16], server = new byte[16];
        final boolean v6;
        final int cport, sport;
        int cseq, sseq;
        final List<Object[]> script = new ArrayList<>(); // {dir(0 client->server,1 back), flags, payload byte[] or Integer length}
        int next;

        Conn(boolean v6, int clientId, int serverId, int sport) {
            this.v6 = v6;
            address(client, v6, 10, clientId);
            address(server, v6, 172, serverId);
            this.cport = 1024 + rnd.nextInt(64000);
            this.sport = sport;
            this.cseq = rnd.nextInt();
            this.sseq = rnd.nextInt();
        }

        void add(int dir, int flags, Object payload) {
            script.add(new Object[] {dir, flags, payload});
        }

        /** Segments of at most MSS; ACKs from the other side every second segment. */
        void stream(int dir, byte[] data, boolean swapFirstTwo) {
            int start = script.size();
            for (int off = 0, n = 0; off < data.length; off += MSS, n++) {
                byte[] seg = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + MSS));
                add(dir, ACK | PSH, seg);
            }
            if (swapFirstTwo && script.size() - start >= 2) {
                Object[] a = script.get(start);
                script.set(start, script.get(start + 1));
                script.set(start + 1, a);
            }
            add(1 - dir, ACK, null);
        }

        void bulk(int dir, long bytes) {
            int n = 0;
            while (bytes > 0) {
                int len = (int) Math.min(bytes, MSS);
                add(dir, ACK, len);
                bytes -= len;
                if (++n % 2 == 0) add(1 - dir, ACK, null);
            }
            add(1 - dir, ACK, null);
        }

        boolean done() {
            return next >= script.size();
        }

        /** Emits the next packet; sequence numbers follow each payload, also when emitted out of order. */
        void emitNext() throws IOException {
            if (!seqAssigned) assignSeqs();
            Object[] p = script.get(next++);
            int dir = (Integer) p[0], flags = (Integer) p[1];
            Object payload = p[2];
            int len = payload == null ? 0 : payload instanceof byte[] ? ((byte[]) payload).length : (Integer) payload;
            int seq = (Integer) p[3];
            int ack = (Integer) p[5];
            tcp(v6, dir == 0 ? client : server, dir == 0 ? server : client, dir == 0 ? cport : sport,
                    dir == 0 ? sport : cport, seq, ack, flags, payload, len);
        }

        int cseqEnd, sseqEnd;
        boolean seqAssigned;

        /** Walks the script in logical order (swapped segments swapped back) to give each packet its seq. */
        private void assignSeqs() {
            seqAssigned = true;
            int c = cseq, s = sseq;
            List<Object[]> logical = new ArrayList<>(script);
            // restore order of swapped data segments: sort consecutive data segments by their index of creation
            for (int i = 0; i < script.size(); i++) {
                Object[] p = script.get(i);
                script.set(i, java.util.Arrays.copyOf(p, 6));
            }
            for (int i = 0; i < script.size(); i++) script.get(i)[4] = i;
            logical = new ArrayList<>(script);
            for (int i = 0; i + 1 < logical.size(); i++) {
                Object[] a = logical.get(i), b = logical.get(i + 1);
                if (a[2] instanceof byte[] && b[2] instanceof byte[] && a[0].equals(b[0]) && ((byte[]) a[2]).length < MSS
                        && ((byte[]) b[2]).length == MSS) {
                    logical.set(i, b); // the short tail came first: it was swapped
                    logical.set(i + 1, a);
                }
            }
            for (Object[] p : logical) {
                int dir = (Integer) p[0], flags = (Integer) p[1];
                Object payload = p[2];
                int len = payload == null ? 0 : payload instanceof byte[] ? ((byte[]) payload).length : (Integer) payload;
                int adv = len + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
                if (dir == 0) { p[3] = c; p[5] = s; c += adv; } else { p[3] = s; p[5] = c; s += adv; }
            }
            cseqEnd = c;
            sseqEnd = s;
        }
    }

    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

    void mixed(long targetBytes) throws IOException {
        int clients = 6000, servers = 400;
        Conn[] active = new Conn[400];
        while (bytesWritten < targetBytes) {
            int i = rnd.nextInt(active.length);
            if (active[i] == null || active[i].done()) active[i] = newConnection(clients, servers);
            active[i].emitNext();
            if (rnd.nextInt(200) == 0) otherTraffic(clients);
        }
        // Connections in flight at the end are cut off, as in any real capture.
    }

    Conn newConnection(int clients, int servers) {
        int clientId = rnd.nextInt(clients);
        int serverId = rnd.nextInt(servers);
        boolean v6 = clientId % 10 == 0;
        int kind = rnd.nextInt(100);
        if (kind < 6) { // plain HTTP
            Conn c = new Conn(v6, clientId, serverId, 80);
            handshakeTcp(c);
            c.stream(0, ascii("GET /index.html HTTP/1.1\r\nHost: www" + serverId + ".example.test\r\nUser-Agent: bench\r\n\r\n"), false);
            c.stream(1, ascii("HTTP/1.1 200 OK\r\nContent-Length: 30000\r\n\r\n"), false);
            c.bulk(1, 30_000);
            close(c);
            perVersion[4]++;
            return c;
        }
        // Versions: 5% TLS 1.0, 3% TLS 1.1, 37% TLS 1.2, 55% TLS 1.3 (of which 60% post-quantum hellos)
        int v = rnd.nextInt(100);
        int version = v < 5 ? 0x0301 : v < 8 ? 0x0302 : v < 45 ? 0x0303 : 0x0304;
        boolean pq = version == 0x0304 && rnd.nextInt(10) < 6;
        int sport = rnd.nextInt(20) == 0 ? 8443 : 443;
        Conn c = new Conn(v6, clientId, serverId, sport);
        handshakeTcp(c);
        String sni = "svc" + serverId + ".example.test";
        c.stream(0, clientHello(version, sni, pq), rnd.nextInt(40) == 0);
        c.stream(1, serverFlight(version, pq), false);
        if (version == 0x0304) {
            c.stream(0, concat(ccs(), appData(0x0303, 58)), false);
        } else {
            c.stream(0, concat(handshakeRecord(version, 16, 70), ccs(version), appData(version, 40)), false);
            c.stream(1, concat(ccs(version), appData(version, 40)), false);
        }
        int app = rnd.nextInt(100);
        if (app < 10) c.bulk(1, 100_000 + rnd.nextInt(1_500_000));       // download
        else if (app < 12) c.bulk(0, 50_000 + rnd.nextInt(500_000));  // upload
        int small = 1 + rnd.nextInt(8);
        for (int k = 0; k < small; k++) {
            c.stream(0, appData(0x0303, 30 + rnd.nextInt(500)), false);
            c.stream(1, appData(0x0303, 30 + rnd.nextInt(1400)), false);
        }
        close(c);
        perVersion[version - 0x0301]++;
        return c;
    }

    void handshakeTcp(Conn c) {
        c.add(0, SYN, null);
        c.add(1, SYN | ACK, null);
        c.add(0, ACK, null);
    }

    void close(Conn c) {
        if (rnd.nextInt(10) == 0) {
            c.add(0, RST | ACK, null);
        } else {
            c.add(0, FIN | ACK, null);
            c.add(1, FIN | ACK, null);
            c.add(0, ACK, null);
        }
    }

    /** DNS queries over UDP and ARP requests now and then. */
    void otherTraffic(int clients) throws IOException {
        byte[] a = new byte[16], b = new byte[16];
        address(a, false, 10, rnd.nextInt(clients));
        address(b, false, 192, 53);
        if (rnd.nextBoolean()) {
            byte[] q = concat(new byte[] {(byte) rnd.nextInt(), (byte) rnd.nextInt(), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0},
                    ascii("\u0003www\u0007example\u0004test\u0000"), new byte[] {0, 1, 0, 1});
            udp(a, b, 1024 + rnd.nextInt(60000), 53, q);
        } else {
            arp(a, b);
        }
    }

    /**
     * Memory test: n flows from distinct client ports, each a SYN (and optionally a ClientHello), never closed.
     * snis and stacks (-1: one fixed hello for all; 0: distinct per hello) vary the hellos, see the usage.
     */
    void manyFlows(int n, boolean hello, int snis, int stacks) throws IOException {
        byte[] srv = new byte[16];
        address(srv, false, 172, 1);
        byte[] fixed = clientHello(0x0304, "mem.example.test", false);
        SplittableRandom pick = new SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            byte[] cli = new byte[16];
            address(cli, false, 10, i / 60000);
            int port = 1024 + i % 60000;
            tcp(false, cli, srv, port, 443, 1000, 0, SYN, null, 0);
            if (hello) {
                byte[] ch = fixed;
                if (snis >= 0 || stacks >= 0) {
                    int sni = snis == 0 ? i : snis < 0 ? -1 : zipf(pick, snis);
                    int stack = stacks == 0 ? i : stacks < 0 ? -1 : zipf(pick, stacks);
                    ch = stackHello(stack, sni < 0 ? "mem.example.test" : sniName(sni), pick);
                }
                tcp(false, cli, srv, port, 443, 1001, 1, ACK | PSH, ch, ch.length);
            }
            if (i % 10 == 0) tsMicros++;
        }
        perVersion[hello ? 3 : 4] += n;
    }

    /** 0..k-1, rank r with probability ~ 1/(r+1) (Zipf, s = 1): a few popular values, a long tail. */
    static int zipf(SplittableRandom r, int k) {
        double hk = Math.log(k) + 0.5772156649 + 1.0 / (2 * k); // harmonic number H(k)
        int v = (int) Math.exp(r.nextDouble() * hk - 0.5772156649) - 1;
        return Math.max(0, Math.min(k - 1, v));
    }

    /** A host name of realistic shape and length for SNI number i (same i, same name). */
    static String sniName(int i) {
        String[] words = {"api", "www", "cdn", "static", "login", "mail", "img", "events", "telemetry", "update"};
        String[] tlds = {"com", "net", "org", "io", "de", "co.uk"};
        return words[i % words.length] + (i / words.length % 7 == 0 ? "" : "-" + (i % 97)) + ".site" + i + ".example."
                + tlds[i / 7 % tlds.length];
    }

    /**
     * The ClientHello of client stack number {@code stack} (same number, same stack), naming
     * {@code sni}; stacks whose number is a multiple of 3 shuffle their extensions with {@code r}.
     */
    byte[] stackHello(int stack, String sni, SplittableRandom r) {
        SplittableRandom s = new SplittableRandom(0x5eed0000L + stack);
        boolean tls13 = s.nextInt(10) < 8;
        int[] pool = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
                0x009d, 0x002f, 0x0035, 0xc009, 0xc00a, 0x0033, 0x0039, 0x000a, 0xc023, 0xc027, 0xc024, 0xc028};
        int nSuites = 6 + s.nextInt(pool.length - 6);
        int from = tls13 ? 0 : 3;
        List<Integer> suites = new ArrayList<>();
        if (s.nextInt(3) == 0) suites.add(0x0a0a + 0x1010 * s.nextInt(16)); // GREASE
        for (int k = from; k < pool.length && suites.size() < nSuites; k++) if (s.nextInt(4) != 0) suites.add(pool[k]);
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.putShort((short) 0x0303);
        b.put(random(32));
        b.put((byte) 32).put(random(32));
        b.putShort((short) (suites.size() * 2));
        for (int v : suites) b.putShort((short) v);
        b.put((byte) 1).put((byte) 0);
        List<byte[]> exts = new ArrayList<>();
        byte[] name = ascii(sni);
        exts.add(extension(0, concat(u16(name.length + 3), new byte[] {0}, u16(name.length), name)));
        int[] groups = s.nextBoolean() ? new int[] {0x001d, 0x0017, 0x0018} : new int[] {0x001d, 0x0017, 0x0018, 0x0019, 0x0100};
        ByteBuffer g = ByteBuffer.allocate(64);
        for (int v : groups) g.putShort((short) v);
        exts.add(extension(10, concat(u16(g.position()), java.util.Arrays.copyOf(g.array(), g.position()))));
        exts.add(extension(11, new byte[] {1, 0}));
        int sigs = 4 + s.nextInt(8);
        ByteBuffer sg = ByteBuffer.allocate(64);
        int[] sigPool = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201, 0x0203, 0x0807, 0x0808};
        for (int k = 0; k < sigs; k++) sg.putShort((short) sigPool[k]);
        exts.add(extension(13, concat(u16(sg.position()), java.util.Arrays.copyOf(sg.array(), sg.position()))));
        int alpn = s.nextInt(20);
        if (alpn < 12) exts.add(extension(16, concat(u16(12), new byte[] {2}, ascii("h2"), new byte[] {8}, ascii("http/1.1"))));
        else if (alpn < 17) exts.add(extension(16, concat(u16(9), new byte[] {8}, ascii("http/1.1"))));
        exts.add(extension(23, new byte[0]));
        exts.add(extension(0xff01, new byte[] {0}));
        if (s.nextBoolean()) exts.add(extension(35, new byte[0]));
        if (s.nextBoolean()) exts.add(extension(5, new byte[] {1, 0, 0, 0, 0}));
        if (tls13) {
            exts.add(extension(43, concat(new byte[] {4}, u16(0x0304), u16(0x0303))));
            exts.add(extension(51, concat(u16(36), u16(0x001d), u16(32), random(32))));
            exts.add(extension(45, new byte[] {1, 1}));
        }
        if (stack % 3 == 0) { // Chrome-style: a fresh extension order on every connection
            for (int k = exts.size() - 1; k > 0; k--) {
                int j = r.nextInt(k + 1);
                byte[] t = exts.get(k);
                exts.set(k, exts.get(j));
                exts.set(j, t);
            }
        }
        byte[] e = concat(exts.toArray(new byte[0][]));
        b.putShort((short) e.length).put(e);
        return record(0x16, 0x0301, handshake(1, java.util.Arrays.copyOf(b.array(), b.position())));
    }

    static byte[] extension(int type, byte[] data) {
        return concat(u16(type), u16(data.length), data);
    }

    // ---------------------------------------------------------------- TLS bytes

    byte[] clientHello(int version, String sni, boolean pq) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.putShort((short) Math.min(version, 0x0303));
        b.put(random(32));
        b.put((byte) 32).put(random(32));
        int[] suites = version == 0x0304 ? new int[] {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
                : new int[] {0xc02b, 0xc02f, 0xc00a, 0xc009, 0xc013, 0xc014, 0x0033, 0x0039, 0x002f, 0x0035, 0x000a};
        b.putShort((short) (suites.length * 2));
        for (int s : suites) b.putShort((short) s);
        b.put((byte) 1).put((byte) 0);
        ByteBuffer e = ByteBuffer.allocate(3000);
        byte[] name = ascii(sni);
        ext(e, 0, concat(u16(name.length + 3), new byte[] {0}, u16(name.length), name));
        ext(e, 10, concat(u16(8), u16(pq ? 0x11ec : 0x001d), u16(0x0017), u16(0x0018), u16(0x0019)));
        ext(e, 11, new byte[] {1, 0});
        ext(e, 13, concat(u16(8), u16(0x0403), u16(0x0804), u16(0x0401), u16(0x0201)));
        ext(e, 16, concat(u16(12), new byte[] {2}, ascii("h2"), new byte[] {8}, ascii("http/1.1")));
        if (version == 0x0304) {
            ext(e, 43, concat(new byte[] {4}, u16(0x0304), u16(0x0303)));
            byte[] x25519 = concat(u16(0x001d), u16(32), random(32));
            byte[] shares = pq ? concat(u16(0x11ec), u16(1216), random(1216), x25519) : x25519;
            ext(e, 51, concat(u16(shares.length), shares));
            ext(e, 45, new byte[] {1, 1});
        }
        b.putShort((short) e.position()).put(e.array(), 0, e.position());
        byte[] body = java.util.Arrays.copyOf(b.array(), b.position());
        return record(0x16, version == 0x0301 ? 0x0301 : 0x0301, handshake(1, body));
    }

    byte[] serverFlight(int version, boolean pq) {
        ByteBuffer b = ByteBuffer.allocate(2048);
        b.putShort((short) Math.min(version, 0x0303));
        b.put(random(32));
        b.put((byte) 32).put(random(32));
        b.putShort((short) (version == 0x0304 ? 0x1301 : 0xc02f));
        b.put((byte) 0);
        ByteBuffer e = ByteBuffer.allocate(1400);
        if (version == 0x0304) {
            ext(e, 43, u16(0x0304));
            ext(e, 51, pq ? concat(u16(0x11ec), u16(1120), random(1120)) : concat(u16(0x001d), u16(32), random(32)));
        } else {
            ext(e, 0xff01, new byte[] {0});
            ext(e, 11, new byte[] {1, 0});
        }
        b.putShort((short) e.position()).put(e.array(), 0, e.position());
        byte[] hello = record(0x16, Math.min(version, 0x0303), handshake(2, java.util.Arrays.copyOf(b.array(), b.position())));
        if (version == 0x0304) {
            return concat(hello, ccs(), appData(0x0303, 2500 + rnd.nextInt(1500)), appData(0x0303, 300));
        }
        byte[] cert = concat(new byte[] {0}, u16(2600), new byte[] {0}, u16(2597), random(2597));
        return concat(hello, record(0x16, version, handshake(11, cert)),
                record(0x16, version, handshake(12, random(300))), record(0x16, version, handshake(14, new byte[0])));
    }

    byte[] handshakeRecord(int version, int type, int len) {
        return record(0x16, version, handshake(type, random(len)));
    }

    static byte[] ccs() {
        return ccs(0x0303);
    }

    static byte[] ccs(int version) {
        return record(0x14, version, new byte[] {1});
    }

    byte[] appData(int version, int len) {
        return record(0x17, version, random(len));
    }

    static byte[] handshake(int type, byte[] body) {
        return concat(new byte[] {(byte) type, (byte) (body.length >>> 16), (byte) (body.length >>> 8), (byte) body.length}, body);
    }

    static byte[] record(int type, int version, byte[] body) {
        return concat(new byte[] {(byte) type}, u16(version), u16(body.length), body);
    }

    static void ext(ByteBuffer e, int type, byte[] data) {
        e.putShort((short) type).putShort((short) data.length).put(data);
    }

    byte[] random(int n) {
        byte[] r = new byte[n];
        int at = rnd.nextInt(NOISE.length - n);
        System.arraycopy(NOISE, at, r, 0, n);
        return r;
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] r = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, at, p.length);
            at += p.length;
        }
        return r;
    }

    // ---------------------------------------------------------------- frames

    static void address(byte[] a, boolean v6, int net, int id) {
        java.util.Arrays.fill(a, (byte) 0);
        if (v6) {
            a[0] = 0x20; a[1] = 0x01; a[2] = 0x0d; a[3] = (byte) 0xb8; a[4] = (byte) net;
            a[12] = (byte) (id >>> 24); a[13] = (byte) (id >>> 16); a[14] = (byte) (id >>> 8); a[15] = (byte) id;
        } else {
            a[12] = (byte) net; a[13] = (byte) (1 + id / 250 / 250); a[14] = (byte) (1 + id / 250 % 250); a[15] = (byte) (1 + id % 250);
        }
    }

    void tcp(boolean v6, byte[] src, byte[] dst, int sp, int dp, int seq, int ack, int flags, Object payload, int len)
            throws IOException {
        ByteBuffer f = frame;
        f.clear();
        int l4 = ethernetIp(v6, src, dst, 6, 20 + len);
        f.position(l4);
        f.putShort((short) sp).putShort((short) dp).putInt(seq).putInt((flags & ACK) != 0 ? ack : 0)
                .put((byte) 0x50).put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        if (payload instanceof byte[]) f.put((byte[]) payload);
        else if (len > 0) f.put(NOISE, rnd.nextInt(NOISE.length - len), len);
        write(f.position());
    }

    void udp(byte[] src, byte[] dst, int sp, int dp, byte[] payload) throws IOException {
        ByteBuffer f = frame;
        f.clear();
        int l4 = ethernetIp(false, src, dst, 17, 8 + payload.length);
        f.position(l4);
        f.putShort((short) sp).putShort((short) dp).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        write(f.position());
    }

    void arp(byte[] sender, byte[] target) throws IOException {
        ByteBuffer f = frame;
        f.clear();
        f.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0806);
        f.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        f.put(new byte[] {2, 0, 0, 0, 0, 1}).put(sender, 12, 4).put(new byte[6]).put(target, 12, 4);
        f.put(new byte[18]); // pad to 60
        write(f.position());
    }

    /** Ethernet and IP header; returns the transport header's offset. */
    int ethernetIp(boolean v6, byte[] src, byte[] dst, int proto, int l4Length) {
        ByteBuffer f = frame;
        f.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) (v6 ? 0x86dd : 0x0800));
        if (v6) {
            f.putInt(0x60000000).putShort((short) l4Length).put((byte) proto).put((byte) 64).put(src).put(dst);
            return 54;
        }
        int ip = f.position();
        f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4Length)).putShort((short) rnd.nextInt())
                .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0).put(src, 12, 4).put(dst, 12, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += f.getShort(ip + i) & 0xffff;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        f.putShort(ip + 10, (short) ~sum);
        return 34;
    }

    void write(int length) throws IOException {
        tsMicros += 1 + rnd.nextInt(40);
        header.clear();
        header.putInt((int) (tsMicros / 1_000_000)).putInt((int) (tsMicros % 1_000_000)).putInt(length).putInt(length);
        out.write(header.array(), 0, 16);
        out.write(frame.array(), 0, length);
        bytesWritten += 16 + length;
        packets++;
    }
}
