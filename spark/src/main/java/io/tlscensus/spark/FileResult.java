package io.tlscensus.spark;

import io.tlscensus.engine.CaptureStats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** What one task says about its capture besides the connections: how it went, and the counters. */
final class FileResult implements Serializable {
    private static final long serialVersionUID = 1L;
    /** CaptureStats' public long counters, in declaration order: new counters travel without changes here. */
    private static final List<Field> COUNTERS = new ArrayList<>();

    static {
        for (Field f : CaptureStats.class.getDeclaredFields()) {
            if (f.getType() == long.class && Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers())) {
                COUNTERS.add(f);
            }
        }
    }

    enum Status {
        /** read to the end */
        OK,
        /** opened, damaged part-way: the packets before the damage were counted */
        DAMAGED,
        /** could not be opened or is not a capture */
        UNREADABLE,
        /** found by listing and not a capture: left out, as the single-machine tool does */
        SKIPPED
    }

    final CaptureInput input;
    Status status = Status.OK;
    String message;
    private long[] counters;

    FileResult(CaptureInput input) {
        this.input = input;
    }

    void stats(CaptureStats stats) {
        counters = new long[COUNTERS.size()];
        try {
            for (int i = 0; i < counters.length; i++) counters[i] = COUNTERS.get(i).getLong(stats);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The counters as the analyzer's CaptureStats (all zero when the capture was never opened). */
    CaptureStats stats() {
        CaptureStats stats = new CaptureStats();
        if (counters == null) return stats;
        try {
            for (int i = 0; i < counters.length; i++) COUNTERS.get(i).setLong(stats, counters[i]);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return stats;
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static FileResult fromBytes(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (FileResult) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
