package io.tlscensus.output.parquet;

import io.tlscensus.testing.TestInputs;

import java.nio.file.Path;

/** Parquet against jsonl on the project's capture-samples/. */
class ParquetCaptureSamplesTest extends ParquetCliChecks {
    @Override
    Path input() {
        return TestInputs.samples();
    }

    @Override
    int minimumConnections() {
        return 40;
    }
}
