package io.tlscensus.spark;

import io.tlscensus.engine.CaptureStats;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

/**
 * The census as a Spark job: one task per capture file, the datasets of {@code tlscensus --parquet}
 * written through Spark's DataFrame writer (and so through its output committer: a retried or
 * speculative task never adds rows twice, and a failed job leaves no part files behind).
 *
 * <p>The tasks' rows (connections, and one result row per capture) are persisted once and used three
 * times: connections are written, the per-capture results collected, and the summary grouped by
 * the ConnectionCube key, without reading any capture twice.
 */
public final class CensusJob {
    /** Outcome of a run, for the command line. */
    public static final class Result {
        public final String runId;
        public final CaptureStats stats = new CaptureStats();
        /** Files read, in input order, as in the run row's {@code inputs}. */
        public final List<String> inputs = new ArrayList<>();
        /** One line per problem, "NAME: what is wrong", in input order. */
        public final List<String> errors = new ArrayList<>();
        /** Files skipped because they are not captures (found in directories or by globs). */
        public final List<String> skipped = new ArrayList<>();
        public long read;
        public long damaged;

        Result(String runId) {
            this.runId = runId;
        }
    }

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private CensusJob() {
    }

    /** The UTC date of a timestamp, as a DATE, independent of the session's time zone. */
    static Column utcDate(String timestampColumn) {
        String micros = "unix_micros(" + timestampColumn + ")";
        return expr("date_from_unix_date(CAST((" + micros + " - pmod(" + micros + ", " + MICROS_PER_DAY + ")) div "
                + MICROS_PER_DAY + " AS INT))");
    }

    public static Result run(SparkSession spark, List<String> arguments, String outputDir) throws IOException {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Result result = new Result(UUID.randomUUID().toString());
        // INT64 TIMESTAMP(MICROS, UTC) as the single-machine tool writes, not Spark's default INT96.
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        spark.conf().set("spark.sql.parquet.compression.codec", "zstd");

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        CaptureListing listing = CaptureListing.list(arguments, hadoop);
        Map<Integer, List<String>> errorsByArgument = new HashMap<>();
        long unreadable = listing.errors.size();

        List<FileResult> files = new ArrayList<>();
        if (!listing.files.isEmpty()) {
            // Whole captures per task, small ones packed together, largest first: a long task
            // started last would be the whole job's tail.
            List<List<CaptureInput>> tasks = CapturePacking.pack(listing.files,
                    spark.sessionState().conf().filesMaxPartitionBytes(),
                    spark.sessionState().conf().filesOpenCostInBytes(), jsc.defaultParallelism());
            Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(hadoop));
            JavaRDD<Row> rows = jsc.parallelize(tasks, tasks.size())
                    .flatMap(captures -> CaptureAnalysis.analyse(captures, conf.value().value()));
            Dataset<Row> analysis = spark.createDataFrame(rows, Schemas.ANALYSIS).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Dataset<Row> connections = analysis.filter(col(Schemas.RESULT).isNull()).drop(Schemas.RESULT);
                connections.withColumn("date", utcDate("ts"))
                        .write().mode(SaveMode.Append).partitionBy("date").parquet(outputDir + "/connections");
                for (Row r : analysis.filter(col(Schemas.RESULT).isNotNull()).select(Schemas.RESULT).collectAsList()) {
                    files.add(FileResult.fromBytes(r.getAs(0)));
                }
                Column[] key = new Column[Schemas.SUMMARY_KEY.length];
                for (int i = 0; i < key.length; i++) key[i] = col(Schemas.SUMMARY_KEY[i]);
                Dataset<Row> cube = connections.groupBy(key)
                        .agg(count(lit(1)).as("connections"), min("ts").as("first_seen"), max("ts").as("last_seen"));
                // Spark cannot know that min and max of a group are never null: the summary's own
                // schema makes first_seen and last_seen REQUIRED, as in the single-machine tool.
                spark.createDataFrame(cube.javaRDD(), Schemas.SUMMARY)
                        .withColumn("date", utcDate("first_seen"))
                        .write().mode(SaveMode.Append).partitionBy("date").parquet(outputDir + "/summary");
            } finally {
                analysis.unpersist();
            }
        }

        // Results in input order, counted as the single-machine tool counts them.
        Map<CaptureInput, FileResult> byInput = new HashMap<>();
        for (FileResult f : files) byInput.put(f.input, f);
        Map<Integer, Integer> capturesPerArgument = new HashMap<>();
        Map<Integer, Boolean> listedPerArgument = new HashMap<>();
        for (CaptureInput in : listing.files) {
            FileResult f = byInput.get(in);
            if (f == null) throw new IllegalStateException("no result for " + in.name());
            listedPerArgument.put(in.argument(), in.fromListing());
            if (f.status == FileResult.Status.SKIPPED) {
                result.skipped.add(in.name());
                continue;
            }
            capturesPerArgument.merge(in.argument(), 1, Integer::sum);
            result.inputs.add(in.name());
            switch (f.status) {
                case UNREADABLE:
                    unreadable++;
                    errorsByArgument.computeIfAbsent(in.argument(), k -> new ArrayList<>()).add(in.name() + ": " + f.message);
                    break;
                case DAMAGED:
                    result.damaged++;
                    result.read++;
                    errorsByArgument.computeIfAbsent(in.argument(), k -> new ArrayList<>()).add(in.name() + ": " + f.message);
                    result.stats.merge(f.stats());
                    break;
                default:
                    result.read++;
                    result.stats.merge(f.stats());
            }
        }
        for (Map.Entry<Integer, Boolean> e : listedPerArgument.entrySet()) {
            if (e.getValue() && !capturesPerArgument.containsKey(e.getKey())) {
                unreadable++;
                errorsByArgument.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(arguments.get(e.getKey()) + ": no capture files in this directory");
            }
        }
        result.errors.addAll(listing.errors);
        for (int i = 0; i < arguments.size(); i++) result.errors.addAll(errorsByArgument.getOrDefault(i, List.of()));
        result.stats.damagedInputs = result.damaged + unreadable;

        writeRun(spark, outputDir, result, start);
        return result;
    }

    private static void writeRun(SparkSession spark, String outputDir, Result result, Instant start) {
        CaptureStats s = result.stats;
        Instant end = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Row row = RowFactory.create(result.runId, version(), result.inputs.toArray(new String[0]), start, end,
                s.inputs, s.damagedInputs, s.packets, s.bytes, s.inputBytes, s.flows, s.peakFlows, s.tlsConnections,
                s.malformedPackets, null, s.tcpPackets, s.udpPackets, s.otherIpPackets, s.nonIpPackets,
                s.unsupportedLinkPackets, s.fragments, s.fragmentsReassembled, s.fragmentsDropped, s.tunneledPackets,
                s.truncatedSegments, s.evictedIdle, s.evictedForSpace, s.reassemblyLimitHits, s.tlsMalformed);
        spark.createDataFrame(List.of(row), Schemas.RUN).coalesce(1)
                .withColumn("date", utcDate("start_time"))
                .write().mode(SaveMode.Append).partitionBy("date").parquet(outputDir + "/run");
    }

    /** The analyzer's version (its version.properties), as the single-machine tool reports it. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = CensusJob.class.getResourceAsStream("/io/tlscensus/version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // "unknown"
        }
        return p.getProperty("version", "unknown");
    }
}
