package io.tlscensus.cli;

import io.tlscensus.aggregate.Census;
import io.tlscensus.capture.SegmentedPcapReader;
import io.tlscensus.capture.Threads;
import io.tlscensus.engine.CaptureStats;
import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.ConnectionSink;
import io.tlscensus.engine.EngineLimits;
import io.tlscensus.engine.FlowShards;
import io.tlscensus.engine.MemoryBudget;
import io.tlscensus.readiness.Readiness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the inputs with several threads, one engine, one census and one readiness aggregate per
 * thread, merged at the end (counts are sums, so the result is the same for any number of threads):
 * <ul>
 *   <li>several inputs: files in parallel, each thread taking the next file;</li>
 *   <li>one plain pcap file: split by flow into {@link CensusEngine} shards, one per thread, and
 *       cut into segments that any thread walks ({@code SegmentedPcapReader}); a pcapng or small
 *       file: one thread reads it and hands the other shards their packets ({@link ShardPipeline}).</li>
 *   <li>stdin or a gzip file alone: one thread (a stream cannot be read twice, and inflating is the
 *       bottleneck anyway).</li>
 * </ul>
 * Connection rows and Parquet are fed under a lock, a batch of whole connections at a time
 * ({@link BatchingSink}): each thread's in the order they finish, threads interleaved.
 */
final class ParallelReading {
    private final CensusRun run;
    private final Options options;
    private final Census census;
    /** The run's readiness aggregate (null when no output needs it): the threads' are merged into it. */
    private final Readiness runReadiness;
    /** What is written as connections come (connection rows, Parquet), fed in batches under its lock; or null. */
    private final ConnectionSink shared;
    private final Progress progress;
    private MemoryBudget budget;

    ParallelReading(CensusRun run, Options options, Census census, Readiness readiness, ConnectionSink shared,
                    Progress progress) {
        this.run = run;
        this.options = options;
        this.census = census;
        this.runReadiness = readiness;
        this.shared = shared;
        this.progress = progress;
    }

    CaptureStats run(List<String> inputs) {
        CaptureStats stats = new CaptureStats();
        budget = MemoryBudget.forHeap(options.limits); // one for every engine of the run: they hold their flows at once
        if (inputs.size() > 1) {
            filesInParallel(inputs, Math.min(options.threads, inputs.size()), stats);
        } else {
            for (String input : inputs) {
                if (shardable(input)) sharded(input, options.threads, stats);
                else filesInParallel(List.of(input), 1, stats);
            }
        }
        return stats;
    }

    private void filesInParallel(List<String> inputs, int threads, CaptureStats total) {
        AtomicInteger next = new AtomicInteger();
        Worker[] workers = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            Worker w = workers[t] = new Worker(options.limits, 0, 1);
            w.task = () -> { // the next file until none are left

                for (int i; (i = next.getAndIncrement()) < inputs.size(); ) run.readInput(inputs.get(i), w.engine, progress, true);
            };
        }
        runAll(workers);
        long peak = 0;
        for (Worker w : workers) {
            merge(w);
            peak = Math.max(peak, w.engine.stats().peakFlows);
            total.merge(w.engine.stats());
        }
        total.peakFlows = Math.max(total.peakFlows, peak);
    }

    private void sharded(String input, int shards, CaptureStats total) {
        Worker[] workers = new Worker[shards];
        EngineLimits limits = options.limits; // --max-flows and the heap share bound the shards together (MemoryBudget)
        CensusEngine[] engines = new CensusEngine[shards];
        for (int s = 0; s < shards; s++) {
            workers[s] = new Worker(limits, s, shards);
            engines[s] = workers[s].engine;
        }
        // Plain pcap: every thread walks part of the file and follows its own shard
        // (SegmentedPcapReader). Otherwise one thread walks and hands packets on (ShardPipeline,
        // which copies them into its rings: the reader's chunk is reused after each call).
        SegmentedPcapReader.Sharder sharder = (link, a, off, len) -> FlowShards.fastOwner(link, a, off, len, shards);
        run.readInput(input, source -> {
            if (source.readSharded(engines, sharder)) return;
            ShardPipeline pipeline = new ShardPipeline(engines, input);
            pipeline.start();
            try {
                source.readAll(pipeline);
            } finally {
                pipeline.finish();
            }
        }, name -> {
            for (CensusEngine e : engines) e.beginInput(name);
        }, () -> endInParallel(workers), progress, true);
        for (Worker w : workers) merge(w);
        sumShards(workers, total);
    }

    private static void sumShards(Worker[] workers, CaptureStats total) {
        // The shards hold their flows at the same time: the peak is their sum.
        long peak = 0;
        CaptureStats file = new CaptureStats();
        for (Worker w : workers) {
            peak += w.engine.stats().peakFlows;
            file.merge(w.engine.stats());
        }
        file.peakFlows = peak;
        total.merge(file);
    }

    /**
     * Every shard's engine finishes its flows still open on a thread of its own: in a capture whose
     * connections are not closed (unanswered hellos, a capture cut short) all of them finish here,
     * and one thread finishing every shard's was most of the run.
     */
    private void endInParallel(Worker[] workers) {
        for (Worker w : workers) w.task = w.engine::endInput;
        runAll(workers);
    }

    /** Runs every worker's task on a thread of its own, each handing on what it holds when done. */
    private void runAll(Worker[] workers) {
        Thread[] threads = new Thread[workers.length];
        for (int i = 0; i < workers.length; i++) {
            Worker w = workers[i];
            threads[i] = new Thread(w::runTask, "tlscensus-worker-" + i);
            threads[i].start();
        }
        Threads.joinAll(threads);
        for (Worker w : workers) Threads.rethrow(w.failure);
    }

    /** Adds a worker's aggregates to the run's, once its thread has ended. */
    private void merge(Worker w) {
        census.merge(w.census);
        if (runReadiness != null) runReadiness.merge(w.readiness);
    }

    /** A plain file (not stdin, not gzip), which shards can split between them. */
    private static boolean shardable(String input) {
        if ("-".equals(input)) return false;
        Path path = Path.of(input);
        if (!Files.isRegularFile(path)) return false;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(2);
            return !(head.length == 2 && head[0] == (byte) 0x1f && head[1] == (byte) 0x8b);
        } catch (IOException e) {
            return false; // the reading thread reports it
        }
    }

    private final class Worker {
        final Census census = new Census(options.groupings);
        /** Fed directly, without a lock; null when the run has no readiness aggregate. */
        final Readiness readiness = runReadiness == null ? null : runReadiness.emptyLike();
        final CensusEngine engine;
        /** What its thread runs: reading files, or finishing its shard's flows. */
        Runnable task;
        Throwable failure;

        /** This worker's way into the shared sink, or null when there is none. */
        final BatchingSink batch;

        Worker(EngineLimits limits, int shard, int shards) {
            batch = shared == null ? null : new BatchingSink(shared);
            ConnectionSink own = Outputs.both(census, readiness);
            this.engine = new CensusEngine(limits, Outputs.both(own, batch), shard, shards, budget);
        }

        void runTask() {
            try {
                task.run();
                if (batch != null) batch.flush();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
        }
    }
}
