package ai.geniusrise.io.format;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet page compression without Hadoop: parquet-hadoop's own {@code CodecFactory} cannot even be
 * loaded without Hadoop's zlib classes, so pages are compressed here with snappy-java, zstd-jni
 * (both already brought by kafka-clients) and the JDK's gzip. The factory is thread-safe; each
 * compressor it makes is for one writer.
 */
final class PlainCodecFactory implements CompressionCodecFactory {

    static final PlainCodecFactory INSTANCE = new PlainCodecFactory();

    private static final int ZSTD_LEVEL = 3;

    private PlainCodecFactory() {
    }

    /**
     * A compressor for one writer: snappy and zstd pages are compressed from and into buffers it
     * keeps and reuses (page by page, as parquet's own heap compressor does: the page writer copies
     * the result before it compresses the next page). Not thread-safe.
     */
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        check(codec);
        return new BytesInputCompressor() {
            private final Buffer input = new Buffer();
            private byte[] output = new byte[0];

            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                if (codec == CompressionCodecName.UNCOMPRESSED) {
                    return bytes;
                }
                if (codec == CompressionCodecName.GZIP) {
                    return BytesInput.from(PlainCodecFactory.compress(codec, bytes.toByteArray()));
                }
                input.reset();
                bytes.writeAllTo(input);
                int n = input.size();
                int max = codec == CompressionCodecName.SNAPPY ? Snappy.maxCompressedLength(n)
                        : Math.toIntExact(Zstd.compressBound(n));
                if (output.length < max) {
                    output = new byte[max];
                }
                int length = codec == CompressionCodecName.SNAPPY ? Snappy.compress(input.bytes(), 0, n, output, 0)
                        : zstd(output, input.bytes(), n);
                return BytesInput.from(output, 0, length);
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
                // nothing held outside the heap
            }
        };
    }

    private static int zstd(byte[] out, byte[] in, int length) throws IOException {
        long n = Zstd.compressByteArray(out, 0, out.length, in, 0, length, ZSTD_LEVEL);
        if (Zstd.isError(n)) {
            throw new IOException("zstd compression failed: " + Zstd.getErrorName(n));
        }
        return Math.toIntExact(n);
    }

    /** A growable byte buffer whose array is read in place. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 << 10);
        }

        byte[] bytes() {
            return buf;
        }
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        check(codec);
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                return codec == CompressionCodecName.UNCOMPRESSED ? bytes
                        : BytesInput.from(PlainCodecFactory.decompress(codec, bytes.toByteArray(), uncompressedSize));
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                    throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(codec == CompressionCodecName.UNCOMPRESSED ? in
                        : PlainCodecFactory.decompress(codec, in, uncompressedSize));
            }

            @Override
            public void release() {
                // nothing held
            }
        };
    }

    @Override
    public void release() {
        // nothing held
    }

    private static void check(CompressionCodecName codec) {
        switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD -> { }
            default -> throw new UnsupportedOperationException("parquet compression " + codec + " is not supported "
                    + "here; use snappy, zstd, gzip or none");
        }
    }

    private static byte[] compress(CompressionCodecName codec, byte[] in) throws IOException {
        return switch (codec) {
            case SNAPPY -> Snappy.compress(in);
            case ZSTD -> Zstd.compress(in, ZSTD_LEVEL);
            case GZIP -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length / 2));
                try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                    gz.write(in);
                }
                yield out.toByteArray();
            }
            default -> in;
        };
    }

    private static byte[] decompress(CompressionCodecName codec, byte[] in, int size) throws IOException {
        return switch (codec) {
            case SNAPPY -> Snappy.uncompress(in);
            case ZSTD -> Zstd.decompress(in, size);
            case GZIP -> {
                try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in))) {
                    yield gz.readNBytes(size);
                }
            }
            default -> in;
        };
    }
}
