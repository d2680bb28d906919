package io.tlscensus.output.parquet;

import io.tlscensus.testing.TestInputs;

import java.nio.file.Path;

/** Parquet against jsonl on the Zeek corpus (../shared/corpus/zeek). */
class ParquetZeekCorpusTest extends ParquetCliChecks {
    @Override
    Path input() {
        return TestInputs.zeekCorpus();
    }

    @Override
    int minimumConnections() {
        return 80;
    }
}
