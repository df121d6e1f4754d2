package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.PartWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory budget across the open parquet parts of one output. */
@Timeout(120)
class ParquetMemoryBudgetTest {

    private static final int PARTS = 16;
    private static final int RECORDS = 64_000;

    /** Writes {@code RECORDS} incompressible records round-robin into 16 parts; returns the most buffered at once. */
    private static long[] writeRoundRobin(Map<String, String> options) throws IOException {
        RecordCodec codec = RecordCodec.forOutput(BatchOutputConfig.builder("/tmp/unused").format(Format.PARQUET)
                .options(options).build());
        List<PartWriter> parts = new ArrayList<>();
        for (int i = 0; i < PARTS; i++) {
            parts.add(codec.writer(OutputStream.nullOutputStream(), Compression.SNAPPY));
        }
        SplittableRandom random = new SplittableRandom(7);
        long most = 0;
        for (int i = 0; i < RECORDS; i++) {
            StringBuilder note = new StringBuilder();
            for (int k = 0; k < 8; k++) {
                note.append(Long.toHexString(random.nextLong()));
            }
            parts.get(i % PARTS).write(Record.of("{\"id\":" + i + ",\"note\":\"" + note + "\"}"));
            most = Math.max(most, codec.parquetMemory().buffered());
        }
        long rowGroups = 0;
        for (PartWriter p : parts) {
            rowGroups += ((ParquetEncoder) p).rowGroups();
            p.close();
        }
        return new long[] {most, rowGroups};
    }

    @Test
    void theOpenPartsTogetherStayWithinTheBudgetByWritingTheLargestRowGroupEarly() throws IOException {
        // 64 000 records of ~150 bytes: ~9 MiB buffered in all if nothing is written early
        long[] unbounded = writeRoundRobin(Map.of("rowGroupSize", "64MiB", "memoryBudget", "1GiB"));
        long[] bounded = writeRoundRobin(Map.of("rowGroupSize", "2MiB", "memoryBudget", "2MiB"));

        assertThat(unbounded[0]).as("without a budget that binds, parts buffer everything").isGreaterThan(6L << 20);
        assertThat(unbounded[1]).isZero();
        // a part measures itself every 100 records: allow that much beyond the budget per part
        long slack = (long) PARTS * ParquetEncoder.CHECK_EVERY * 200;
        assertThat(bounded[0]).as("most buffered at once under a 2 MiB budget").isLessThanOrEqualTo((2L << 20) + slack);
        assertThat(bounded[1]).as("row groups written early").isGreaterThan(PARTS);
    }
}
