package io.tlscensus.cli;

/** Exit statuses, as documented in --help and the README. */
final class ExitStatus {
    static final int OK = 0;
    /** Some input was damaged or unreadable; the results of everything else were written. */
    static final int DAMAGED = 1;
    /** Usage error, or nothing could be read at all. */
    static final int USAGE = 2;

    private ExitStatus() {
    }
}
