package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedMemoryTest {

    private static final int LIMIT = 256 << 10;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readingA200MegabyteObjectKeepsTheBufferWithinTheLineLimit() throws IOException {
        Path file = dir.resolve("big.jsonl");
        long[] expected = write200Megabytes(file);
        RecordCodec codec = RecordCodec.of(Format.JSONL, LIMIT, LIMIT);

        long records = 0;
        long errors = 0;
        long lastLine = 0;
        int largestBuffer = 0;
        long started = System.nanoTime();
        try (LineDecoder reader = (LineDecoder) codec.reader(Files.newInputStream(file), "file://" + dir, "big.jsonl",
                Compression.AUTO)) {
            while (true) {
                try {
                    Record r = reader.next();
                    if (r == null) {
                        break;
                    }
                    records++;
                    lastLine = ((ai.geniusrise.core.Position.InObject) r.position()).index();
                } catch (RecordFormatException e) {
                    errors++;
                    assertThat(e.rawBytes()).hasSize(LineSplitter.TOO_LONG_SAMPLE_BYTES);
                }
                largestBuffer = Math.max(largestBuffer, reader.splitter().bufferCapacity());
            }
            assertThat(reader.splitter().maxBufferCapacity()).isEqualTo(LIMIT + 2);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long size = Files.size(file);
        System.out.printf("decoded %,d bytes, %,d records in %.2f s: %.0f MB/s%n", size, records, seconds,
                size / seconds / 1e6);

        assertThat(records).isEqualTo(expected[0]);
        assertThat(errors).isEqualTo(expected[1]);
        assertThat(lastLine).isEqualTo(expected[2]);
        assertThat(largestBuffer).isLessThanOrEqualTo(LIMIT + 2).isGreaterThan(RecordCodec.READ_BUFFER_BYTES);
    }

    /** Writes ~200 MB of short lines, with some lines near the limit and some far over it. Returns records, errors, lines. */
    private static long[] write200Megabytes(Path file) throws IOException {
        StringBuilder block = new StringBuilder(1 << 20);
        int linesPerBlock = 0;
        while (block.length() < (1 << 20) - 200) {
            block.append("{\"id\":").append(linesPerBlock).append(",\"payload\":\"")
                    .append("abcdefghij", 0, 1 + linesPerBlock % 10).append("x".repeat(80 + linesPerBlock % 90))
                    .append("\"}\n");
            linesPerBlock++;
        }
        byte[] blockBytes = block.toString().getBytes(StandardCharsets.UTF_8);
        byte[] nearLimit = line(LIMIT - 10);
        byte[] overLimit = line(4 * LIMIT);
        long records = 0;
        long errors = 0;
        long lines = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int i = 0; i < 200; i++) {
                out.write(blockBytes);
                records += linesPerBlock;
                lines += linesPerBlock;
                if (i % 20 == 0) {
                    out.write(nearLimit);
                    out.write(overLimit);
                    records++;
                    errors++;
                    lines += 2;
                }
            }
        }
        return new long[] {records, errors, lines};
    }

    private static byte[] line(int length) {
        byte[] b = new byte[length + 1];
        Arrays.fill(b, (byte) 'z');
        b[length] = '\n';
        return b;
    }
}
