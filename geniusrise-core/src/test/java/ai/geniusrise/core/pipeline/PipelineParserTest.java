package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.settings.Quantities;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class PipelineParserTest {

    private static final Path ORIGIN = Path.of("/pipelines/test/pipeline.yaml");

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(PipelineParserTest.class.getResource("/pipelines/" + name)).toURI());
    }

    private static Pipeline parse(String yaml) {
        return PipelineParser.parse(yaml, ORIGIN, Map.of());
    }

    private static ConfigException rejection(String yaml, Map<String, String> env) {
        try {
            PipelineParser.parse(yaml, ORIGIN, env);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected the pipeline to be rejected:\n" + yaml);
    }

    // ---------------------------------------------------------------- the seed's examples

    @Test
    void seedBatchExampleParsesAsWritten() throws Exception {
        Path file = resource("seed-batch.yaml");
        Pipeline p = Pipeline.load(file, Map.of());

        assertThat(p.name()).isEqualTo("seed-batch");
        assertThat(p.file()).isEqualTo(file);
        assertThat(p.warnings()).isEmpty();
        assertThat(p.tasks()).extracting(TaskSpec::name).containsExactly("batch-spout", "bolt");

        TaskSpec spout = p.requireTask("batch-spout");
        assertThat(spout.kind()).isEqualTo(TaskSpec.Kind.SPOUT);
        assertThat(spout.input()).isInstanceOf(BatchInputConfig.class);
        assertThat(spout.input().source()).as("a spout's source is passed through as written")
                .isEqualTo("external-source-url");
        assertThat(spout.output()).isEqualTo(BatchOutputConfig.builder("s3://my-bucket/data").build());

        TaskSpec bolt = p.requireTask("bolt");
        assertThat(bolt.kind()).isEqualTo(TaskSpec.Kind.BOLT);
        assertThat(bolt.input()).isEqualTo(BatchInputConfig.builder("s3://my-bucket/data").build());
        assertThat(bolt.output()).isEqualTo(BatchOutputConfig.builder("s3://my-bucket/results").build());
        assertThat(bolt.state()).isEqualTo(StateConfig.IN_MEMORY);
        assertThat(bolt.errors()).isEqualTo(ErrorPolicy.FAIL);
        assertThat(bolt.deployment()).isEqualTo(TaskSpec.Deployment.NONE);
    }

    @Test
    void seedStreamingExampleParsesAsWritten() throws Exception {
        Path file = resource("seed-streaming.yaml");
        Pipeline p = Pipeline.load(file, Map.of());

        assertThat(p.name()).isEqualTo("seed-streaming");
        assertThat(p.warnings()).isEmpty();
        assertThat(p.tasks()).extracting(TaskSpec::name).containsExactly("streaming-spout", "bolt");
        TaskSpec spout = p.requireTask("streaming-spout");
        assertThat(spout.input()).isEqualTo(StreamingInputConfig.builder("external-source-url").build());
        assertThat(spout.output()).isEqualTo(StreamingOutputConfig.builder("kafka-topic-1").build());
        TaskSpec bolt = p.requireTask("bolt");
        assertThat(bolt.input()).isEqualTo(StreamingInputConfig.builder("kafka-topic-1").build());
        assertThat(bolt.output()).isEqualTo(StreamingOutputConfig.builder("kafka-topic-2").build());
    }

    // ---------------------------------------------------------------- a file using every key

    private static Pipeline full() throws Exception {
        return Pipeline.load(resource("full.yaml"), Map.of("OWNER", "data-team", "DAY", "2026-11-24", "TAG", ""));
    }

    @Test
    void fullFileMergesDefaultsIntoEveryTask() throws Exception {
        Pipeline p = full();
        assertThat(p.name()).isEqualTo("clicks");
        assertThat(p.warnings()).isEmpty();

        TaskSpec listener = p.requireTask("listener");
        assertThat(listener.className()).isEqualTo("ai.geniusrise.io.http.HttpListenerSpout");
        assertThat(listener.deployment().image()).as("an empty variable takes its default")
                .isEqualTo("ghcr.io/acme/clicks:1.4");
        assertThat(listener.deployment().replicas()).isEqualTo(2);
        assertThat(listener.errors()).isEqualTo(ErrorPolicy.SKIP);
        assertThat(listener.state()).isEqualTo(new StateConfig("redis", Map.of("url", "redis://redis:6379/0")));
        assertThat(listener.input()).as("a spout's input gets no Kafka defaults")
                .isEqualTo(StreamingInputConfig.builder("http://0.0.0.0:8080/events").build());
        assertThat(listener.output()).isEqualTo(StreamingOutputConfig.builder("clicks-raw")
                .bootstrapServers("kafka:9092").keyField("userId")
                .properties(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN")).build());
        assertThat(listener.deployment().resources()).containsOnly(entry("cpu", "250m"), entry("memory", "256Mi"));
        assertThat(listener.deployment().target()).containsOnly(entry("target", "k8s"), entry("namespace", "pipelines"));

        TaskSpec cleaner = p.requireTask("cleaner");
        assertThat(cleaner.deployment().image()).isEqualTo("ghcr.io/acme/cleaner:2.0");
        assertThat(cleaner.deployment().replicas()).isEqualTo(3);
        assertThat(cleaner.deployment().resources()).as("maps merge key by key, the task winning")
                .containsOnly(entry("cpu", "500m"), entry("memory", "256Mi"));
        assertThat(cleaner.deployment().env()).as("a null value removes an inherited key")
                .containsOnly(entry("LOG_LEVEL", "debug"));
        assertThat(cleaner.deployment().secrets()).containsOnly(entry("AWS_SECRET_ACCESS_KEY", "aws-creds/secret"));
        assertThat(cleaner.deployment().target()).containsOnly(entry("target", "k8s"), entry("namespace", "clicks"),
                entry("nodeSelector", Map.of("pool", "spot")));
        assertThat(cleaner.errors()).isEqualTo(ErrorPolicy.DEAD_LETTER);
        assertThat(cleaner.input()).isEqualTo(StreamingInputConfig.builder("clicks-raw")
                .bootstrapServers("kafka:9092").groupId("cleaners").concurrency(4)
                .properties(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512")).build());
    }

    @Test
    void fullFileReadsDurationsSizesAndResolvesRelativeLocations() throws Exception {
        Pipeline p = full();
        Path folder = resource("full.yaml").getParent();

        TaskSpec cleaner = p.requireTask("cleaner");
        assertThat(cleaner.deadLetter()).isEqualTo(folder.resolve("dlq/cleaner").toString());
        BatchOutputConfig out = (BatchOutputConfig) cleaner.output();
        assertThat(out).isEqualTo(BatchOutputConfig.builder(folder.resolve("out/clean").toString())
                .format(Format.JSONL).compression(Compression.GZIP).partitionBy("country")
                .maxRecordsPerPart(100_000).maxBytesPerPart(64L << 20).flushInterval(Duration.ofMinutes(5))
                .options(Map.of("storageClass", "STANDARD_IA")).build());

        TaskSpec loader = p.requireTask("loader");
        assertThat(loader.errors()).isEqualTo(ErrorPolicy.FAIL);
        assertThat(loader.deployment().schedule()).isEqualTo(CronSchedule.parse("*/15 * * * *"));
        assertThat(loader.deployment().parallelism()).isEqualTo(4);
        assertThat(loader.input()).isEqualTo(BatchInputConfig.builder(folder.resolve("out").toString())
                .format(Format.JSONL).compression(Compression.AUTO).glob("*.gz").parallelism(8).build());
        assertThat(loader.output()).as("s3 defaults go into the options of s3:// locations")
                .isEqualTo(BatchOutputConfig.builder("s3://warehouse/clicks/2026-11-24")
                        .format(Format.CSV).maxBytesPerPart(1_000_000_000L).flushInterval(Duration.ofSeconds(90))
                        .options(Map.of("region", "eu-west-1", "endpoint", "http://localhost:9000")).build());
        assertThat(loader.state()).isEqualTo(new StateConfig("postgres", Map.of(
                "url", "jdbc:postgresql://db:5432/state", "table", "checkpoints", "poolSize", "4")));
    }

    @Test
    void argsKeepYamlTypesAfterExpandingVariables() throws Exception {
        Map<String, Object> args = full().requireTask("cleaner").args().asMap();
        assertThat(args).containsEntry("threshold", 0.8)
                .containsEntry("retries", 3)
                .containsEntry("big", 10_000_000_000L)
                .containsEntry("enabled", true)
                .containsEntry("label", "007")
                .containsEntry("template", "Hello ${user}")
                .containsEntry("owner", "data-team")
                .containsEntry("limit", 12)
                .containsEntry("empty", null)
                .containsEntry("nested", Map.of("countries", List.of("de", "fr"), "weights", Map.of("a", 1.5)));
        assertThat(full().requireTask("cleaner").args().decimal("threshold", 0)).isEqualTo(0.8);
    }

    @Test
    void hugeWholeNumbersInArgsStayExact() {
        Pipeline p = parse("""
                tasks:
                  - name: a
                    type: bolt
                    args: {n: 123456789012345678901234567890}
                    config:
                      inputConfig: {type: streaming, source: x}
                      outputConfig: {type: streaming, destination: y}
                """);
        assertThat(p.tasks().get(0).args().asMap()).containsEntry("n", new BigInteger("123456789012345678901234567890"));
    }

    // ---------------------------------------------------------------- errors located in the file

    @Test
    void unknownKeyIsRejectedWithSuggestion() {
        ConfigException e = rejection("""
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfg: {type: streaming, destination: b}
                """, Map.of());
        assertThat(e.getMessage()).isEqualTo(ORIGIN + ":6:7: tasks[0].config: unknown key 'outputConfg' in a task's "
                + "config; did you mean 'outputConfig'?");
        assertThat(e.path()).isEqualTo("tasks[0].config");
    }

    @Test
    void unknownKeyFarFromAnyListsTheValidKeys() {
        ConfigException e = rejection("""
                tasks: []
                colour: red
                """, Map.of());
        assertThat(e.getMessage()).isEqualTo(ORIGIN + ":2:1: unknown key 'colour' in the pipeline file; expected one of: "
                + "version, name, defaults, tasks");
    }

    @Test
    void misspelledTransposedKeyIsSuggested() {
        assertThat(PipelineNode.nearest("nmae", FileKeys.TASK.keys())).isEqualTo("name");
        assertThat(PipelineNode.nearest("OutputConfig", FileKeys.CONFIG_KEYS.keys())).isEqualTo("outputConfig");
        assertThat(PipelineNode.nearest("banana", FileKeys.CONFIG_KEYS.keys())).isNull();
    }

    @Test
    void wrongValueTypeSaysWhatWasExpected() {
        ConfigException e = rejection("""
                tasks:
                  - name: bolt
                    type: bolt
                    resources: [cpu, memory]
                """, Map.of());
        assertThat(e.getMessage()).isEqualTo(ORIGIN + ":4:16: tasks[0].resources: expected a mapping (resources), "
                + "got a list");
    }

    @Test
    void configBuilderErrorIsLocatedAtTheEnclosingMappingWhenTheKeyIsAbsent() {
        ConfigException e = rejection("""
                tasks:
                  - name: bolt
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig:
                        type: streaming
                        keyField: id
                """, Map.of());
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.column()).isEqualTo(9);
        assertThat(e.path()).isEqualTo("tasks[0].config.outputConfig.destination");
        assertThat(e.problem()).startsWith("is required: the topic to write");
    }

    @Test
    void unsetVariableWithoutDefaultIsNamed() {
        ConfigException e = rejection("""
                defaults:
                  kafka: {bootstrapServers: "${BROKERS}"}
                tasks: []
                """, Map.of());
        assertThat(e.getMessage()).isEqualTo(ORIGIN + ":2:29: defaults.kafka.bootstrapServers: environment variable "
                + "'BROKERS' is not set; set it, or give a default with ${BROKERS:-default}");
    }

    @Test
    void variablesExpandBeforeTypeConversion() {
        ConfigException e = rejection("""
                tasks:
                  - name: bolt
                    type: bolt
                    replicas: ${REPLICAS}
                """, Map.of("REPLICAS", "many"));
        assertThat(e.getMessage()).endsWith("tasks[0].replicas: expected a whole number, got 'many'");

        Pipeline p = PipelineParser.parse("""
                tasks:
                  - name: bolt
                    type: bolt
                    replicas: ${REPLICAS}
                    config:
                      inputConfig: {type: streaming, source: "${PREFIX}-${TOPIC:-in}"}
                      outputConfig: {type: streaming, destination: "${PREFIX}-out"}
                """, ORIGIN, Map.of("REPLICAS", "5", "PREFIX", "eu"));
        assertThat(p.tasks().get(0).deployment().replicas()).isEqualTo(5);
        assertThat(p.tasks().get(0).input().source()).isEqualTo("eu-in");
        assertThat(p.warnings()).singleElement().asString().contains("topic 'eu-in'");
    }

    @Test
    void placeholderRulesCoverEscapesDefaultsAndSeveralInOneString() {
        Map<String, String> env = Map.of("A", "1", "B", "2", "EMPTY", "");
        assertThat(Placeholders.expand("${A}-${B}-${C:-3}", env)).isEqualTo("1-2-3");
        assertThat(Placeholders.expand("$${A} costs $5", env)).isEqualTo("${A} costs $5");
        assertThat(Placeholders.expand("${EMPTY:-fallback}", env)).isEqualTo("fallback");
        assertThat(Placeholders.expand("[${EMPTY}]", env)).isEqualTo("[]");
        assertThat(Placeholders.expand("${C:-}", env)).isEmpty();
        assertThatThrownBy(() -> Placeholders.expand("${A B}", env)).hasMessageContaining("not a valid placeholder");
        assertThatThrownBy(() -> Placeholders.expand("x ${C}", env)).hasMessageContaining("'C' is not set");
    }

    // ---------------------------------------------------------------- anchors and merge keys

    private static final String SHARED = """
            tasks:
              - name: a
                type: bolt
                config:
                  inputConfig: &in {type: batch, source: s3://b/in, format: csv}
                  outputConfig: &out
                    type: batch
                    destination: s3://b/a
                    format: text
              - name: b
                type: bolt
                config:
                  inputConfig: *in
                  outputConfig:
                    <<: *out
                    destination: s3://b/b
            """;

    @Test
    void anchorsAndMergeKeysShareConfigBetweenTasks() {
        Pipeline p = parse(SHARED);
        TaskSpec a = p.requireTask("a");
        TaskSpec b = p.requireTask("b");
        assertThat(b.input()).isEqualTo(a.input());
        assertThat(b.output()).isEqualTo(BatchOutputConfig.builder("s3://b/b").format(Format.TEXT).build());
        assertThat(b.locate(new ConfigException("config.outputConfig.format", "unsupported here")).getMessage())
                .as("a merged key is located where it is written")
                .isEqualTo(ORIGIN + ":9:17: tasks[1].config.outputConfig.format: unsupported here");
    }

    @Test
    void mergedKeysAreCheckedLikeTheirOwn() {
        ConfigException e = rejection("""
                tasks:
                  - name: a
                    type: bolt
                    args:
                      template: &out {type: batch, destination: s3://b/x, formt: text}
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {type: batch, destination: s3://b/a}
                  - name: b
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: s3://b/in}
                      outputConfig: {<<: *out, destination: s3://b/b}
                """, Map.of());
        assertThat(e.getMessage()).isEqualTo(ORIGIN + ":5:59: tasks[1].config.outputConfig: unknown key 'formt' in a "
                + "batch outputConfig; did you mean 'format'?");
    }

    @Test
    void aliasReferringToItselfIsRejectedInsteadOfLoopingForever() {
        ConfigException e = rejection("""
                tasks:
                  - name: a
                    type: bolt
                    args: &loop {self: *loop}
                """, Map.of());
        assertThat(e.getMessage()).contains("refers to itself through an alias");
        assertThat(e.file()).isEqualTo(ORIGIN.toString());
    }

    // ---------------------------------------------------------------- the graph

    @Test
    void boltReadingWhatNoTaskWritesIsALocatedWarning() {
        Pipeline p = parse("""
                tasks:
                  - name: spout
                    type: spout
                    config:
                      inputConfig: {type: batch, source: "https://example.com/feed.json"}
                      outputConfig: {type: batch, destination: s3://lake/raw}
                  - name: daily
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: s3://lake/raw/2026}
                      outputConfig: {type: streaming, destination: daily}
                  - name: orphan
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: nobody-writes-this}
                      outputConfig: {type: batch, destination: s3://lake/orphans}
                """);
        assertThat(p.warnings()).containsExactly(ORIGIN + ":15:46: tasks[2].config.inputConfig.source: no task of this "
                + "pipeline writes topic 'nobody-writes-this'; it must be filled from outside the pipeline");
    }

    @Test
    void batchLocationsCountAsWrittenThroughParentAndChildPrefixes() {
        Pipeline p = parse("""
                tasks:
                  - name: spout
                    type: spout
                    config:
                      inputConfig: {type: batch, source: "https://example.com/feed"}
                      outputConfig: {type: batch, destination: s3://lake/raw/2026/}
                  - name: all-raw
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: s3://lake/raw}
                      outputConfig: {type: batch, destination: s3://lake/all}
                  - name: sibling
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: s3://lake/raw2}
                      outputConfig: {type: batch, destination: s3://lake/other}
                """);
        assertThat(p.warnings()).singleElement().asString()
                .startsWith(ORIGIN + ":15:42: tasks[2].config.inputConfig.source: no task of this pipeline writes to "
                        + "'s3://lake/raw2'");
    }

    @Test
    void cycleThroughThreeTasksIsRejectedNamingThemInOrder() {
        ConfigException e = rejection("""
                tasks:
                  - name: c
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: t3}
                      outputConfig: {type: streaming, destination: t1}
                  - name: a
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: t1}
                      outputConfig: {type: streaming, destination: t2}
                  - name: b
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: t2}
                      outputConfig: {type: streaming, destination: t3}
                """, Map.of());
        assertThat(e.getMessage()).startsWith(ORIGIN + ":5:46: tasks[0].config.inputConfig.source: the tasks form a "
                + "cycle: c -> a -> b -> c");
    }

    // ---------------------------------------------------------------- locating later errors

    @Test
    void taskLocatorPlacesRuntimeErrorsAtTheirNodeInTheFile() {
        Pipeline p = parse("""
                tasks:
                  - name: bolt
                    type: bolt
                    class: com.acme.Missing
                    args:
                      threshold: high
                      list: [1, two]
                    config:
                      inputConfig: {type: streaming, source: a}
                      outputConfig:
                        type: streaming
                        destination: b
                        properties: {security.protocol: SASL}
                """);
        TaskSpec task = p.tasks().get(0);
        ConfigException badArg = assertThrowsConfig(() -> task.args().decimal("threshold", 0));
        assertThat(task.locate(badArg).getMessage())
                .isEqualTo(ORIGIN + ":6:18: tasks[0].args.threshold: expected a number, got 'high'");
        assertThat(task.locate(new ConfigException("class", "no such class")).getMessage())
                .isEqualTo(ORIGIN + ":4:12: tasks[0].class: no such class");
        assertThat(task.locate(new ConfigException("args.list[1]", "not a number")).getMessage())
                .isEqualTo(ORIGIN + ":7:17: tasks[0].args.list[1]: not a number");
        assertThat(task.locate(new ConfigException("config.outputConfig.properties.security.protocol", "bad")).line())
                .isEqualTo(13);
        assertThat(task.locate(new ConfigException("config.inputConfig.groupId", "taken")).getMessage())
                .as("an absent key falls back to the nearest enclosing node")
                .isEqualTo(ORIGIN + ":9:20: tasks[0].config.inputConfig.groupId: taken");
        assertThat(task.locate(new ConfigException(null, "cannot start")).getMessage())
                .isEqualTo(ORIGIN + ":2:5: tasks[0]: cannot start");
    }

    private static ConfigException assertThrowsConfig(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    // ---------------------------------------------------------------- names and small rules

    @Test
    void pipelineNameDefaultsToTheFileBaseNameMadeValid() {
        String yaml = """
                tasks:
                  - name: a
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: x}
                      outputConfig: {type: streaming, destination: y}
                """;
        assertThat(PipelineParser.parse(yaml, Path.of("dir/My_Clicks.v2.yaml"), Map.of()).name())
                .isEqualTo("my-clicks-v2");
        assertThat(PipelineParser.parse(yaml, Path.of("clicks.yml"), Map.of()).name()).isEqualTo("clicks");
    }

    @Test
    void absoluteAndSchemeLocationsAreKeptAndRelativeOnesResolvedAgainstTheFileFolder() {
        Pipeline p = parse("""
                tasks:
                  - name: a
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: ../shared/in/}
                      outputConfig: {type: batch, destination: /data/out}
                  - name: b
                    type: bolt
                    config:
                      inputConfig: {type: batch, source: "file:///data/out"}
                      outputConfig: {type: batch, destination: gs://bucket/x}
                """);
        assertThat(p.tasks().get(0).input().source()).isEqualTo(Path.of("/pipelines/shared/in").toString());
        assertThat(p.tasks().get(0).output().destination()).isEqualTo("/data/out");
        assertThat(p.tasks().get(1).input().source()).isEqualTo("file:///data/out");
        assertThat(p.tasks().get(1).output().destination()).isEqualTo("gs://bucket/x");
        assertThat(p.warnings()).as("file:///data/out is the same location as /data/out").hasSize(1);
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"250ms, 250", "30s, 30000", "1h30m, 5400000", "2d, 172800000", "PT5M, 300000"})
    void durationsAcceptTheDocumentedForms(String text, long millis) {
        assertThat(Quantities.duration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            5     | a bare number has no unit; write 5ms or 5s
            5 m   | got '5 m'
            PTfoo | got 'PTfoo'
            """)
    void durationsRefuseOtherForms(String text, String message) {
        assertThatThrownBy(() -> Quantities.duration(text)).hasMessageContaining("expected a duration")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({"4096, 4096", "512KiB, 524288", "64 MiB, 67108864", "512Mi, 536870912", "1GB, 1000000000",
            "1.5KiB, 1536"})
    void sizesAcceptTheDocumentedForms(String text, long bytes) {
        assertThat(Quantities.bytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -1             | expected a size
            0.5B           | not a whole number of bytes
            99999999999TiB | too large
            """)
    void sizesRefuseOtherForms(String text, String message) {
        assertThatThrownBy(() -> Quantities.bytes(text)).hasMessageContaining(message);
    }

    @Test
    void flushIntervalOfZeroIsRelocatedFromTheBuilder() {
        ConfigException e = rejection("""
                tasks:
                  - name: a
                    type: bolt
                    config:
                      inputConfig: {type: streaming, source: x}
                      outputConfig: {type: batch, destination: s3://b/y, flushInterval: 0s}
                """, Map.of());
        assertThat(e.getMessage()).startsWith(ORIGIN + ":6:73: tasks[0].config.outputConfig.flushInterval: must be "
                + "a positive duration");
    }

    @Test
    void invalidYamlNeverLeaksAStackTraceToTheMessage() throws IOException, URISyntaxException {
        Path file = resource("broken/tab-indentation.yaml");
        ConfigException e = assertThrowsConfig(() -> {
            try {
                Pipeline.load(file, Map.of());
            } catch (ConfigException ce) {
                throw ce;
            }
        });
        assertThat(e.getMessage()).doesNotContain("\n").startsWith(file + ":4:1: invalid YAML");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\t");
    }
    // ---------------------------------------------------------------- streaming guarantee

    private static final String KAFKA_BOLT = """
            version: 1
            name: clicks
            tasks:
              - name: upper
                type: bolt
                class: com.acme.Upper
            %s
                config:
                  inputConfig: {type: streaming, source: in, bootstrapServers: "k:9092"%s}
                  outputConfig: {type: streaming, destination: out}
            """;

    @Test
    void streamingBoltIsAtLeastOnceWithOneSecondCommitsByDefault() {
        TaskSpec t = parse(KAFKA_BOLT.formatted("", "")).tasks().get(0);

        assertThat(t.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
        assertThat(((StreamingInputConfig) t.input()).commitInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void guaranteeExactlyOnceAndCommitIntervalAreRead() {
        TaskSpec t = parse(KAFKA_BOLT.formatted("    guarantee: exactly_once", ", commitInterval: 250ms"))
                .tasks().get(0);

        assertThat(t.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
        assertThat(((StreamingInputConfig) t.input()).commitInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void commitRecordsIsReadAndDefaultsToTenThousand() {
        StreamingInputConfig set = (StreamingInputConfig) parse(KAFKA_BOLT.formatted("", ", commitRecords: 500"))
                .tasks().get(0).input();
        StreamingInputConfig unset = (StreamingInputConfig) parse(KAFKA_BOLT.formatted("", "")).tasks().get(0).input();

        assertThat(set.commitRecords()).isEqualTo(500);
        assertThat(unset.commitRecords()).isEqualTo(10_000).isEqualTo(StreamingInputConfig.DEFAULT_COMMIT_RECORDS);
    }

    @Test
    void commitRecordsBelowOneOrNotANumberIsRejectedAtItsValue() {
        ConfigException zero = rejection(KAFKA_BOLT.formatted("", ", commitRecords: 0"), Map.of());
        ConfigException text = rejection(KAFKA_BOLT.formatted("", ", commitRecords: lots"), Map.of());

        assertThat(zero.getMessage()).contains("pipeline.yaml:9:93: tasks[0].config.inputConfig.commitRecords: "
                + "must be at least 1");
        assertThat(text.getMessage()).contains("pipeline.yaml:9:93: tasks[0].config.inputConfig.commitRecords: "
                + "expected a whole number, got 'lots'");
    }

    @Test
    void unknownGuaranteeIsRejectedAtItsValue() {
        ConfigException e = rejection(KAFKA_BOLT.formatted("    guarantee: exactly-twice", ""), Map.of());

        assertThat(e.getMessage()).contains("pipeline.yaml:7:16: tasks[0].guarantee").contains("at_least_once").contains("exactly_once");
    }

    @Test
    void exactlyOnceOnABatchOutputIsRejectedAtTheTask() {
        String yaml = """
                version: 1
                tasks:
                  - name: upper
                    type: bolt
                    class: com.acme.Upper
                    guarantee: exactly_once
                    config:
                      inputConfig: {type: streaming, source: in}
                      outputConfig: {type: batch, destination: "s3://b/out"}
                """;
        ConfigException e = rejection(yaml, Map.of());

        assertThat(e.getMessage()).contains("guarantee").contains("exactly_once is available for a bolt reading "
                + "and writing Kafka");
    }

    @Test
    void keyOrderingAndMaxInFlightAreReadFromTheInputConfig() {
        Pipeline p = parse(KAFKA_BOLT.formatted("", ", ordering: key, maxInFlight: 64"));

        StreamingInputConfig in = (StreamingInputConfig) p.tasks().get(0).input();
        assertThat(in.ordering()).isEqualTo(Ordering.KEY);
        assertThat(in.maxInFlight()).isEqualTo(64);
        StreamingInputConfig byDefault = (StreamingInputConfig) parse(KAFKA_BOLT.formatted("", "")).tasks().get(0)
                .input();
        assertThat(byDefault.ordering()).isEqualTo(Ordering.PARTITION);
        assertThat(byDefault.maxInFlight()).isEqualTo(StreamingInputConfig.DEFAULT_MAX_IN_FLIGHT);
    }

    @Test
    void unknownOrderingIsRejectedAtItsValue() {
        ConfigException e = rejection(KAFKA_BOLT.formatted("", ", ordering: keyed"), Map.of());

        assertThat(e.getMessage()).contains("pipeline.yaml:9:").contains("ordering").contains("key")
                .contains("partition").contains("none");
    }

    @Test
    void maxInFlightWithPartitionOrderingOrBelowOneIsRejectedAtTheKey() {
        assertThat(rejection(KAFKA_BOLT.formatted("", ", maxInFlight: 64"), Map.of()).getMessage())
                .contains("pipeline.yaml:9:").contains("maxInFlight")
                .contains("applies with ordering: key or ordering: none only");
        assertThat(rejection(KAFKA_BOLT.formatted("", ", ordering: none, maxInFlight: 0"), Map.of()).getMessage())
                .contains("pipeline.yaml:9:").contains("maxInFlight").contains("must be at least 1");
    }

    @Test
    void keyOrderingWithExactlyOnceIsRefusedAtTheOrderingKey() {
        ConfigException e = rejection(KAFKA_BOLT.formatted("    guarantee: exactly_once", ", ordering: key"),
                Map.of());

        assertThat(e.getMessage()).contains("pipeline.yaml:9:").contains("tasks[0].config.inputConfig.ordering")
                .contains("ordering: key cannot be combined with guarantee: exactly_once in task 'upper'");
    }

    @Test
    void keyOrderingIntoABatchOutputIsRefused() {
        String yaml = """
                version: 1
                tasks:
                  - name: archive
                    type: bolt
                    class: com.acme.Archive
                    config:
                      inputConfig: {type: streaming, source: in, ordering: none}
                      outputConfig: {type: batch, destination: "s3://b/out"}
                """;
        assertThat(rejection(yaml, Map.of()).getMessage()).contains("tasks[0].config.inputConfig.ordering")
                .contains("ordering: none is available for a bolt reading and writing Kafka");
    }

    @Test
    void zeroCommitIntervalIsRejected() {
        ConfigException e = rejection(KAFKA_BOLT.formatted("", ", commitInterval: 0s"), Map.of());

        assertThat(e.getMessage()).contains("commitInterval").contains("must be positive");
    }
}
