package io.tlscensus.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output file that appears whole or not at all: written under a hidden temporary name beside
 * it and renamed over it at the end, so a crash, Ctrl-C or a full disk never leaves half a file.
 */
final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final PrintWriter writer;
    private boolean committed;

    AtomicOutput(Path target) throws IOException {
        this.target = target;
        Path dir = target.toAbsolutePath().getParent();
        this.temporary = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
        OutputStream out = Files.newOutputStream(temporary);
        this.writer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
    }

    PrintWriter writer() {
        return writer;
    }

    /** Flushes, checks that every byte reached the disk, and puts the file in place. */
    void commit() throws IOException {
        writer.flush();
        if (writer.checkError()) throw new IOException("could not write " + target + " (disk full?)");
        writer.close();
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            writer.close();
            Files.deleteIfExists(temporary);
        }
    }
}
