package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardTest {

    @Test
    void everyObjectBelongsToExactlyOneShard() {
        List<String> objects = IntStream.range(0, 500).mapToObj(i -> "dt=2024-01-0" + (i % 9) + "/part-" + i + ".jsonl")
                .toList();
        for (String object : objects) {
            long owners = IntStream.range(0, 4).filter(i -> new Shard(i, 4).owns(object)).count();
            assertThat(owners).as(object).isEqualTo(1);
        }
        assertThat(objects.stream().filter(new Shard(2, 4)::owns).count()).isBetween(80L, 170L);
    }

    @Test
    void theEnvironmentOfAnIndexedJobNamesTheShard() {
        assertThat(Shard.fromEnvironment(Map.of())).isEqualTo(Shard.ALL);
        assertThat(Shard.fromEnvironment(Map.of("GENIUSRISE_SHARD_COUNT", "3", "JOB_COMPLETION_INDEX", "2")))
                .isEqualTo(new Shard(2, 3));
        assertThat(Shard.fromEnvironment(Map.of("GENIUSRISE_SHARD_COUNT", "3", "GENIUSRISE_SHARD_INDEX", "1",
                "JOB_COMPLETION_INDEX", "2"))).isEqualTo(new Shard(1, 3));
        assertThat(Shard.ALL.owns("anything")).isTrue();
    }

    @Test
    void aBadShardSettingIsAConfigErrorNamingTheVariable() {
        assertThatThrownBy(() -> Shard.fromEnvironment(Map.of("GENIUSRISE_SHARD_COUNT", "3")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("JOB_COMPLETION_INDEX: is not set");
        assertThatThrownBy(() -> Shard.fromEnvironment(Map.of("GENIUSRISE_SHARD_COUNT", "three",
                "JOB_COMPLETION_INDEX", "0"))).hasMessage("GENIUSRISE_SHARD_COUNT: expected a whole number, got 'three'");
        assertThatThrownBy(() -> new Shard(3, 3)).hasMessageContaining("must be from 0 to 2");
    }
}
