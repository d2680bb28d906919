package io.tlscensus.readiness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ClientHello fingerprints of known client software: JA3 (MD5, 32 hex digits) or JA4 string to a
 * name. The table that ships is {@code legacy-clients.tsv} beside this class; users add their own
 * with {@code --fingerprints FILE} (same format; their entries win).
 *
 * <p>Format: UTF-8, one entry per line, tab-separated {@code kind value name source}, where kind is
 * {@code ja3} or {@code ja4}, name is what the report shows, and source says where the fingerprint
 * comes from (free text, may be empty). Blank lines and lines starting with {@code #} are ignored.
 * A fingerprint not in the table is never guessed: the report groups connections by it, unnamed.
 */
public final class FingerprintTable {
    public static final String RESOURCE = "legacy-clients.tsv";

    /** A table entry that matched. */
    public record Match(String kind, String value, String name, String source) {
    }

    /** Entries of one source (the built-in table, a user's file); later files come first. */
    private static final class Layer {
        final Map<String, Match> ja3 = new HashMap<>();
        final Map<String, Match> ja4 = new HashMap<>();
    }

    private final java.util.ArrayList<Layer> layers = new java.util.ArrayList<>();

    private FingerprintTable() {
    }

    public static FingerprintTable empty() {
        return new FingerprintTable();
    }

    /** The table that ships with tlscensus. */
    public static FingerprintTable builtIn() {
        FingerprintTable t = new FingerprintTable();
        try (InputStream in = FingerprintTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " missing from the jar");
            t.read(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE, t.newLayer());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
        return t;
    }

    /** Adds the entries of a user's file: they are looked up before the built-in ones. */
    public FingerprintTable withFile(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            read(in, file.toString(), newLayer());
        }
        return this;
    }

    private Layer newLayer() {
        Layer l = new Layer();
        layers.add(0, l);
        return l;
    }

    public int size() {
        int n = 0;
        for (Layer l : layers) n += l.ja3.size() + l.ja4.size();
        return n;
    }

    /**
     * The user's files before the built-in table; within each, JA3 before JA4. JA3 keeps the
     * hello's lists in their order, so it tells apart stacks that JA4 (lists sorted) merges, as
     * it does IE 7-10 on Vista and Windows 7; JA4 still matches a client that shuffles its
     * extensions (Chrome since 110), whose JA3 changes with every connection. Null when neither
     * is known.
     */
    public Match lookup(String ja3Value, String ja4Value) {
        String ja3Key = ja3Value == null ? null : ja3Value.toLowerCase(Locale.ROOT);
        for (Layer l : layers) {
            Match m = ja3Key == null ? null : l.ja3.get(ja3Key);
            if (m == null && ja4Value != null) m = l.ja4.get(ja4Value);
            if (m != null) return m;
        }
        return null;
    }

    private static void read(Reader reader, String origin, Layer layer) throws IOException {
        BufferedReader in = new BufferedReader(reader);
        String line;
        int number = 0;
        while ((line = in.readLine()) != null) {
            number++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            if (f.length < 3 || f[1].isBlank() || f[2].isBlank()) {
                throw new IOException(origin + ":" + number + ": expected 'ja3|ja4 <TAB> value <TAB> name [<TAB> source]'");
            }
            String kind = f[0].trim().toLowerCase(Locale.ROOT);
            String value = f[1].trim();
            Match m = new Match(kind, value, f[2].trim(), f.length > 3 ? f[3].trim() : "");
            if (kind.equals("ja3")) {
                if (!value.matches("[0-9a-fA-F]{32}")) {
                    throw new IOException(origin + ":" + number + ": a JA3 is 32 hex digits (the MD5), not '" + value + "'");
                }
                layer.ja3.put(value.toLowerCase(Locale.ROOT), m);
            } else if (kind.equals("ja4")) {
                if (!value.matches("[tqd][0-9a-z]{2}[di][0-9]{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}")) {
                    throw new IOException(origin + ":" + number + ": not a JA4 fingerprint: '" + value + "'");
                }
                layer.ja4.put(value, m);
            } else {
                throw new IOException(origin + ":" + number + ": kind is ja3 or ja4, not '" + f[0] + "'");
            }
        }
    }
}
