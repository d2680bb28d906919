package io.tlscensus.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The Spark schemas of the three datasets: the column names, order and types of the
 * single-machine tool's Parquet (io.tlscensus.output.parquet.Datasets; README "Schema"). Spark
 * writes TimestampType as INT64 TIMESTAMP(MICROS, UTC) when spark.sql.parquet.outputTimestampType is
 * TIMESTAMP_MICROS, arrays as the standard three-level LIST.
 */
final class Schemas {
    private Schemas() {
    }

    private static final DataType STRINGS = DataTypes.createArrayType(DataTypes.StringType, false);

    static final StructType CONNECTIONS = new Builder()
            .add("file", DataTypes.StringType, false)
            .add("ts", DataTypes.TimestampType, false)
            .add("transport", DataTypes.StringType, false)
            .add("client", DataTypes.StringType, false)
            .add("client_port", DataTypes.IntegerType, false)
            .add("server", DataTypes.StringType, false)
            .add("server_port", DataTypes.IntegerType, false)
            .add("vlan", DataTypes.IntegerType, true)
            .add("tunnel_id", DataTypes.LongType, true)
            .add("sni", DataTypes.StringType, true)
            .add("client_hello_version", DataTypes.StringType, true)
            .add("client_supported_versions", STRINGS, false)
            .add("client_max_version", DataTypes.StringType, true)
            .add("server_hello_version", DataTypes.StringType, true)
            .add("negotiated_version", DataTypes.StringType, true)
            .add("cipher_suite", DataTypes.StringType, true)
            .add("alpn", STRINGS, false)
            .add("alerts", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("record_version", DataTypes.StringType, true)
            .add("server_hello_seen", DataTypes.BooleanType, false)
            .add("ja3", DataTypes.StringType, true)
            .add("ja3s", DataTypes.StringType, true)
            .add("ja4", DataTypes.StringType, true)
            .add("ja4_r", DataTypes.StringType, true)
            .build();

    /** The summary's grouping key (ConnectionCube.Key), in column order. */
    static final String[] SUMMARY_KEY = {"transport", "vlan", "tunnel_id", "client", "server", "server_port", "sni",
            "negotiated_version", "client_max_version"};

    static final StructType RUN = new Builder()
            .add("run_id", DataTypes.StringType, false)
            .add("tlscensus_version", DataTypes.StringType, false)
            .add("inputs", STRINGS, false)
            .add("start_time", DataTypes.TimestampType, false)
            .add("end_time", DataTypes.TimestampType, false)
            .longs("inputs_read", "damaged_inputs", "packets", "bytes", "input_bytes", "flows", "peak_flows",
                    "tls_connections", "malformed_packets")
            .add("dropped_packets", DataTypes.LongType, true)
            .longs("tcp_packets", "udp_packets", "other_ip_packets", "non_ip_packets", "unsupported_link_packets",
                    "fragments", "fragments_reassembled", "fragments_dropped", "tunneled_packets",
                    "truncated_segments", "evicted_idle", "evicted_for_space", "reassembly_limit_hits",
                    "tls_malformed")
            .build();

    /** Column that carries a serialized {@link FileResult}; null on connection rows. */
    static final String RESULT = "_file_result";

    /**
     * What the analysis tasks emit: the connection columns plus {@link #RESULT}. One row per
     * connection, then one row per capture with the result set (and placeholders in the columns
     * that cannot be null, so that the connection columns keep their nullability: Spark writes a
     * non-nullable column as REQUIRED, as the single-machine tool does).
     */
    static final StructType ANALYSIS = CONNECTIONS.add(DataTypes.createStructField(RESULT, DataTypes.BinaryType, true));

    static final StructType SUMMARY = new Builder()
            .add("transport", DataTypes.StringType, false)
            .add("vlan", DataTypes.IntegerType, true)
            .add("tunnel_id", DataTypes.LongType, true)
            .add("client", DataTypes.StringType, false)
            .add("server", DataTypes.StringType, false)
            .add("server_port", DataTypes.IntegerType, false)
            .add("sni", DataTypes.StringType, true)
            .add("negotiated_version", DataTypes.StringType, true)
            .add("client_max_version", DataTypes.StringType, true)
            .add("connections", DataTypes.LongType, false)
            .add("first_seen", DataTypes.TimestampType, false)
            .add("last_seen", DataTypes.TimestampType, false)
            .build();

    private static final class Builder {
        private final List<StructField> fields = new ArrayList<>();

        Builder add(String name, DataType type, boolean nullable) {
            fields.add(DataTypes.createStructField(name, type, nullable));
            return this;
        }

        Builder longs(String... names) {
            for (String n : names) add(n, DataTypes.LongType, false);
            return this;
        }

        StructType build() {
            return DataTypes.createStructType(fields);
        }
    }
}
