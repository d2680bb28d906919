package io.tlscensus.capture;

import java.io.FilterInputStream;
import java.io.InputStream;

/**
 * Beneath a GZIPInputStream: Java 17 decides whether another gzip member follows by asking
 * {@code available()}, and a pipe whose next member has not arrived yet answers 0, which ends the
 * stream silently with packets missing (JDK-7036144). Answering "at least one byte" makes it try to
 * read the next member header, which blocks for data and ends cleanly at a real end of input.
 */
final class MoreMembersInputStream extends FilterInputStream {
    MoreMembersInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int available() {
        return 1;
    }
}
