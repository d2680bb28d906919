package io.tlscensus.spark;

import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tlscensus-spark [--master URL] -r PATH [-r PATH ...] --parquet DIR}: the census of many
 * captures on a Spark cluster, into the same Parquet datasets as {@code tlscensus --parquet DIR}.
 * Exit status as the single-machine tool: 0 success, 1 some input damaged or unreadable (the rest
 * was written), 2 usage error or nothing could be read.
 */
public final class SparkCensus {
    static final int OK = 0;
    static final int DAMAGED = 1;
    static final int USAGE = 2;

    private SparkCensus() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    private static final String USAGE_TEXT = String.join("\n",
            "usage: tlscensus-spark [--master URL] -r PATH [-r PATH ...] --parquet DIR [-q]",
            "  -r, --read PATH   capture file, directory (every capture below it) or glob, on any Hadoop",
            "                    file system (/local/path, file:///..., hdfs://..., s3a://...); repeatable",
            "  --parquet DIR     where the connections, summary and run datasets are added (any Hadoop FS)",
            "  --master URL      Spark master (local[*], spark://host:7077, yarn, k8s://...); under",
            "                    spark-submit, its --master is used",
            "  -q, --quiet       nothing on stderr but errors");

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> inputs = new ArrayList<>();
        String parquet = null;
        String master = null;
        boolean quiet = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h":
                case "--help":
                    out.println(USAGE_TEXT);
                    return OK;
                case "-q":
                case "--quiet":
                    quiet = true;
                    continue;
                default:
                    break;
            }
            String value;
            String option = a;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                option = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return usage(err, a.startsWith("-") ? "option " + a + " needs a value" : "unexpected argument " + a);
            }
            switch (option) {
                case "-r":
                case "--read":
                    inputs.add(value);
                    break;
                case "--parquet":
                    parquet = value;
                    break;
                case "--master":
                    master = value;
                    break;
                default:
                    return usage(err, "unknown option " + option);
            }
        }
        if (inputs.isEmpty()) return usage(err, "no input: give -r PATH");
        if (parquet == null) return usage(err, "no output: give --parquet DIR");

        // Without --master and outside spark-submit (which sets spark.master), run in this JVM.
        if (master == null && System.getProperty("spark.master") == null) master = "local[*]";
        SparkSession.Builder builder = SparkSession.builder().appName("tlscensus");
        if (master != null) builder.master(master);
        SparkSession spark = builder.getOrCreate();
        try {
            if (quiet) spark.sparkContext().setLogLevel("ERROR");
            long started = System.nanoTime();
            CensusJob.Result result = CensusJob.run(spark, inputs, parquet);
            result.stats.elapsedNanos = System.nanoTime() - started;
            for (String e : result.errors) err.println("tlscensus-spark: " + e);
            if (!quiet) {
                for (String s : result.skipped) err.println("tlscensus-spark: note: " + s + ": skipped, not a capture file");
                err.println("tlscensus-spark: run " + result.runId + ": " + result.stats.line());
            }
            if (result.read == 0) {
                if (result.errors.isEmpty()) err.println("tlscensus-spark: no capture files found in the inputs");
                return USAGE;
            }
            return result.stats.damagedInputs > 0 ? DAMAGED : OK;
        } catch (Exception e) {
            err.println("tlscensus-spark: " + e);
            return USAGE;
        } finally {
            spark.stop();
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("tlscensus-spark: " + message);
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
