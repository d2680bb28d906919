package io.tlscensus.testing;

import io.tlscensus.engine.CensusEngine;
import io.tlscensus.engine.EngineLimits;
import io.tlscensus.output.TextSafety;
import io.tlscensus.tls.ConnectionRecord;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Shared pieces of the fuzz targets (the {@code *FuzzTest} classes, run by Jazzer): the chunked
 * input format several targets use, buffers whose limit ends exactly at the bytes handed over (so a
 * read past them throws instead of silently reading the neighbour), and an engine whose sink
 * checks every connection it emits. A fuzz target fails only on an exception escaping the code
 * under test or on a broken invariant checked here: for the code it is hostile input, and the
 * contract is to count it, never to throw.
 */
public final class Fuzzing {
    private Fuzzing() {
    }

    /** One piece of a chunked input: a tag byte (direction, flags, link type...) and its bytes. */
    public record Chunk(int tag, byte[] bytes) {
    }

    /**
     * Splits {@code [tag u8][length u16][bytes]...}; a last chunk whose length runs past the end
     * takes what is left. Seeds are written with {@link #chunks}.
     */
    public static List<Chunk> chunks(byte[] data, int maxChunks) {
        List<Chunk> out = new ArrayList<>();
        int p = 0;
        while (p + 3 <= data.length && out.size() < maxChunks) {
            int tag = data[p] & 0xff;
            int length = ((data[p + 1] & 0xff) << 8) | (data[p + 2] & 0xff);
            p += 3;
            int n = Math.min(length, data.length - p);
            byte[] b = new byte[n];
            System.arraycopy(data, p, b, 0, n);
            out.add(new Chunk(tag, b));
            p += n;
        }
        return out;
    }

    /** Writes chunks in the format {@link #chunks(byte[], int)} reads. */
    public static byte[] chunks(List<Chunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Chunk c : chunks) {
            out.write(c.tag());
            out.write(c.bytes().length >>> 8);
            out.write(c.bytes().length);
            out.writeBytes(c.bytes());
        }
        return out.toByteArray();
    }

    /**
     * {@code bytes} at offset {@code at} of a read-only buffer whose limit and capacity end right
     * after them; the bytes before {@code at} are junk that a correct reader never looks at.
     */
    public static ByteBuffer exact(byte[] bytes, int at) {
        byte[] b = new byte[at + bytes.length];
        java.util.Arrays.fill(b, 0, at, (byte) 0xa5);
        System.arraycopy(bytes, 0, b, at, bytes.length);
        return ByteBuffer.wrap(b).asReadOnlyBuffer();
    }

    /** Small limits so that eviction, reassembly and fragment limits are reached by small inputs. */
    public static EngineLimits smallLimits() {
        EngineLimits l = new EngineLimits();
        l.maxFlows = 16;
        l.maxReassemblyBytes = 4096;
        l.scanLimitBytes = 1024;
        l.udpProbeDatagrams = 8;
        l.maxFragmentedDatagrams = 8;
        l.maxFragmentBytes = 256 * 1024;
        l.idleTimeoutMicros = 5_000_000L;
        l.fragmentTimeoutMicros = 2_000_000L;
        return l;
    }

    /** An engine whose sink checks each connection and runs its strings through every escaper. */
    public static CensusEngine checkingEngine(EngineLimits limits) {
        return new CensusEngine(limits, Fuzzing::checkRecord);
    }

    public static void checkRecord(ConnectionRecord r) {
        if (r.client == null || r.server == null || r.file == null) {
            throw new AssertionError("connection emitted without addresses or file: " + r.client + " " + r.server);
        }
        if (!r.clientHelloSeen && !r.serverHelloSeen) throw new AssertionError("connection without any hello");
        checkText(r.sni);
        for (String a : r.alpn) checkText(a);
    }

    /** The escapers' promises, for any string: see {@link TextSafety}. */
    public static void checkText(String s) {
        if (s == null) return;
        String t = TextSafety.terminal(s);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.getType(c) == Character.FORMAT) {
                throw new AssertionError(String.format("terminal output keeps U+%04x of %s", (int) c, s));
            }
        }
        String csv = TextSafety.csv(s);
        String cell = csv.startsWith("\"") ? csv.substring(1) : csv;
        if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
            throw new AssertionError("csv cell starts like a formula: " + csv);
        }
        if (csv.indexOf('\n') >= 0 || csv.indexOf('\r') >= 0) throw new AssertionError("csv cell has a line break");
        String json = TextSafety.json(s);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x20 || c == '<' || c == '>' || c == 0x2028 || c == 0x2029 || (c >= 0x7f && c < 0xa0)
                    || Character.getType(c) == Character.FORMAT) {
                throw new AssertionError(String.format("json keeps U+%04x", (int) c));
            }
        }
        try {
            String back = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String.class);
            if (!back.equals(s)) throw new AssertionError("json does not round-trip: " + json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not a JSON string: " + json, e);
        }
    }
}
