package io.tlscensus.cli;

/** A mistake on the command line: one line for the user, exit status 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
