package io.tlscensus.aggregate;

import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.tls.ConnectionRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Version counts per group for the groupings asked for, plus a total. Groups are kept apart by
 * transport (tcp, udp for DTLS, quic), so DTLS and QUIC never mix into the TCP counts. Mergeable.
 */
public final class Census implements ConnectionSink {
    /** One summary row: a group of one grouping on one transport. */
    public record Row(String transport, String key, VersionCounts counts) {
    }

    private record GroupKey(String transport, String key) {
    }

    private final EnumMap<Grouping, Map<GroupKey, VersionCounts>> groups = new EnumMap<>(Grouping.class);
    private final VersionCounts total = new VersionCounts();

    public Census(Iterable<Grouping> groupings) {
        for (Grouping g : groupings) groups.put(g, new HashMap<>());
    }

    @Override
    public void accept(ConnectionRecord r) {
        total.add(r);
        for (Map.Entry<Grouping, Map<GroupKey, VersionCounts>> e : groups.entrySet()) {
            GroupKey key = new GroupKey(r.transport, e.getKey().keyOf(r));
            e.getValue().computeIfAbsent(key, k -> new VersionCounts()).add(r);
        }
    }

    public void merge(Census other) {
        total.merge(other.total);
        for (Map.Entry<Grouping, Map<GroupKey, VersionCounts>> e : other.groups.entrySet()) {
            Map<GroupKey, VersionCounts> mine = groups.computeIfAbsent(e.getKey(), k -> new HashMap<>());
            e.getValue().forEach((k, v) -> mine.computeIfAbsent(k, x -> new VersionCounts()).merge(v));
        }
    }

    public VersionCounts total() {
        return total;
    }

    public Iterable<Grouping> groupings() {
        return groups.keySet();
    }

    /** Rows of one grouping, legacy first: the groups that still negotiate old versions lead. */
    public List<Row> rows(Grouping g) {
        List<Row> rows = new ArrayList<>();
        groups.getOrDefault(g, Map.of()).forEach((k, v) -> rows.add(new Row(k.transport(), k.key(), v)));
        rows.sort(Comparator.<Row>comparingLong(r -> -r.counts().legacyNegotiated())
                .thenComparingLong(r -> -r.counts().connections)
                .thenComparing(Row::transport)
                .thenComparing(Row::key));
        return rows;
    }

    /** Whether any connection came over something else than TCP (tables then show the transport). */
    public boolean hasTransportsOtherThanTcp() {
        for (Map<GroupKey, VersionCounts> m : groups.values()) {
            for (GroupKey k : m.keySet()) if (!"tcp".equals(k.transport())) return true;
        }
        return false;
    }
}
