package ai.geniusrise.io;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.spi.BuiltInTasks;
import ai.geniusrise.core.spi.PassThroughBolt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which built-in spout of geniusrise-io a source names, as the runtime finds it through ServiceLoader. */
@Timeout(10)
class BuiltInSpoutsTest {

    private static String spoutFor(InputConfig input) {
        return BuiltInTasks.resolve(TaskSpec.Kind.SPOUT, input);
    }

    @Test
    void eachSourceFormNamesItsSpout() {
        Map<InputConfig, String> expected = new LinkedHashMap<>();
        expected.put(StreamingInputConfig.builder("http://0.0.0.0:8080/events").build(),
                "ai.geniusrise.io.http.HttpListenerSpout");
        expected.put(StreamingInputConfig.builder("tcp://0.0.0.0:9000").build(), "ai.geniusrise.io.tcp.TcpListenerSpout");
        expected.put(StreamingInputConfig.builder("clicks.raw-v2").build(), "ai.geniusrise.io.kafka.KafkaBridgeSpout");
        expected.put(BatchInputConfig.builder("https://example.com/items.json").build(),
                "ai.geniusrise.io.http.HttpFetchSpout");
        expected.put(BatchInputConfig.builder("http://example.com/items.jsonl").build(),
                "ai.geniusrise.io.http.HttpFetchSpout");
        expected.put(BatchInputConfig.builder("file:///data/in").build(), "ai.geniusrise.io.file.FileSourceSpout");
        expected.put(BatchInputConfig.builder("data/in").build(), "ai.geniusrise.io.file.FileSourceSpout");

        expected.forEach((input, spout) -> assertThat(spoutFor(input)).as(input.source()).isEqualTo(spout));
    }

    @Test
    void aSourceNoSpoutServesListsTheBuiltIns() {
        assertThatThrownBy(() -> spoutFor(BatchInputConfig.builder("s3://bucket/in").build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.source")
                .hasMessageContaining("no built-in spout serves a batch input from 's3://bucket/in'")
                .hasMessageContaining("tcp://host:port").hasMessageContaining("a Kafka topic name");
        assertThatThrownBy(() -> spoutFor(StreamingInputConfig.builder("udp://0.0.0.0:1").build()))
                .hasMessageContaining("streaming input from 'udp://0.0.0.0:1'");
    }

    @Test
    void aBoltWithoutClassIsThePassThroughBolt() {
        assertThat(BuiltInTasks.resolve(TaskSpec.Kind.BOLT, StreamingInputConfig.builder("clicks").build()))
                .isEqualTo(PassThroughBolt.class.getName());
    }
}
