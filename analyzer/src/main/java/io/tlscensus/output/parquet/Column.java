package io.tlscensus.output.parquet;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * One column of a dataset: its Parquet type and how a row's value reaches the {@link RecordConsumer}.
 * Values go straight from the row object to the consumer, with no intermediate record per row.
 */
final class Column<T> {
    @FunctionalInterface
    interface Writer<T> {
        /** Writes the value of {@code row} as field {@code index}, or nothing when it is absent (null). */
        void write(RecordConsumer rc, T row, String name, int index);
    }

    @FunctionalInterface
    interface ElementWriter<E> {
        void write(RecordConsumer rc, E element);
    }

    final Type type;
    final Writer<T> writer;

    private Column(Type type, Writer<T> writer) {
        this.type = type;
        this.writer = writer;
    }

    String name() {
        return type.getName();
    }

    static <T> Column<T> string(String name, boolean nullable, Function<T, String> value) {
        Type type = Types.primitive(PrimitiveTypeName.BINARY, repetition(nullable))
                .as(LogicalTypeAnnotation.stringType()).named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            String v = value.apply(row);
            if (v == null) {
                if (!nullable) throw new IllegalStateException("column " + n + " has no value");
                return;
            }
            rc.startField(n, i);
            rc.addBinary(Binary.fromString(v));
            rc.endField(n, i);
        });
    }

    /** A nullable UTF-8 string column whose values come already encoded (e.g. cached). */
    static <T> Column<T> binary(String name, Function<T, Binary> value) {
        Type type = Types.primitive(PrimitiveTypeName.BINARY, Repetition.OPTIONAL)
                .as(LogicalTypeAnnotation.stringType()).named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            Binary v = value.apply(row);
            if (v == null) return;
            rc.startField(n, i);
            rc.addBinary(v);
            rc.endField(n, i);
        });
    }

    static <T> Column<T> int32(String name, ToIntFunction<T> value) {
        return int32(name, value, null);
    }

    /** INT32, null when {@code present} rejects the value (nullable when {@code present} is given). */
    static <T> Column<T> int32(String name, ToIntFunction<T> value, IntPredicate present) {
        Type type = Types.primitive(PrimitiveTypeName.INT32, repetition(present != null)).named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            int v = value.applyAsInt(row);
            if (present != null && !present.test(v)) return;
            rc.startField(n, i);
            rc.addInteger(v);
            rc.endField(n, i);
        });
    }

    static <T> Column<T> int64(String name, ToLongFunction<T> value) {
        Type type = Types.primitive(PrimitiveTypeName.INT64, Repetition.REQUIRED).named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            rc.startField(n, i);
            rc.addLong(value.applyAsLong(row));
            rc.endField(n, i);
        });
    }

    static <T> Column<T> nullableInt64(String name, Function<T, Long> value) {
        Type type = Types.primitive(PrimitiveTypeName.INT64, Repetition.OPTIONAL).named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            Long v = value.apply(row);
            if (v == null) return;
            rc.startField(n, i);
            rc.addLong(v);
            rc.endField(n, i);
        });
    }

    /** TIMESTAMP(MICROS, isAdjustedToUTC=true) from microseconds since the epoch. */
    static <T> Column<T> timestamp(String name, ToLongFunction<T> micros) {
        Type type = Types.primitive(PrimitiveTypeName.INT64, Repetition.REQUIRED)
                .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            rc.startField(n, i);
            rc.addLong(micros.applyAsLong(row));
            rc.endField(n, i);
        });
    }

    static <T> Column<T> bool(String name, Predicate<T> value) {
        Type type = Types.primitive(PrimitiveTypeName.BOOLEAN, Repetition.REQUIRED).named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            rc.startField(n, i);
            rc.addBoolean(value.test(row));
            rc.endField(n, i);
        });
    }

    /** A required list (possibly empty) of required strings, in the standard three-level LIST layout. */
    static <T> Column<T> stringList(String name, Function<T, List<String>> value) {
        return list(name, PrimitiveTypeName.BINARY, LogicalTypeAnnotation.stringType(), value,
                (rc, s) -> rc.addBinary(Binary.fromString(s)));
    }

    static <T> Column<T> intList(String name, Function<T, List<Integer>> value) {
        return list(name, PrimitiveTypeName.INT32, null, value, RecordConsumer::addInteger);
    }

    /**
     * <pre>required group NAME (LIST) { repeated group list { required ELEMENT element; } }</pre>
     * as the Parquet format's LogicalTypes.md specifies and Spark, DuckDB and Trino read.
     */
    static <T, E> Column<T> list(String name, PrimitiveTypeName elementType, LogicalTypeAnnotation elementLogical,
                                 Function<T, List<E>> value, ElementWriter<? super E> element) {
        Type elementField = elementLogical == null
                ? Types.primitive(elementType, Repetition.REQUIRED).named("element")
                : Types.primitive(elementType, Repetition.REQUIRED).as(elementLogical).named("element");
        Type type = Types.buildGroup(Repetition.REQUIRED).as(LogicalTypeAnnotation.listType())
                .addField(Types.repeatedGroup().addField(elementField).named("list"))
                .named(name);
        return new Column<>(type, (rc, row, n, i) -> {
            List<E> values = value.apply(row);
            rc.startField(n, i);
            rc.startGroup();
            if (!values.isEmpty()) {
                rc.startField("list", 0);
                for (E e : values) {
                    rc.startGroup();
                    rc.startField("element", 0);
                    element.write(rc, e);
                    rc.endField("element", 0);
                    rc.endGroup();
                }
                rc.endField("list", 0);
            }
            rc.endGroup();
            rc.endField(n, i);
        });
    }

    private static Repetition repetition(boolean nullable) {
        return nullable ? Repetition.OPTIONAL : Repetition.REQUIRED;
    }
}
