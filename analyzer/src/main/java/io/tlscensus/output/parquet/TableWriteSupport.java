package io.tlscensus.output.parquet;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;

import java.util.Map;

/**
 * Writes rows of a {@link Table} through parquet's {@link RecordConsumer}. Only the
 * {@link ParquetConfiguration} path is used, so no Hadoop class is loaded at run time.
 */
final class TableWriteSupport<T> extends WriteSupport<T> {
    private final Table<T> table;
    private final Map<String, String> metadata;
    private RecordConsumer consumer;

    TableWriteSupport(Table<T> table, Map<String, String> metadata) {
        this.table = table;
        this.metadata = metadata;
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(table.schema, metadata);
    }

    @Override
    public WriteContext init(Configuration configuration) {
        // Only reached through Hadoop's Configuration, which tlscensus never passes.
        return new WriteContext(table.schema, metadata);
    }

    @Override
    public String getName() {
        return "tlscensus";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(T row) {
        table.write(consumer, row);
    }
}
