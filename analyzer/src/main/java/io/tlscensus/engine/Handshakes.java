package io.tlscensus.engine;

import io.tlscensus.flow.StreamReassembler;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.Fingerprints;
import io.tlscensus.tls.TlsStreamParser;

import java.util.Arrays;
import java.util.List;

/**
 * One engine's handshakes in flight: makes, parks and unparks them, shares what connections
 * repeat, and charges what they hold to the run's {@link MemoryBudget}.
 *
 * <p>Up to {@link EngineLimits#liveHandshakes} handshakes an engine (1,024) stay live between packets while the run's
 * budget is less than half used: parking and unparking cost more than the rest of a connection's
 * handshake (a third of the time of a capture of short connections), and a capture seldom has more
 * in flight. Beyond that, a TCP handshake is parked after every packet that leaves it holding no
 * bytes (the usual case: a whole ClientHello read, the answer not yet here), and unparked by the
 * next packet with payload. Parked, it costs its flow a reference to a {@link Parked} shared by the
 * connections of the same client stack, a reference to its SNI (shared when repeated) and its
 * extension order. Measured with 1,000,000 handshakes in flight ({@code scripts/BenchCapture.java
 * --hello-only}): 0.88 KB a handshake live (record, two parsers, reassembler, SNI and ALPN strings
 * and lists, fingerprint inputs), parked the flow's 112 bytes and its table slots, plus what is not
 * shared. Parking loses nothing: the record comes back the same.
 */
final class Handshakes {
    /** Object sizes with compressed references and 8-byte alignment (JDK 17, {@code jmap -histo}). */
    static final int RECORD_BYTES = 104;
    static final int HANDSHAKE_BYTES = 40;
    static final int PARKED_BYTES = 48;
    static final int PARSER_BYTES = 48;
    static final int STREAM_BYTES = 72;
    static final int ARRAY_LIST_BYTES = 24;
    static final int INTEGER_BYTES = 16;
    /** What a DTLS parser or a QUIC Initial decoder holds at most besides the record (estimates, not measured). */
    static final int DTLS_BYTES = 2048;
    static final int QUIC_BYTES = 8192;

    private static final Interner.Kind<String> STRINGS = new Interner.Kind<>() {
        public int hash(String v) {
            return v.hashCode();
        }

        public boolean same(String a, String b) {
            return a.equals(b);
        }

        public int bytes(String v) {
            return stringBytes(v);
        }
    };
    private static final Interner.Kind<char[]> CHARS = new Interner.Kind<>() {
        public int hash(char[] v) {
            return Arrays.hashCode(v);
        }

        public boolean same(char[] a, char[] b) {
            return Arrays.equals(a, b);
        }

        public int bytes(char[] v) {
            return charsBytes(v);
        }
    };
    /** Templates: records without SNI, client fingerprint inputs and the fields set only on output. */
    private static final Interner.Kind<ConnectionRecord> TEMPLATES = new Interner.Kind<>() {
        public int hash(ConnectionRecord r) {
            int h = r.transport.hashCode();
            h = 31 * h + (r.clientHelloSeen ? 1 : 0) + (r.serverHelloSeen ? 2 : 0) + (r.fallbackScsv ? 4 : 0)
                    + (r.helloRetryRequest ? 8 : 0) + (r.clientHelloDamaged ? 16 : 0);
            h = 31 * h + r.clientHelloVersion;
            h = 31 * h + r.recordVersion;
            h = 31 * h + r.serverHelloVersion;
            h = 31 * h + r.negotiatedVersion;
            h = 31 * h + r.cipherSuite;
            h = 31 * h + r.clientSupportedVersions.hashCode();
            h = 31 * h + r.alpn.hashCode();
            h = 31 * h + r.alerts.hashCode();
            return 31 * h + Arrays.hashCode(r.serverFingerprint);
        }

        public boolean same(ConnectionRecord a, ConnectionRecord b) {
            return a.transport.equals(b.transport) && a.clientHelloSeen == b.clientHelloSeen
                    && a.serverHelloSeen == b.serverHelloSeen && a.fallbackScsv == b.fallbackScsv
                    && a.helloRetryRequest == b.helloRetryRequest && a.clientHelloDamaged == b.clientHelloDamaged
                    && a.clientHelloVersion == b.clientHelloVersion
                    && a.recordVersion == b.recordVersion && a.serverHelloVersion == b.serverHelloVersion
                    && a.negotiatedVersion == b.negotiatedVersion && a.cipherSuite == b.cipherSuite
                    && a.clientSupportedVersions.equals(b.clientSupportedVersions) && a.alpn.equals(b.alpn)
                    && a.alerts.equals(b.alerts) && Arrays.equals(a.serverFingerprint, b.serverFingerprint);
        }

        public int bytes(ConnectionRecord r) {
            return templateBytes(r);
        }
    };

