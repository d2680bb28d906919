package io.tlscensus.aggregate;

import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.tls.ConnectionRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Version counts per group for the groupings asked for, plus a total. Mergeable. */
public final class Census implements ConnectionSink {
    private final EnumMap<Grouping, Map<String, VersionCounts>> groups = new EnumMap<>(Grouping.class);
    private final VersionCounts total = new VersionCounts();

    public Census(Iterable<Grouping> groupings) {
        for (Grouping g : groupings) groups.put(g, new HashMap<>());
    }

    @Override
    public void accept(ConnectionRecord r) {
        total.add(r);
        for (Map.Entry<Grouping, Map<String, VersionCounts>> e : groups.entrySet()) {
            e.getValue().computeIfAbsent(e.getKey().keyOf(r), k -> new VersionCounts()).add(r);
        }
    }

    public void merge(Census other) {
        total.merge(other.total);
        for (Map.Entry<Grouping, Map<String, VersionCounts>> e : other.groups.entrySet()) {
            Map<String, VersionCounts> mine = groups.computeIfAbsent(e.getKey(), k -> new HashMap<>());
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
    public List<Map.Entry<String, VersionCounts>> rows(Grouping g) {
        List<Map.Entry<String, VersionCounts>> rows = new ArrayList<>(groups.getOrDefault(g, Map.of()).entrySet());
        rows.sort(Comparator.<Map.Entry<String, VersionCounts>>comparingLong(e -> -e.getValue().legacyNegotiated())
                .thenComparingLong(e -> -e.getValue().connections)
                .thenComparing(Map.Entry::getKey));
        return rows;
    }
}
