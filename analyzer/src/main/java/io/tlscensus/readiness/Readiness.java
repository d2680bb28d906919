package io.tlscensus.readiness;

import io.tlscensus.aggregate.Grouping;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.tls.ConnectionRecord;
import io.tlscensus.tls.TlsVersion;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * TLS 1.2 readiness: who breaks when SSLv3, TLS 1.0/1.1 and DTLS 1.0 are switched off, and who
 * must act. Fed one connection at a time; memory grows with the number of clients, servers, SNIs,
 * fingerprints and hours, not with connections (every per-entry list is bounded).
 *
 * <p>Rules, in words:
 * <ul>
 * <li>A client's verdict comes from the highest version it ever offered: never TLS 1.2 or higher
 * is {@link ClientVerdict#WILL_BREAK}; TLS 1.2+ but some server negotiated a legacy version with
 * it is {@link ClientVerdict#SERVER_SIDE_LEGACY} (fix that server or proxy); else
 * {@link ClientVerdict#READY}. No ClientHello seen: {@link ClientVerdict#UNKNOWN}.</li>
 * <li>A server's (IP:port, or SNI) verdict comes from the highest version it was ever seen to
 * negotiate with any client: legacy only is {@link ServerVerdict#LEGACY_ONLY}; TLS 1.2+ but also
 * legacy with some clients is {@link ServerVerdict#LEGACY_FOR_OLD_CLIENTS} (those connections are
 * the clients' limit, unless the client offered 1.2+: then it is counted as talked down, and the
 * server is {@link ServerVerdict#TALKS_DOWN}); never a ServerHello is {@link ServerVerdict#UNKNOWN}.</li>
 * <li>A connection without a ServerHello is "unknown": never guessed from the client's offer.</li>
 * <li>QUIC (RFC 9001) is always TLS 1.3: a QUIC client whose hello was not seen still offered 1.3.</li>
 * <li>Refused: an alert protocol_version (70) or handshake_failure (40) in clear text.</li>
 * <li>Downgrade retry: the client sent TLS_FALLBACK_SCSV, or, within {@link #RETRY_WINDOW_MICROS}
 * after a failed attempt (no ServerHello, or refused) to the same server and SNI, connected again
 * offering a lower maximum version.</li>
 * </ul>
 *
 * <p>Several aggregates (one per reading thread) add up with {@link #merge}.
 */
public final class Readiness implements ConnectionSink {
    /** Peers, SNIs and software names kept per entry; more are counted, not stored. */
    public static final int MAX_LISTED = 16;
    /** A retry with a lower version counts as a downgrade retry within this time of the failure. */
    public static final long RETRY_WINDOW_MICROS = 60_000_000L;
    static final int ALERT_HANDSHAKE_FAILURE = 40;
    static final int ALERT_PROTOCOL_VERSION = 70;
    static final long MICROS_PER_HOUR = 3_600_000_000L;

    public enum ClientVerdict {
        WILL_BREAK("will break"), SERVER_SIDE_LEGACY("server-side legacy"), READY("ready"), UNKNOWN("unknown");

        public final String label;

        ClientVerdict(String label) {
            this.label = label;
        }
    }

    public enum ServerVerdict {
        LEGACY_ONLY("legacy only"), TALKS_DOWN("talks clients down"), LEGACY_FOR_OLD_CLIENTS("legacy for old clients"),
        MODERN("modern"), UNKNOWN("unknown");

        public final String label;

        ServerVerdict(String label) {
            this.label = label;
        }
    }

    /** What is common to every entry: connections by negotiated version, time span. */
    public abstract static class Entry {
        public final String key;
        public long connections;
        public final long[] negotiated = new long[TlsVersion.BUCKETS.length];
        public long refused;
        public long fallbackScsv;
        public long downgradeRetries;
        public long firstSeenMicros = Long.MAX_VALUE;
        public long lastSeenMicros = Long.MIN_VALUE;

        Entry(String key) {
            this.key = key;
        }

        void count(ConnectionRecord r, boolean refused) {
            connections++;
            negotiated[TlsVersion.bucket(r.negotiatedVersion)]++;
            if (refused) this.refused++;
            if (r.fallbackScsv) fallbackScsv++;
            firstSeenMicros = Math.min(firstSeenMicros, r.tsMicros);
            lastSeenMicros = Math.max(lastSeenMicros, r.tsMicros);
        }

        /** Adds the counts of the same entry in another aggregate. */
        void mergeCounts(Entry other) {
            connections += other.connections;
            addCounts(negotiated, other.negotiated);
            refused += other.refused;
            fallbackScsv += other.fallbackScsv;
            downgradeRetries += other.downgradeRetries;
            firstSeenMicros = Math.min(firstSeenMicros, other.firstSeenMicros);
            lastSeenMicros = Math.max(lastSeenMicros, other.lastSeenMicros);
        }

        public long legacyConnections() {
            long n = 0;
            for (int b : TlsVersion.LEGACY_BUCKETS) n += negotiated[b];
            return n;
        }

        public long unknownConnections() {
            return negotiated[TlsVersion.BUCKET_NONE];
        }

        /** Legacy versions negotiated, oldest first, by name. */
        public List<String> legacyVersions() {
            List<String> names = new ArrayList<>();
            for (int b : TlsVersion.LEGACY_BUCKETS) if (negotiated[b] > 0) names.add(TlsVersion.BUCKETS[b]);
            return names;
        }

        public abstract String verdictLabel();
    }

    /** One client address (with its VLAN and tunnel), over every transport. */
    public static final class Client extends Entry {
        /** Highest version offered (wire number), NONE when no ClientHello was seen. */
        public int maxOffered = TlsVersion.NONE;
        /** Highest version negotiated with any server, NONE without a ServerHello. */
        public int highestNegotiated = TlsVersion.NONE;
        /** Connections where the client offered TLS 1.2+ and a server chose a legacy version. */
        public long talkedDown;
        /** The servers that did that. */
        public final Bounded talkedDownBy = new Bounded();
        public final Bounded servers = new Bounded();
        public final Bounded software = new Bounded();

        Client(String key) {
            super(key);
        }

        void merge(Client other) {
            mergeCounts(other);
            maxOffered = higher(maxOffered, other.maxOffered);
            highestNegotiated = higher(highestNegotiated, other.highestNegotiated);
            talkedDown += other.talkedDown;
            talkedDownBy.merge(other.talkedDownBy);
            servers.merge(other.servers);
            software.merge(other.software);
        }

        public ClientVerdict verdict() {
            if (maxOffered == TlsVersion.NONE || !known(maxOffered)) return ClientVerdict.UNKNOWN;
            if (isLegacy(maxOffered)) return ClientVerdict.WILL_BREAK;
            return talkedDown > 0 ? ClientVerdict.SERVER_SIDE_LEGACY : ClientVerdict.READY;
        }

        @Override
        public String verdictLabel() {
            return verdict().label;
        }
    }

    /** One server endpoint (transport, IP:port with VLAN and tunnel) or one SNI. */
    public static final class Server extends Entry {
        public final String transport;
        public int highestNegotiated = TlsVersion.NONE;
        /** Highest version any client offered it. */
        public int maxOffered = TlsVersion.NONE;
        public long talkedDown;
        public final Set<String> clients = new HashSet<>();
        /** Distinct clients per legacy bucket that negotiated it. */
        public final Map<Integer, Set<String>> legacyClients = new TreeMap<>();
        public final Bounded snis = new Bounded();

        Server(String transport, String key) {
            super(key);
            this.transport = transport;
        }

        /** @param clientKey this aggregate's string for a client key of the other's */
        void merge(Server other, UnaryOperator<String> clientKey) {
            mergeCounts(other);
            highestNegotiated = higher(highestNegotiated, other.highestNegotiated);
            maxOffered = higher(maxOffered, other.maxOffered);
            talkedDown += other.talkedDown;
            for (String c : other.clients) clients.add(clientKey.apply(c));
            other.legacyClients.forEach((bucket, theirs) -> {
                Set<String> mine = legacyClients.computeIfAbsent(bucket, b -> new HashSet<>());
                for (String c : theirs) mine.add(clientKey.apply(c));
            });
            snis.merge(other.snis);
        }

        public ServerVerdict verdict() {
            if (highestNegotiated == TlsVersion.NONE) return ServerVerdict.UNKNOWN;
            if (legacyConnections() == 0) return ServerVerdict.MODERN;
            if (isLegacy(highestNegotiated)) return ServerVerdict.LEGACY_ONLY;
            return talkedDown > 0 ? ServerVerdict.TALKS_DOWN : ServerVerdict.LEGACY_FOR_OLD_CLIENTS;
        }

        @Override
        public String verdictLabel() {
            return verdict().label;
        }

        public long legacyClientCount() {
            Set<String> all = new HashSet<>();
            for (Set<String> s : legacyClients.values()) all.addAll(s);
            return all.size();
        }
    }

    /** One ClientHello fingerprint (JA3 and JA4), named from the table or left unnamed. */
    public static final class Software extends Entry {
        /** The smallest JA3/JA4 seen in the group (several JA3 share one JA4): the same for any arrival order. */
        public String ja3;
        public String ja4;
        public final FingerprintTable.Match match;
        public int maxOffered = TlsVersion.NONE;
        public final Set<String> clients = new HashSet<>();

        Software(String key, String ja3, String ja4, FingerprintTable.Match match) {
            super(key);
            this.ja3 = ja3;
            this.ja4 = ja4;
            this.match = match;
        }

        public String name() {
            return match == null ? null : match.name();
        }

        void saw(String ja3, String ja4) {
            if (this.ja3 == null && this.ja4 == null) return; // the groups of many show none
            if (ja3 != null && (this.ja3 == null || ja3.compareTo(this.ja3) < 0)) this.ja3 = ja3;
            if (ja4 != null && (this.ja4 == null || ja4.compareTo(this.ja4) < 0)) this.ja4 = ja4;
        }

        void merge(Software other, UnaryOperator<String> clientKey) {
            mergeCounts(other);
            saw(other.ja3, other.ja4);
            maxOffered = higher(maxOffered, other.maxOffered);
            for (String c : other.clients) clients.add(clientKey.apply(c));
        }

        @Override
        public String verdictLabel() {
            // "(no fingerprint)" and "(other fingerprints)" mix many clients: no one verdict for them.
            if (ja3 == null && ja4 == null || !known(maxOffered)) return ClientVerdict.UNKNOWN.label;
            return isLegacy(maxOffered) ? ClientVerdict.WILL_BREAK.label : ClientVerdict.READY.label;
        }
    }

    /** A client refused by a server: protocol_version or handshake_failure alerts. */
    public static final class Refusal extends Entry {
        public final String client;
        public final String server;
        public final String sni;
        public final TreeSet<Integer> alerts = new TreeSet<>();
        public int maxOffered = TlsVersion.NONE;

        Refusal(String key, String client, String server, String sni) {
            super(key);
            this.client = client;
            this.server = server;
            this.sni = sni;
        }

        void merge(Refusal other) {
            mergeCounts(other);
            maxOffered = higher(maxOffered, other.maxOffered);
            alerts.addAll(other.alerts);
        }

        @Override
        public String verdictLabel() {
            return "refused";
        }
    }

    /**
     * The {@link #MAX_LISTED} smallest distinct strings, sorted, plus how many more distinct ones
     * there were: the same whatever order the connections came in (threads, files).
     */
    public static final class Bounded {
        public final List<String> values = new ArrayList<>(2);
        public long more;
        private final java.util.TreeSet<String> kept = new java.util.TreeSet<>();
        private Set<String> overflow;

        void add(String s) {
            if (s == null || kept.contains(s) || overflow != null && overflow.contains(s)) return;
            kept.add(s);
            if (kept.size() > MAX_LISTED) {
                if (overflow == null) overflow = new HashSet<>();
                String out = kept.pollLast();
                // Remembered to count each value once, up to a bound: one server's million SNIs
                // must not fill the heap. Past it, a value seen again may be counted again.
                if (overflow.size() < MAX_REMEMBERED) overflow.add(out);
                more++;
            }
            values.clear();
            values.addAll(kept);
        }

        public int size() {
            return values.size() + (int) more;
        }

        /**
         * Adds another list's values, as if this one had seen them: its kept and remembered values
         * one by one (the smallest of the union are among the kept ones of either side), and
         * those it only counted as more. Exact while neither side went past {@link #MAX_REMEMBERED}.
         */
        void merge(Bounded other) {
            for (String s : other.kept) add(s);
            if (other.overflow == null) return;
            for (String s : other.overflow) add(s);
            more += other.more - other.overflow.size();
        }
    }

    /** Last failed attempt of a client to one server and SNI, to spot a retry with a lower version. */
    private static final class Attempt {
        long failedAtMicros = Long.MIN_VALUE;
        int failedMaxRank;
    }

    private final FingerprintTable fingerprints;
    private final ClientFingerprints extractor;
    private final Map<String, Client> clients = new HashMap<>();
    private final Map<String, Server> servers = new HashMap<>();
    private final Map<String, Server> snis = new HashMap<>();
    private final Map<String, Software> software = new HashMap<>();
    /** Values beyond the listed ones that a {@link Bounded} remembers, to count each once. */
    static final int MAX_REMEMBERED = 10_000;
    /** Distinct SNIs kept apart; later new ones share the row {@value #OTHER_SNIS}. */
    public static final int MAX_SNIS = 50_000;
    static final String OTHER_SNIS = "(other names)";
    /** Failed attempts remembered for retry detection, at most (see {@link #purgeAttempts}). */
    static final int MAX_ATTEMPTS = 100_000;
    /** Distinct fingerprints kept apart; the rest share one group (a hostile capture makes millions). */
    public static final int MAX_SOFTWARE = 10_000;
    static final String NO_FINGERPRINT = "(no fingerprint)";
    static final String OTHER_FINGERPRINTS = "(other fingerprints)";
    private final Map<String, Refusal> refusals = new HashMap<>();
    private final Map<String, Attempt> attempts = new HashMap<>();
    private int purgeAttemptsAt = 1 << 16;
    private final TreeMap<Long, long[]> hours = new TreeMap<>();
    private long connections;

    public Readiness(FingerprintTable fingerprints) {
        this(fingerprints, ClientFingerprints.DEFAULT);
    }

    public Readiness(FingerprintTable fingerprints, ClientFingerprints extractor) {
        this.fingerprints = fingerprints;
        this.extractor = extractor;
    }

    /** An empty aggregate with the same fingerprint table and extractor (one per reading thread). */
    public Readiness emptyLike() {
        return new Readiness(fingerprints, extractor);
    }

    @Override
    public void accept(ConnectionRecord r) {
        connections++;
        boolean refused = r.alerts.contains(ALERT_PROTOCOL_VERSION) || r.alerts.contains(ALERT_HANDSHAKE_FAILURE);
        boolean failed = refused || !r.serverHelloSeen;
        int offered = offered(r);
        String recordClient = Grouping.CLIENT.keyOf(r);
        String serverKey = Grouping.SERVER.keyOf(r);
        boolean retry = retried(recordClient + "\n" + r.transport + "\n" + serverKey + "\n" + r.sni, r.tsMicros,
                TlsVersion.rank(offered), failed);
        // Talked down: a legacy version although the client offered TLS 1.2+, or it only offered
        // less because an earlier attempt failed (a retry, or TLS_FALLBACK_SCSV says so).
        boolean talkedDown = isLegacy(r.negotiatedVersion)
                && (known(offered) && !isLegacy(offered) || retry || r.fallbackScsv);

        Client c = clients.computeIfAbsent(recordClient, Client::new);
        String clientKey = c.key; // one string per client in every set that names it
        c.count(r, refused);
        c.maxOffered = higher(c.maxOffered, offered);
        c.highestNegotiated = higher(c.highestNegotiated, r.negotiatedVersion);
        c.servers.add(serverKey);
        if (talkedDown) {
            c.talkedDown++;
            c.talkedDownBy.add(serverKey + (r.sni == null ? "" : " (" + r.sni + ")"));
        }

        if (retry) c.downgradeRetries++;

        count(serverRow(r.transport, serverKey), r, offered, refused, talkedDown, clientKey, retry);
        count(sniRow(r.transport, r.sni == null ? "(no sni)" : r.sni), r, offered, refused, talkedDown, clientKey, retry);

        String ja3 = r.clientHelloSeen ? extractor.ja3(r) : null;
        String ja4 = r.clientHelloSeen ? extractor.ja4(r) : null;
        // Grouped by the table entry that names the hello, else by JA4, else by JA3. Not by the
        // JA3/JA4 pair: a client that shuffles its extensions (Chrome since 110) has a new JA3 in
        // every connection, and a capture of a million such hellos made a million groups.
        FingerprintTable.Match match = fingerprints.lookup(ja3, ja4);
        String softwareKey = match != null ? match.kind() + " " + match.value()
                : ja4 != null ? "ja4 " + ja4 : ja3 != null ? "ja3 " + ja3 : NO_FINGERPRINT;
        Software s = softwareGroup(softwareKey, ja3, ja4, match);
        s.saw(ja3, ja4);
        s.count(r, refused);
        s.maxOffered = higher(s.maxOffered, offered);
        s.clients.add(clientKey);
        if (retry) s.downgradeRetries++;
        c.software.add(s.name() != null ? s.name() : ja4 != null ? "JA4 " + ja4 : ja3 != null ? "JA3 " + ja3 : null);

        if (refused) {
            String key = clientKey + "\n" + r.transport + " " + serverKey + "\n" + r.sni;
            Refusal f = refusals.computeIfAbsent(key, k -> new Refusal(k, clientKey, r.transport + " " + serverKey, r.sni));
            f.count(r, true);
            f.maxOffered = higher(f.maxOffered, offered);
            for (int a : r.alerts) if (a == ALERT_PROTOCOL_VERSION || a == ALERT_HANDSHAKE_FAILURE) f.alerts.add(a);
        }

        hourCounts(Math.floorDiv(r.tsMicros, MICROS_PER_HOUR))[TlsVersion.bucket(r.negotiatedVersion)]++;
    }

    private Server serverRow(String transport, String key) {
        return servers.computeIfAbsent(transport + " " + key, k -> new Server(transport, key));
    }

    /** SNIs come from the traffic: past the bound, new names share one row instead of the heap. */
    private Server sniRow(String transport, String sni) {
        String key = snis.size() >= MAX_SNIS && !snis.containsKey(transport + " " + sni) ? OTHER_SNIS : sni;
        return snis.computeIfAbsent(transport + " " + key, k -> new Server(transport, key));
    }

    /** Past {@link #MAX_SOFTWARE} groups, a new fingerprint joins the others' group. */
    private Software softwareGroup(String key, String ja3, String ja4, FingerprintTable.Match match) {
        if (!software.containsKey(key) && software.size() >= MAX_SOFTWARE) key = OTHER_FINGERPRINTS;
        return software.computeIfAbsent(key, k -> k.equals(OTHER_FINGERPRINTS) || k.equals(NO_FINGERPRINT)
                ? new Software(k, null, null, null) : new Software(k, ja3, ja4, match));
    }

    private long[] hourCounts(long hour) {
        return hours.computeIfAbsent(hour, h -> new long[TlsVersion.BUCKETS.length]);
    }

    private static void addCounts(long[] into, long[] counts) {
        for (int i = 0; i < counts.length; i++) into[i] += counts[i];
    }

    private static void count(Server s, ConnectionRecord r, int offered, boolean refused, boolean talkedDown, String client,
                              boolean retry) {
        s.count(r, refused);
        s.highestNegotiated = higher(s.highestNegotiated, r.negotiatedVersion);
        s.maxOffered = higher(s.maxOffered, offered);
        s.clients.add(client);
        if (talkedDown) s.talkedDown++;
        if (retry) s.downgradeRetries++;
        if (isLegacy(r.negotiatedVersion)) {
            s.legacyClients.computeIfAbsent(TlsVersion.bucket(r.negotiatedVersion), b -> new HashSet<>()).add(client);
        }
        if (r.sni != null) s.snis.add(r.sni);
    }

    /**
     * Adds what another aggregate saw (another thread's connections): every result is then the one
     * a single aggregate fed all the connections would give, as long as no bound was reached.
     * Past the bounds on rows ({@link #MAX_SNIS}, {@link #MAX_SOFTWARE}), a row new to this one
     * while this one is full joins the others' row; the other's rows come in the order they were
     * first seen, roughly the order one aggregate would have met them, so which names keep a row
     * of their own may differ from a single thread. A {@link Bounded} past {@link #MAX_REMEMBERED}
     * may count a value once more than a single thread would.
     *
     * <p>The other's failed attempts are not taken: they only serve to spot retries as connections
     * come, and each thread sees every connection between one client and one server (flows are
     * sharded by their addresses) or whole files. A retry in another file than its failed attempt
     * is missed when another thread read that file; with one shared aggregate it was caught only
     * when the threads' batches happened to arrive in that order.
     */
    public void merge(Readiness other) {
        connections += other.connections;
        other.clients.forEach((key, c) -> clients.computeIfAbsent(key, Client::new).merge(c));
        // Every client of the other is now one of ours: its sets name it by our string, as accept's do.
        UnaryOperator<String> clientKey = key -> clients.get(key).key;
        other.servers.values().forEach(s -> serverRow(s.transport, s.key).merge(s, clientKey));
        for (Server s : byFirstSeen(other.snis.values())) sniRow(s.transport, s.key).merge(s, clientKey);
        for (Software s : byFirstSeen(other.software.values())) {
            softwareGroup(s.key, s.ja3, s.ja4, s.match).merge(s, clientKey);
        }
        other.refusals.forEach((key, f) -> refusals.computeIfAbsent(key,
                k -> new Refusal(k, clientKey.apply(f.client), f.server, f.sni)).merge(f));
        other.hours.forEach((hour, counts) -> addCounts(hourCounts(hour), counts));
    }

    /** Oldest first, then by key: the bounded maps take them in about the order they came. */
    private static <E extends Entry> List<E> byFirstSeen(Collection<E> entries) {
        List<E> list = new ArrayList<>(entries);
        list.sort(Comparator.<E>comparingLong(e -> e.firstSeenMicros).thenComparing(e -> e.key));
        return list;
    }

    /**
     * Failed attempts are only needed for {@link #RETRY_WINDOW_MICROS}: a capture running for days
     * (live, or many files) would otherwise keep every failed attempt it ever saw. Connections
     * arrive roughly in time order (completion order), so those older than the window are dropped.
     */
    private void purgeAttempts(long now) {
        attempts.values().removeIf(a -> now - a.failedAtMicros > 2 * RETRY_WINDOW_MICROS);
        // Still too many inside the window (a flood of unanswered hellos): forget them all rather
        // than the heap; a retry right after this moment goes unflagged.
        if (attempts.size() >= MAX_ATTEMPTS / 2) attempts.clear();
        // Purge again only once as many more came (linear cost).
        purgeAttemptsAt = Math.max(1 << 16, 2 * attempts.size());
    }

    /** Failed attempts kept to spot retries (bounded by {@link #purgeAttempts}). */
    int attemptsKept() {
        return attempts.size();
    }

    /** Whether this connection is a retry with a lower maximum version after a failed attempt. */
    private boolean retried(String pair, long ts, int maxRank, boolean failed) {
        Attempt a = attempts.get(pair);
        boolean retry = a != null && ts >= a.failedAtMicros && ts - a.failedAtMicros <= RETRY_WINDOW_MICROS
                && maxRank > 0 && maxRank < a.failedMaxRank;
        if (failed) {
            if (a == null) {
                if (attempts.size() >= purgeAttemptsAt) purgeAttempts(ts);
                attempts.put(pair, a = new Attempt());
            }
            a.failedAtMicros = ts;
            a.failedMaxRank = maxRank;
        }
        return retry;
    }

    /** The highest version the client offered; QUIC carries TLS 1.3 by definition (RFC 9001). */
    static int offered(ConnectionRecord r) {
        int max = r.clientMaxVersion();
        if ("quic".equals(r.transport) && (max == TlsVersion.NONE || TlsVersion.rank(max) < TlsVersion.rank(TlsVersion.TLS13))) {
            return TlsVersion.TLS13;
        }
        return max;
    }

    /** SSLv2, SSLv3, TLS 1.0, TLS 1.1, DTLS 1.0. */
    public static boolean isLegacy(int version) {
        if (version == TlsVersion.NONE) return false;
        int b = TlsVersion.bucket(version);
        for (int l : TlsVersion.LEGACY_BUCKETS) if (b == l) return true;
        return false;
    }

    /** A version we can rank: not an unknown number (the summaries' "other"). */
    static boolean known(int version) {
        return version != TlsVersion.NONE && TlsVersion.bucket(version) != TlsVersion.BUCKET_OTHER;
    }

    private static int higher(int a, int b) {
        if (!known(b)) {
            if (known(a) || b == TlsVersion.NONE) return a;
            return a == TlsVersion.NONE ? b : Math.min(a, b); // two unknown numbers: either order, same answer
        }
        if (!known(a)) return b;
        int ra = TlsVersion.rank(a), rb = TlsVersion.rank(b);
        // Equal ranks (TLS 1.2 and DTLS 1.2) are broken by the wire number, so that the order in
        // which connections finish (threads, files) never changes the answer.
        return rb > ra || rb == ra && b < a ? b : a;
    }

    // ---------------------------------------------------------------- results

    public long connections() {
        return connections;
    }

    /** Clients, most urgent first: will break, then server-side legacy, then by legacy connections. */
    public List<Client> clients() {
        List<Client> list = new ArrayList<>(clients.values());
        list.sort(Comparator.<Client>comparingInt(c -> c.verdict().ordinal())
                .thenComparingLong(c -> -c.legacyConnections())
                .thenComparingLong(c -> -c.connections)
                .thenComparing(c -> c.key));
        return list;
    }

    public List<Server> servers() {
        return sortedServers(servers.values());
    }

    public List<Server> snis() {
        return sortedServers(snis.values());
    }

    private static List<Server> sortedServers(Collection<Server> values) {
        List<Server> list = new ArrayList<>(values);
        list.sort(Comparator.<Server>comparingInt(s -> s.verdict().ordinal())
                .thenComparingLong(s -> -s.legacyConnections())
                .thenComparingLong(s -> -s.connections)
                .thenComparing(s -> s.transport)
                .thenComparing(s -> s.key));
        return list;
    }

    /** Fingerprints, legacy-offering first, then by clients. */
    public List<Software> software() {
        List<Software> list = new ArrayList<>(software.values());
        list.sort(Comparator.<Software>comparingInt(s -> legacyFirst(s.maxOffered))
                .thenComparingLong(s -> -s.clients.size())
                .thenComparingLong(s -> -s.connections)
                .thenComparing(s -> s.key));
        return list;
    }

    public List<Refusal> refusals() {
        List<Refusal> list = new ArrayList<>(refusals.values());
        list.sort(Comparator.<Refusal>comparingLong(f -> -f.connections).thenComparing(f -> f.key));
        return list;
    }

    /** Connections by negotiated bucket per hour of capture time (UTC), hour index to counts. */
    public TreeMap<Long, long[]> hours() {
        return hours;
    }

    /** The same per UTC day. */
    public TreeMap<Long, long[]> days() {
        TreeMap<Long, long[]> days = new TreeMap<>();
        hours.forEach((h, counts) -> addCounts(days.computeIfAbsent(Math.floorDiv(h, 24L), k -> new long[counts.length]),
                counts));
        return days;
    }

    public Map<ClientVerdict, Long> clientVerdicts() {
        Map<ClientVerdict, Long> counts = new java.util.EnumMap<>(ClientVerdict.class);
        for (ClientVerdict v : ClientVerdict.values()) counts.put(v, 0L);
        for (Client c : clients.values()) counts.merge(c.verdict(), 1L, Long::sum);
        return counts;
    }

    public Map<ServerVerdict, Long> serverVerdicts() {
        Map<ServerVerdict, Long> counts = new java.util.EnumMap<>(ServerVerdict.class);
        for (ServerVerdict v : ServerVerdict.values()) counts.put(v, 0L);
        for (Server s : servers.values()) counts.merge(s.verdict(), 1L, Long::sum);
        return counts;
    }

    public long downgradeRetryClients() {
        return clients.values().stream().filter(c -> c.downgradeRetries > 0 || c.fallbackScsv > 0).count();
    }

    private static int legacyFirst(int offered) {
        if (!known(offered)) return 2;
        return isLegacy(offered) ? 0 : 1;
    }
}