    private final int scanLimit;
    private final int maxReassembly;
    private final int liveWindow;
    private final MemoryBudget budget;
    private final Interner<String> snis = new Interner<>(STRINGS, 1 << 15, 1024);
    private final Interner<String> names = new Interner<>(STRINGS, 1 << 10, 1024);
    private final Interner<char[]> fingerprints = new Interner<>(CHARS, 1 << 13, 2048);
    private final Interner<ConnectionRecord> templates = new Interner<>(TEMPLATES, 1 << 12, 4096);
    /** Parked handshakes whose parts are all shared, direct-mapped: a new one replaces whatever was in its slot. */
    private final Parked[] parked = new Parked[1 << 14];
    /** Bytes of the interning tables charged so far (they only grow). */
    private long tableBytes;
    /** Handshakes of this engine's flows that are live ({@link Handshake}s, not parked). */
    private int live;

    Handshakes(EngineLimits limits, MemoryBudget budget) {
        this.scanLimit = limits.scanLimitBytes;
        this.maxReassembly = limits.maxReassemblyBytes;
        this.liveWindow = limits.liveHandshakes;
        this.budget = budget;
        // The direct-mapped array and what its slots keep alive unreferenced (parts all shared: PARKED_BYTES each).
        budget.addBytes(16L + (4L + PARKED_BYTES) * parked.length);
        chargeTables();
    }

    /** The flow's handshake ready for a packet: made when new, unparked when parked. */
    Handshake live(TlsFlow f) {
        Object hs = f.hs;
        if (hs instanceof Handshake) return (Handshake) hs;
        Handshake h;
        if (hs instanceof Parked) {
            Parked p = (Parked) hs;
            h = new Handshake(restore(f, p));
            for (int dir = 0; dir < 2; dir++) {
                long s = p.state(dir);
                TlsStreamParser parser = (s & Parked.HAS_PARSER) != 0 ? TlsStreamParser.unpark(h.record, scanLimit, s) : null;
                StreamReassembler stream = (s & Parked.HAS_STREAM) != 0
                        ? StreamReassembler.unpark(maxReassembly, (int) (s >>> Parked.STREAM_SHIFT) & 0x3fffff, f.seq(dir))
                        : null;
                if (dir == 0) {
                    h.parser0 = parser;
                    h.stream0 = stream;
                } else {
                    h.parser1 = parser;
                    h.stream1 = stream;
                }
            }
            unpark(f, p);
        } else {
            h = new Handshake(new ConnectionRecord());
        }
        f.hs = h;
        live++;
        recharge(h);
        return h;
    }

    /** Brings the budget up to date with what the handshake holds now. */
    void recharge(Handshake h) {
        int now = liveBytes(h);
        budget.addBytes(now - h.charged);
        h.charged = now;
    }

    /**
     * Parks the flow's TCP handshake if it holds no bytes and the engine is past its
     * live window (or the budget is half used); else leaves it live and up to date in the budget.
     */
    void parkOrRecharge(TlsFlow f, Handshake h) {
        if ((live <= liveWindow && budget.bytes() < budget.maxBytes() / 2)
                || h.dtls != null || h.quic != null || !canPark(h.parser0, h.stream0) || !canPark(h.parser1, h.stream1)) {
            recharge(h);
            chargeTables();
            return;
        }
        long s0 = state(f, 0, h.parser0, h.stream0), s1 = state(f, 1, h.parser1, h.stream1);
        ConnectionRecord r = h.record;
        String sni = r.sni;
        if (sni != null) {
            String shared = snis.intern(sni);
            if (shared != null) sni = shared;
            else budget.addBytes(stringBytes(sni)); // given back by unpark
        }
        int bytes = PARKED_BYTES;
        char[] fp = r.clientFingerprint;
        long order = 0;
        if (fp != null) {
            order = order(fp);
            if (order != 0) fp = sortedExtensions(fp);
            char[] shared = fingerprints.intern(fp);
            if (shared != null) fp = shared;
            else bytes += charsBytes(fp);
        }
        ConnectionRecord template = template(r);
        ConnectionRecord sharedTemplate = templates.intern(template);
        if (sharedTemplate != null) template = sharedTemplate;
        else bytes += templateBytes(template);
        Parked p = null;
        int slot = -1;
        if (bytes == PARKED_BYTES) { // every part shared: the whole may be too
            int hash = System.identityHashCode(template) * 31 + System.identityHashCode(fp);
            hash = hash * 31 + Long.hashCode(s0 * 0x9E3779B97F4A7C15L ^ s1);
            slot = Interner.mix(hash) & (parked.length - 1);
            Parked q = parked[slot];
            if (q != null && q.template == template && q.clientFingerprint == fp && q.state0 == s0 && q.state1 == s1) p = q;
        }
        if (p == null) {
            p = new Parked(template, fp, s0, s1, bytes);
            if (slot >= 0) parked[slot] = p;
        }
        budget.addBytes(-h.charged);
        h.charged = 0;
        if (p.refs++ == 0) budget.addBytes(p.bytes);
        f.hs = p;
        live--;
        f.sni = sni;
        f.order = order;
        chargeTables();
    }

