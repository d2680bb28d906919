package io.tlscensus.output.parquet;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * One dataset directory ({@code DIR/connections}) split into Hive-style {@code date=YYYY-MM-DD}
 * partitions by a row's UTC date. Each partition gets its own part file, written under a hidden
 * temporary name; {@link #commit()} renames them all once every one is complete.
 *
 * <p>Memory: each open part file buffers one row group. At most {@code maxOpen} partitions are open;
 * a row for another date completes the least recently used file (it stays hidden until the commit)
 * and opens a new one, so captures spanning many days cost many files, never more memory.
 */
final class PartitionedDataset<T> {
    static final long MICROS_PER_DAY = 86_400_000_000L;
    static final long MICROS_PER_HOUR = 3_600_000_000L;

    private final Path root;
    private final Table<T> table;
    private final ToLongFunction<T> partitionMicros;
    private final PartNames names;
    private final Settings settings;
    private final Map<Long, Part<T>> open = new LinkedHashMap<>(8, 0.75f, true);
    private final List<Part<T>> parts = new ArrayList<>();
    private long lastDay = Long.MIN_VALUE;
    private Part<T> last;
    private long rows;

    /** Writer settings shared by every part file. */
    static final class Settings {
        long rowGroupBytes = 64L << 20;
        int pageBytes = 1 << 20;
        int maxOpenPartitions = 2;
        int zstdLevel = ZstdCodecFactory.DEFAULT_LEVEL;
        Map<String, String> metadata = Map.of();
        /** Partition by hour too (date=.../hour=HH), for live captures that roll over hourly or faster. */
        boolean hourly;
    }

    PartitionedDataset(Path root, Table<T> table, ToLongFunction<T> partitionMicros, PartNames names, Settings settings) {
        this.root = root;
        this.table = table;
        this.partitionMicros = partitionMicros;
        this.names = names;
        this.settings = settings;
    }

    void write(T row) throws IOException {
        long day = Math.floorDiv(partitionMicros.applyAsLong(row), settings.hourly ? MICROS_PER_HOUR : MICROS_PER_DAY);
        Part<T> part = day == lastDay ? last : partFor(day);
        part.writer.write(row);
        part.rows++;
        rows++;
    }

    long rows() {
        return rows;
    }

    private Part<T> partFor(long day) throws IOException {
        Part<T> part = open.get(day);
        if (part == null) {
            if (open.size() >= settings.maxOpenPartitions) {
                Iterator<Part<T>> eldest = open.values().iterator();
                eldest.next().finish();
                eldest.remove();
            }
            part = openPart(day);
            open.put(day, part);
        }
        lastDay = day;
        last = part;
        return part;
    }

    private Part<T> openPart(long day) throws IOException {
        // "day" counts hours when partitions are hourly.
        Path dir = settings.hourly
                ? root.resolve("date=" + LocalDate.ofEpochDay(Math.floorDiv(day, 24)))
                        .resolve(String.format("hour=%02d", Math.floorMod(day, 24)))
                : root.resolve("date=" + LocalDate.ofEpochDay(day));
        Files.createDirectories(dir);
        String name = names.next();
        Part<T> part = new Part<>(dir.resolve("." + name + ".tmp"), dir.resolve(name));
        names.track(part.temporary);
        parts.add(part);
        Builder<T> builder = new Builder<>(new LocalOutputFile(part.temporary), table, settings.metadata)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new ZstdCodecFactory(settings.zstdLevel))
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withRowGroupSize(settings.rowGroupBytes)
                .withPageSize(settings.pageBytes)
                .withDictionaryEncoding(true);
        // Unique or nearly unique per row: a dictionary would only fill up and fall back.
        for (String column : List.of("ts", "client_port", "first_seen", "last_seen")) {
            builder.withDictionaryEncoding(column, false);
        }
        part.writer = builder.build();
        return part;
    }

    /** Completes every part file (footer written, still under its hidden name). */
    void finish() throws IOException {
        for (Part<T> p : open.values()) p.finish();
        open.clear();
        last = null;
        lastDay = Long.MIN_VALUE;
    }

    /** Gives every completed part file its visible name. */
    void commit() throws IOException {
        finish();
        for (Part<T> p : parts) {
            Files.move(p.temporary, p.target, StandardCopyOption.ATOMIC_MOVE);
            names.untrack(p.temporary);
        }
        parts.clear();
    }

    /** Deletes every part file not yet committed; never throws. */
    void abort() {
        for (Part<T> p : parts) {
            try {
                if (!p.finished && p.writer != null) p.writer.close();
            } catch (IOException | RuntimeException e) {
                // the file is deleted below whatever state it is in
            }
            p.finished = true;
            try {
                Files.deleteIfExists(p.temporary);
                names.untrack(p.temporary);
            } catch (IOException e) {
                // the shutdown hook tries again
            }
            try {
                Files.deleteIfExists(p.temporary.getParent()); // only when empty: a partition this run created
            } catch (IOException e) {
                // not empty: earlier runs' files are there
            }
        }
        parts.clear();
        open.clear();
        last = null;
        lastDay = Long.MIN_VALUE;
    }

    List<Path> pendingFiles() {
        List<Path> paths = new ArrayList<>();
        for (Part<T> p : parts) paths.add(p.temporary);
        return paths;
    }

    private static final class Part<T> {
        final Path temporary;
        final Path target;
        ParquetWriter<T> writer;
        long rows;
        boolean finished;

        Part(Path temporary, Path target) {
            this.temporary = temporary;
            this.target = target;
        }

        void finish() throws IOException {
            if (finished) return;
            finished = true;
            writer.close();
        }
    }

    private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
        private final Table<T> table;
        private final Map<String, String> metadata;

        Builder(OutputFile file, Table<T> table, Map<String, String> metadata) {
            super(file);
            this.table = table;
            this.metadata = metadata;
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new TableWriteSupport<>(table, metadata);
        }

        @Override
        protected WriteSupport<T> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
            return new TableWriteSupport<>(table, metadata);
        }
    }
}
