package io.tlscensus.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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
        // Not Files.createTempFile: its mode 0600 would stay on the renamed file. A name of our own,
        // created new, gets the mode the umask gives, as any other tool's output does.
        this.temporary = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".partial");
        OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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
