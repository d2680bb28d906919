package io.tlscensus.output.parquet;

import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.util.ArrayList;
import java.util.List;

/** The columns of one dataset, in order, and how to write a row of them. */
final class Table<T> {
    final String name;
    final MessageType schema;
    private final Column<T>[] columns;

    @SafeVarargs
    Table(String name, Column<T>... columns) {
        this.name = name;
        this.columns = columns.clone();
        List<Type> types = new ArrayList<>(columns.length);
        for (Column<T> c : columns) types.add(c.type);
        this.schema = new MessageType(name, types);
    }

    List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.length);
        for (Column<T> c : columns) names.add(c.name());
        return names;
    }

    void write(RecordConsumer rc, T row) {
        rc.startMessage();
        for (int i = 0; i < columns.length; i++) columns[i].writer.write(rc, row, columns[i].name(), i);
        rc.endMessage();
    }
}
