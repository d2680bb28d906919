package io.tlscensus.output.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * ZSTD for parquet-java straight over zstd-jni. parquet-hadoop's own {@code CodecFactory} builds a
 * Hadoop {@code Configuration} for every compressed codec, which would mean shipping Hadoop's
 * runtime jars (about 50 MB); this factory is all the writer needs instead.
 */
final class ZstdCodecFactory implements CompressionCodecFactory {
    static final int DEFAULT_LEVEL = 3;
    private final int level;
    private final List<Compressor> compressors = new ArrayList<>(1);

    ZstdCodecFactory(int level) {
        this.level = level;
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        switch (codec) {
            case ZSTD:
                Compressor c = new Compressor(level);
                compressors.add(c);
                return c;
            case UNCOMPRESSED: return new Passthrough();
            default: throw new IllegalArgumentException("only ZSTD and UNCOMPRESSED are built in, not " + codec);
        }
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        switch (codec) {
            case ZSTD: return new Decompressor();
            case UNCOMPRESSED: return new Passthrough();
            default: throw new IllegalArgumentException("only ZSTD and UNCOMPRESSED are built in, not " + codec);
        }
    }

    @Override
    public void release() {
        // ParquetWriter.close() releases the factory, not each compressor: free their native contexts here.
        for (Compressor c : compressors) c.release();
        compressors.clear();
    }

    /** One native context per column chunk writer, reused for every page. */
    private static final class Compressor implements BytesInputCompressor {
        private final ZstdCompressCtx ctx = new ZstdCompressCtx();
        private boolean released;

        Compressor(int level) {
            ctx.setLevel(level);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return BytesInput.from(ctx.compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {
            if (!released) ctx.close();
            released = true;
        }
    }

    private static final class Decompressor implements BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            byte[] out = new byte[uncompressedSize];
            long n = Zstd.decompress(out, bytes.toByteArray());
            if (Zstd.isError(n) || n != uncompressedSize) throw new IOException("corrupt ZSTD page");
            return BytesInput.from(out);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.get(in);
            output.put(decompress(BytesInput.from(in), uncompressedSize).toByteArray());
        }

        @Override
        public void release() {
        }
    }

    private static final class Passthrough implements BytesInputCompressor, BytesInputDecompressor {
        @Override
        public BytesInput compress(BytesInput bytes) {
            return bytes;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) {
            return bytes;
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
            ByteBuffer slice = input.duplicate();
            slice.limit(slice.position() + compressedSize);
            output.put(slice);
            input.position(input.position() + compressedSize);
        }

        @Override
        public void release() {
        }
    }
}
