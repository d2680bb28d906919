package io.tlscensus.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A forward-only view of an input through one big-endian buffer, so the format readers are written
 * once for memory-mapped files and for streams. A reader asks for a byte range with
 * {@link #request}, then reads it with absolute gets at {@link #index}. Requests never go back
 * before the start of the previous request: that is what lets a stream compact its buffer and a
 * mapping move its window.
 */
abstract class ByteWindow implements Closeable {

    /**
     * Makes the input bytes {@code [offset, offset + length)} addressable in {@link #buffer()}.
     * Returns {@code length}, or fewer when the input ends early (0 when {@code offset} is at or
     * past the end). {@link #buffer()} and {@link #index} may change with every call.
     */
    abstract int request(long offset, int length) throws IOException, CaptureFormatException;

    /** The buffer holding the bytes of the last request; big-endian, read with absolute gets only. */
    abstract ByteBuffer buffer();

    /**
     * The heap array behind {@link #buffer()} (which starts at its index 0): the readers read
     * record and block headers from it as plain loads, which C1 compiles inline (see PacketDecoder).
     */
    abstract byte[] array();

    /** Position in {@link #buffer()} of input offset {@code offset} from within the last request. */
    abstract int index(long offset);

    /** Bytes left from {@code offset} to the end of the input; only known once a request came up short. */
    abstract long remainingAfterShortRequest(long offset);

    /** Bytes of the stored input (compressed for gzip) consumed so far; for progress only. */
    abstract long storedBytesRead();
}