    /** The record to emit for the flow's handshake (a fresh one when parked), or null without one. */
    ConnectionRecord record(TlsFlow f) {
        Object hs = f.hs;
        if (hs instanceof Handshake) return ((Handshake) hs).record;
        if (hs instanceof Parked) return restore(f, (Parked) hs);
        return null;
    }

    /** Drops the flow's handshake and gives back what it was charged. */
    void release(TlsFlow f) {
        Object hs = f.hs;
        if (hs instanceof Handshake) {
            budget.addBytes(-((Handshake) hs).charged);
            live--;
        } else if (hs instanceof Parked) {
            unpark(f, (Parked) hs);
        }
        f.hs = null;
    }

    /** The flow lets go of its parked handshake: what was charged for it is given back. */
    private void unpark(TlsFlow f, Parked p) {
        if (--p.refs == 0) budget.addBytes(-p.bytes);
        if (f.sni != null && !snis.holds(f.sni)) budget.addBytes(-stringBytes(f.sni));
        f.sni = null;
        f.order = 0;
    }

    private void chargeTables() {
        long now = snis.bytes() + names.bytes() + fingerprints.bytes() + templates.bytes();
        if (now != tableBytes) {
            budget.addBytes(now - tableBytes);
            tableBytes = now;
        }
    }

    private static boolean canPark(TlsStreamParser parser, StreamReassembler stream) {
        if (parser == null) return stream == null || stream.canPark();
        if (!parser.canPark()) return false;
        return parser.done() || stream == null || stream.canPark();
    }

    /** A direction's state as {@link Parked} keeps it; the reassembler's next sequence number goes to the flow. */
    private static long state(TlsFlow f, int dir, TlsStreamParser parser, StreamReassembler stream) {
        long s = 0;
        if (parser != null) s = parser.park() | Parked.HAS_PARSER;
        if (stream != null && (parser == null || !parser.done())) {
            s |= Parked.HAS_STREAM | (long) stream.park() << Parked.STREAM_SHIFT;
            f.seq(dir, stream.nextSeq());
        }
        return s;
    }

    /** The record's facts without SNI, client fingerprint inputs and output fields, lists copied tight and shared where possible. */
    private ConnectionRecord template(ConnectionRecord r) {
        ConnectionRecord t = new ConnectionRecord();
        copyFacts(r, t);
        t.clientSupportedVersions.addAll(r.clientSupportedVersions);
        for (String name : r.alpn) {
            String shared = names.intern(name);
            t.alpn.add(shared != null ? shared : name);
        }
        if (r.serverFingerprint != null) {
            char[] shared = fingerprints.intern(r.serverFingerprint);
            t.serverFingerprint = shared != null ? shared : r.serverFingerprint;
        }
        t.alerts.addAll(r.alerts);
        return t;
    }

    /** The record's facts that are single values (not SNI, fingerprints, lists, or output fields). */
    private static void copyFacts(ConnectionRecord from, ConnectionRecord to) {
        to.transport = from.transport;
        to.clientHelloSeen = from.clientHelloSeen;
        to.clientHelloDamaged = from.clientHelloDamaged;
        to.clientHelloVersion = from.clientHelloVersion;
        to.fallbackScsv = from.fallbackScsv;
        to.recordVersion = from.recordVersion;
        to.serverHelloSeen = from.serverHelloSeen;
        to.serverHelloVersion = from.serverHelloVersion;
        to.negotiatedVersion = from.negotiatedVersion;
        to.cipherSuite = from.cipherSuite;
        to.helloRetryRequest = from.helloRetryRequest;
    }

    /** A record to parse into or emit, from a parked handshake. */
    private static ConnectionRecord restore(TlsFlow f, Parked p) {
        ConnectionRecord t = p.template, r = new ConnectionRecord();
        copyFacts(t, r);
        r.sni = f.sni;
        r.clientSupportedVersions.addAll(t.clientSupportedVersions);
        r.alpn.addAll(t.alpn);
        r.clientFingerprint = f.order == 0 ? p.clientFingerprint : inOrder(p.clientFingerprint, f.order);
        r.serverFingerprint = t.serverFingerprint;
        r.alerts.addAll(t.alerts);
        return r;
    }

