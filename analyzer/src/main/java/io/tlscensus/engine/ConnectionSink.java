package io.tlscensus.engine;

import io.tlscensus.tls.ConnectionRecord;

/** Where finished TLS connections go: aggregates, writers. */
@FunctionalInterface
public interface ConnectionSink {
    void accept(ConnectionRecord connection);
}
