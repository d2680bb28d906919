package io.tlscensus.capture;

import java.io.Closeable;
import java.io.IOException;

/** One capture (a file, a gzip stream, stdin) that delivers its packets in file order. */
public interface CaptureSource extends Closeable {
    /** The path as the user named it, or "-" for stdin: used in every message about this input. */
    String name();

    /** Size of the input in bytes as stored on disk, or -1 when unknown (stdin); for progress. */
    long sizeBytes();

    /** Bytes of the stored input consumed so far (compressed bytes for gzip); for progress. */
    long bytesRead();

    /**
     * Delivers every packet to the handler. Returns normally at a clean end of input. When the
     * input is damaged, the packets before the damage have been delivered and a
     * {@link CaptureFormatException} says what is wrong and where.
     */
    void readAll(PacketHandler handler) throws IOException, CaptureFormatException;

    /**
     * Reads with one handler per shard, on as many threads, each handler getting its shard's
     * packets ({@code sharder}) in file order, with the same damage reporting as {@link #readAll}.
     * False, having read nothing, when this source cannot be split (streams, pcapng, small files):
     * then read it with {@link #readAll}.
     */
    default boolean readSharded(PacketHandler[] handlers, SegmentedPcapReader.Sharder sharder)
            throws IOException, CaptureFormatException {
        return false;
    }
}
