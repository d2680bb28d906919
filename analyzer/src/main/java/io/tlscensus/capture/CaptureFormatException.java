package io.tlscensus.capture;

/** The input is not a capture or is damaged; the message is one line for the user (without the file name). */
public final class CaptureFormatException extends Exception {
    private final long offset;

    public CaptureFormatException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    /** Byte offset in the (decompressed) input where the problem was found, or -1. */
    public long offset() {
        return offset;
    }
}
