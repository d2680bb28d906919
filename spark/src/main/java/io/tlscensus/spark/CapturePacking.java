package io.tlscensus.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which captures each task reads. A capture is never split (its flows span the whole file): a
 * capture at least as big as the target is a task of its own, however long; smaller ones are packed
 * together as Spark's file sources pack small files (FilePartition): largest first, next fit, each
 * file counting its size plus an open cost, the target being
 * {@code min(maxPartitionBytes, max(openCost, total / defaultParallelism))} so that a small job
 * still keeps every core busy. With {@code spark.sql.files.maxPartitionBytes=1}, every capture is
 * its own task.
 */
final class CapturePacking {
    private CapturePacking() {
    }

    static List<List<CaptureInput>> pack(List<CaptureInput> captures, long maxPartitionBytes, long openCostBytes,
                                         int parallelism) {
        List<CaptureInput> bySize = new ArrayList<>(captures);
        bySize.sort(Comparator.comparingLong(CaptureInput::length).reversed());
        long total = 0;
        for (CaptureInput c : bySize) total += c.length() + openCostBytes;
        long target = Math.min(maxPartitionBytes, Math.max(openCostBytes, total / Math.max(1, parallelism)));
        List<List<CaptureInput>> tasks = new ArrayList<>();
        List<CaptureInput> current = new ArrayList<>();
        long size = 0;
        for (CaptureInput c : bySize) {
            if (!current.isEmpty() && size + c.length() > target) {
                tasks.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(c);
            size += c.length() + openCostBytes;
        }
        if (!current.isEmpty()) tasks.add(current);
        return tasks;
    }
}
