package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class TimeTemplateTest {

    private static final Instant AT = Instant.parse("2024-05-01T10:17:00Z");

    @Test
    void sourceFieldsAreFormattedForTheLogicalTimeInUtc() {
        BatchInputConfig in = BatchInputConfig.builder("s3://lake/raw/dt={yyyy-MM-dd}/hour={HH}").build();

        assertThat(in.scheme()).isEqualTo("s3");
        assertThat(in.source()).isEqualTo("s3://lake/raw/dt={yyyy-MM-dd}/hour={HH}");
        assertThat(in.at(AT).source()).isEqualTo("s3://lake/raw/dt=2024-05-01/hour=10");
        assertThat(in.at(Instant.parse("2024-04-30T23:59:59-02:00")).source())
                .isEqualTo("s3://lake/raw/dt=2024-05-01/hour=01");
    }

    @Test
    void aResolvedConfigKeepsItsOtherSettingsAndIsNotResolvedAgain() {
        BatchInputConfig in = BatchInputConfig.builder("/data/{{raw}/{yyyy}").glob("*.csv").parallelism(3)
                .select(BatchInputConfig.Selection.NEW).build();

        BatchInputConfig resolved = in.at(AT);

        assertThat(resolved.source()).isEqualTo("/data/{raw}/2024");
        assertThat(resolved.glob()).isEqualTo("*.csv");
        assertThat(resolved.parallelism()).isEqualTo(3);
        assertThat(resolved.select()).isEqualTo(BatchInputConfig.Selection.NEW);
        assertThat(resolved.at(Instant.EPOCH).source()).isEqualTo("/data/{raw}/2024");
        assertThat(resolved.toBuilder().build().source()).isEqualTo("/data/{raw}/2024");
    }

    @Test
    void aLocationWithoutFieldsIsItself() {
        BatchInputConfig in = BatchInputConfig.builder("s3://lake/raw").build();
        BatchOutputConfig out = BatchOutputConfig.builder("/out").build();

        assertThat(in.at(AT)).isSameAs(in);
        assertThat(out.at(AT)).isSameAs(out);
    }

    @Test
    void aBraceAfterADollarIsLiteralSoPlaceholdersNeverCollide() {
        BatchOutputConfig out = BatchOutputConfig.builder("/out/${HOME}/{yyyy}").build();

        assertThat(out.at(AT).destination()).isEqualTo("/out/${HOME}/2024");
    }

    @Test
    void placeholdersAreExpandedWhenTheFileIsReadAndFieldsWhenTheTaskRuns() {
        Pipeline p = Pipeline.parse("""
                tasks:
                  - name: hourly
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: "s3://${LAKE}/raw/dt={yyyy-MM-dd}", select: new}
                      outputConfig: {type: batch, destination: "s3://${LAKE}/out", partitionBy: "hour={HH}"}
                """, Path.of("p.yaml"), Map.of("LAKE", "lake"));

        BatchInputConfig in = (BatchInputConfig) p.tasks().get(0).input();
        BatchOutputConfig out = (BatchOutputConfig) p.tasks().get(0).output();
        assertThat(in.source()).isEqualTo("s3://lake/raw/dt={yyyy-MM-dd}");
        assertThat(in.at(AT).source()).isEqualTo("s3://lake/raw/dt=2024-05-01");
        assertThat(in.select()).isEqualTo(BatchInputConfig.Selection.NEW);
        assertThat(out.partitionsByTime()).isTrue();
        assertThat(out.timePartition(AT)).isEqualTo("hour=10/");
    }

    @Test
    void partitionByIsAFieldUnlessItHoldsDateTimeFields() {
        BatchOutputConfig byField = BatchOutputConfig.builder("/out").partitionBy("country").build();
        BatchOutputConfig byTime = BatchOutputConfig.builder("/out").partitionBy("dt={yyyy-MM-dd}/hour={HH}/").build();

        assertThat(byField.partitionsByTime()).isFalse();
        assertThatThrownBy(() -> byField.timePartition(AT)).isInstanceOf(IllegalStateException.class);
        assertThat(byTime.timePartition(AT)).isEqualTo("dt=2024-05-01/hour=10/");
    }

    @Test
    void mistakesNameTheKeyAndQuoteTheText() {
        assertThatThrownBy(() -> BatchInputConfig.builder("s3://lake/{yyyy-MM-dd").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("source: 's3://lake/{yyyy-MM-dd' opens a date-time field with '{' at "
                        + "character 11 but never closes it");
        assertThatThrownBy(() -> BatchOutputConfig.builder("/out/{}").build())
                .hasMessageStartingWith("destination: '/out/{}' has an empty date-time field {}");
        assertThatThrownBy(() -> BatchOutputConfig.builder("/out").partitionBy("day={yyyy-MM-dl}").build())
                .hasMessageStartingWith("partitionBy: 'day={yyyy-MM-dl}' holds {yyyy-MM-dl}, which is not a "
                        + "date-time pattern: Unknown pattern letter: l");
        assertThatThrownBy(() -> BatchOutputConfig.builder("/out").partitionBy("a{{b").build())
                .hasMessageStartingWith("partitionBy: 'a{{b' is neither a JSON field name nor a date-time template");
        assertThatThrownBy(() -> BatchOutputConfig.builder("/out").partitionBy("/dt={yyyy}").build())
                .hasMessageStartingWith("partitionBy: '/dt={yyyy}' must name folders under the destination");
        assertThatThrownBy(() -> BatchInputConfig.builder("/in").checkpointRecords(-1).build())
                .hasMessage("checkpointRecords: must not be negative, got -1");
    }
}
