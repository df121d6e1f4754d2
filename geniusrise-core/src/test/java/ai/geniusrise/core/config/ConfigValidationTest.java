package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigValidationTest {

    @Test
    void batchConfigsHaveSensibleDefaults() {
        BatchInputConfig in = BatchInputConfig.builder("s3://bucket/data").build();
        BatchOutputConfig out = BatchOutputConfig.builder("/tmp/out").build();

        assertThat(in.scheme()).isEqualTo("s3");
        assertThat(in.format()).isEqualTo(Format.JSONL);
        assertThat(in.compression()).isEqualTo(Compression.AUTO);
        assertThat(in.parallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(out.scheme()).isEqualTo("file");
        assertThat(out.compression()).isEqualTo(Compression.NONE);
        assertThat(out.maxBytesPerPart()).isEqualTo(128L << 20);
        assertThat(in.type()).isEqualTo("batch");
    }

    @Test
    void mistakesNameTheFieldAndWhatWasExpected() {
        assertThatThrownBy(() -> BatchInputConfig.builder(" ").build()).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("source: is required");
        assertThatThrownBy(() -> BatchInputConfig.builder("/data").parallelism(0).build())
                .hasMessage("parallelism: must be at least 1, got 0");
        assertThatThrownBy(() -> BatchOutputConfig.builder("/out").compression(Compression.AUTO).build())
                .hasMessage("compression: auto is for inputs only; an output takes none or gzip");
        assertThatThrownBy(() -> BatchOutputConfig.builder("/out").flushInterval(Duration.ZERO).build())
                .hasMessageStartingWith("flushInterval: must be a positive duration");
        assertThatThrownBy(() -> BatchOutputConfig.builder("/out").maxRecordsPerPart(-1).build())
                .hasMessage("maxRecordsPerPart: must not be negative, got -1");
        assertThatThrownBy(() -> StreamingOutputConfig.builder("").build()).hasMessageStartingWith("destination: is required");
        assertThatThrownBy(() -> StreamingInputConfig.builder("clicks").concurrency(0).build())
                .hasMessage("concurrency: must be at least 1 (consumer-group members in one process), got 0");
    }

    @Test
    void configsAreValuesThatRoundTripThroughTheirBuilders() {
        BatchOutputConfig out = BatchOutputConfig.builder("s3://b/r").format(Format.CSV).compression(Compression.GZIP)
                .partitionBy("country").maxRecordsPerPart(10).flushInterval(Duration.ofMinutes(5)).build();
        StreamingInputConfig in = StreamingInputConfig.builder("clicks").bootstrapServers("k:9092").groupId("g")
                .concurrency(3).build();

        assertThat(out.toBuilder().build()).isEqualTo(out).hasSameHashCodeAs(out);
        assertThat(in.toBuilder().build()).isEqualTo(in);
        assertThat(in.topic()).isEqualTo("clicks");
        assertThat(in.concurrency()).isEqualTo(3);
        assertThat(in.toBuilder().concurrency(null).build().concurrency()).as("default").isEqualTo(1);
        assertThat(in.toBuilder().concurrency(1).build()).isNotEqualTo(in);
        assertThat(out.toBuilder().partitionBy(null).build()).isNotEqualTo(out);
    }

    @Test
    void stateConfigRequiresAType() {
        assertThatThrownBy(() -> new StateConfig("", java.util.Map.of())).hasMessageStartingWith("type: is required");
        assertThat(StateConfig.of("redis").properties()).isEmpty();
    }
}
