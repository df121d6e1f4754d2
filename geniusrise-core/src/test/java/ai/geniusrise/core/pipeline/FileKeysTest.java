package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.SettingsDef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The parser takes the keys each mapping of a pipeline file accepts from their declarations
 * ({@link Pipeline#fileKeys()}, the source of the docs' tables): for every declared key, the key
 * with a typo at its place in a file is refused with the declaration's message, naming the
 * declared key — so a key cannot be documented without being accepted, nor accepted without
 * being declared.
 */
class FileKeysTest {

    /** A pipeline with a {@code %ID%} line in each mapping, a batch input and a streaming output. */
    private static final String BATCH_IN = """
            version: 1
            %pipeline:top%
            defaults:
              %pipeline:defaults%
              kafka:
                %pipeline:defaults-kafka%
            tasks:
              - name: t
                type: bolt
                %pipeline:task%
                config:
                  %pipeline:config%
                  inputConfig:
                    type: batch
                    source: in
                    %pipeline:input-batch%
                  outputConfig:
                    type: streaming
                    destination: out
                    %pipeline:output-streaming%
                    schemaRegistry:
                      %pipeline:schema-registry%
            """;
    /** The same with a streaming input and a batch output. */
    private static final String STREAMING_IN = """
            version: 1
            tasks:
              - name: t
                type: bolt
                config:
                  inputConfig:
                    type: streaming
                    source: in
                    %pipeline:input-streaming%
                  outputConfig:
                    type: batch
                    destination: out
                    %pipeline:output-batch%
            """;

    static Stream<Arguments> declaredKeys() {
        return Pipeline.fileKeys().entrySet().stream().flatMap(e -> e.getValue().settings().stream()
                .map(s -> Arguments.of(e.getKey(), s.name())));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("declaredKeys")
    void aTypoOfADeclaredKeyIsRefusedNamingIt(String id, String key) {
        SettingsDef def = Pipeline.fileKeys().get(id);
        String template = BATCH_IN.contains("%" + id + "%") ? BATCH_IN : STREAMING_IN;
        assertThat(template).contains("%" + id + "%");
        String typo = key + "q";
        String yaml = template.replace("%" + id + "%", typo + ": x").replaceAll("%[a-z:-]+%", "");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Pipeline.parse(yaml, Path.of("p.yaml"), Map.of()));

        assertThat(e).as(yaml).isNotNull();
        assertThat(e.problem()).isEqualTo(def.unknownKey(typo)).contains("did you mean '" + key + "'?");
        int line = (int) yaml.lines().takeWhile(l -> !l.contains(typo + ": x")).count() + 1;
        assertThat(e.line()).isEqualTo(line);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declaredKeys")
    void everyDeclaredKeyHasADocLineAndAValueDescription(String id, String key) {
        Setting<?> s = Pipeline.fileKeys().get(id).setting(key);
        assertThat(s.doc()).isNotBlank().doesNotContain("\n");
        assertThat(s.expected()).isNotBlank();
    }
}