    // Chrome (since version 110) sends its extensions in a new random order on every connection, so
    // the fingerprint inputs of its hellos, which keep the wire order for JA3, would all differ.
    // Parked, they are kept with the extension types sorted (shared by every connection of the
    // stack) plus the wire order as the Lehmer code of the permutation, which fits a long for up
    // to 20 extensions (20! < 2^63); hellos with more keep their inputs as they are.

    private static final int MAX_ORDERED = 20;

    /** The Lehmer code of the extension types' order against their stable sort; 0 when sorted or when it cannot be coded. */
    static long order(char[] fp) {
        int at = Fingerprints.clientExtensionsAt(fp), k = fp[at];
        if (k < 2 || k > MAX_ORDERED || at + k >= fp.length) return 0;
        long code = 0;
        for (int i = 0; i < k; i++) {
            // rank of element i in the stable sort: smaller values, and equal ones before it
            int smallerLater = 0;
            char v = fp[at + 1 + i];
            for (int j = i + 1; j < k; j++) if (fp[at + 1 + j] < v) smallerLater++;
            code = code * (k - i) + smallerLater;
        }
        return code;
    }

    /** A copy with the extension types sorted. */
    static char[] sortedExtensions(char[] fp) {
        int at = Fingerprints.clientExtensionsAt(fp);
        char[] c = fp.clone();
        Arrays.sort(c, at + 1, at + 1 + c[at]);
        return c;
    }

    /** The inputs with the extension types put back in the order {@link #order} coded. */
    static char[] inOrder(char[] sorted, long code) {
        int at = Fingerprints.clientExtensionsAt(sorted), k = sorted[at];
        int[] digits = new int[k];
        for (int i = k - 1; i >= 0; i--) {
            digits[i] = (int) (code % (k - i));
            code /= k - i;
        }
        char[] out = sorted.clone();
        // Element i is the (digits[i])-th smallest of those not yet placed; equal values keep their order.
        boolean[] used = new boolean[k];
        for (int i = 0; i < k; i++) {
            int skip = digits[i];
            for (int j = 0; j < k; j++) {
                if (used[j]) continue;
                if (skip-- == 0) {
                    used[j] = true;
                    out[at + 1 + i] = sorted[at + 1 + j];
                    break;
                }
            }
        }
        return out;
    }

    private static int liveBytes(Handshake h) {
        ConnectionRecord r = h.record;
        int n = HANDSHAKE_BYTES + recordBytes(r) + stringBytes(r.sni) + charsBytes(r.clientFingerprint);
        for (int dir = 0; dir < 2; dir++) {
            TlsStreamParser parser = h.parser(dir);
            if (parser != null) n += PARSER_BYTES + parser.bufferedBytes();
            StreamReassembler stream = h.stream(dir);
            if (stream != null) n += STREAM_BYTES + stream.heldBytes();
        }
        if (h.dtls != null) n += DTLS_BYTES;
        if (h.quic != null) n += QUIC_BYTES;
        return n;
    }

    private static int templateBytes(ConnectionRecord t) {
        return recordBytes(t); // its ALPN names and server fingerprint are counted even when shared: an estimate
    }

    /** A record with its lists, their Integers and ALPN names, and the server's fingerprint inputs. */
    private static int recordBytes(ConnectionRecord r) {
        int n = RECORD_BYTES + listBytes(r.clientSupportedVersions, 4) + listBytes(r.alpn, 2) + listBytes(r.alerts, 1)
                + INTEGER_BYTES * (r.clientSupportedVersions.size() + r.alerts.size()) + charsBytes(r.serverFingerprint);
        for (String name : r.alpn) n += stringBytes(name);
        return n;
    }

    private static int listBytes(List<?> list, int initialCapacity) {
        return ARRAY_LIST_BYTES + align(16 + 4 * Math.max(initialCapacity, list.size() + (list.size() >> 1)));
    }

    static int stringBytes(String s) {
        if (s == null) return 0;
        int perChar = 1; // compact strings: one byte a character unless one is beyond Latin-1
        for (int i = 0; i < s.length() && perChar == 1; i++) if (s.charAt(i) > 0xff) perChar = 2;
        return 24 + align(16 + s.length() * perChar);
    }

    static int charsBytes(char[] a) {
        return a == null ? 0 : align(16 + 2 * a.length);
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }
}
