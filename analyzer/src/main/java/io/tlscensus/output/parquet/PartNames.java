package io.tlscensus.output.parquet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names of one run's part files, {@code part-20250102T030405Z-<run uuid>-0001.zstd.parquet}: the UTC
 * start time sorts runs, the random run id keeps concurrent writers apart, the sequence number the
 * files of one run. Also the list of temporary files not yet renamed, which a shutdown hook deletes
 * on Ctrl-C (a convenience: they are hidden names that readers skip in any case).
 */
final class PartNames {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    final String runId;
    private final String prefix;
    private int sequence;
    private final Set<Path> pending = ConcurrentHashMap.newKeySet();

    PartNames(Instant start, UUID runId) {
        this.runId = runId.toString();
        this.prefix = "part-" + STAMP.format(start) + "-" + this.runId + "-";
    }

    String next() {
        return prefix + String.format("%04d", ++sequence) + ".zstd.parquet";
    }

    void track(Path temporary) {
        pending.add(temporary);
    }

    void untrack(Path temporary) {
        pending.remove(temporary);
    }

    /** Deletes what is still pending; for the shutdown hook. */
    void deletePending() {
        for (Path p : pending) {
            try {
                Files.deleteIfExists(p);
            } catch (Exception e) {
                // best effort at exit
            }
        }
    }
}
