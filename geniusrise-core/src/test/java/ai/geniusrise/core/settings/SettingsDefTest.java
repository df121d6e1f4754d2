package ai.geniusrise.core.settings;

import ai.geniusrise.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The declarative settings: one grammar per type, one way of handling unknown keys, typed values, docs rows. */
class SettingsDefTest {

    static final Setting<Integer> ATTEMPTS = Setting.integer("maxAttempts", 1, 20, "Attempts per request.")
            .withDefault(3);
    static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "Read timeout.")
            .withDefault(Duration.ofSeconds(90));
    static final Setting<Long> PART = Setting.size("partSize", 5L << 20, 1L << 30, "Multipart part size.");
    static final Setting<Boolean> PATH_STYLE = Setting.bool("pathStyle", "Path-style addressing.");
    static final Setting<String> MODE = Setting.oneOf("mode", List.of("fast", "safe"), "Mode.");
    static final Setting<List<String>> SUBNETS = Setting.list("subnets", "Subnets.");
    static final Setting<Map<String, String>> LABELS = Setting.map("labels", "Labels.");
    static final Setting<URI> URL = Setting.location("url", Set.of("redis"), "redis://host[:port]", "Server.");
    static final Setting<String> PASSWORD_ENV = Setting.secretReference("passwordEnv", "Password variable.");
    static final Setting<String> NAME = Setting.string("name", "Name.").required();

    static final SettingsDef DEF = SettingsDef.of("a test adapter", ATTEMPTS, TIMEOUT, PART, PATH_STYLE, MODE, SUBNETS,
            LABELS, URL, PASSWORD_ENV, NAME);

    @Test
    void typedValuesComeFromTextListsAndMappingsWithDefaultsForWhatIsAbsent() {
        Settings s = DEF.parse(Map.of("name", "n", "timeout", "1h30m", "partSize", "64MiB", "pathStyle", true,
                "subnets", "a, b", "labels", Map.of("team", "x"), "url", "redis://h:6379"), "options.");
        assertThat(s.get(ATTEMPTS)).isEqualTo(3);
        assertThat(s.isSet(ATTEMPTS)).isFalse();
        assertThat(s.get(TIMEOUT)).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.get(PART)).isEqualTo(64L << 20);
        assertThat(s.get(PATH_STYLE)).isTrue();
        assertThat(s.get(SUBNETS)).containsExactly("a", "b");
        assertThat(s.get(LABELS)).containsEntry("team", "x");
        assertThat(s.get(URL).getHost()).isEqualTo("h");
        assertThat(s.get(MODE)).isNull();
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            timeout     | ten           | options.timeout: expected a duration such as 500ms, 90s, 5m, 1h30m, 2d or ISO-8601 PT5M, got 'ten'
            timeout     | 500           | options.timeout: expected a duration such as 500ms, 90s, 5m, 1h30m, 2d or ISO-8601 PT5M, got '500': a bare number has no unit; write 500ms or 500s
            timeout     | 0s            | options.timeout: must be a positive duration, got '0s'
            maxAttempts | 0             | options.maxAttempts: expected a whole number from 1 to 20, got '0'
            maxAttempts | three         | options.maxAttempts: expected a whole number from 1 to 20, got 'three'
            partSize    | 1MiB          | options.partSize: expected a size from 5242880 to 1073741824 bytes, got 1048576
            partSize    | 5 parsecs     | options.partSize: expected a size such as 65536, 512KiB, 64MiB, 1GiB or 1GB, got '5 parsecs' (unknown unit 'parsecs'
            pathStyle   | yes           | options.pathStyle: expected true or false, got 'yes'
            mode        | fats          | options.mode: expected one of fast, safe, got 'fats' (did you mean 'fast'?)
            url         | http://h:1    | options.url: expected redis://host[:port], got 'http://h:1'
            url         | redis://:pw@  | options.url: expected redis://host[:port], got 'redis://***@'
            passwordEnv | s3cr3t!       | options.passwordEnv: expected the name of an environment variable (letters, digits, _) that holds the secret, got a value that is not one
            maxAtempts  | 3             | options.maxAtempts: unknown key 'maxAtempts' in a test adapter; did you mean 'maxAttempts'?
            colour      | red           | options.colour: unknown key 'colour' in a test adapter; expected one of: maxAttempts, timeout, partSize, pathStyle, mode, subnets, labels, url, passwordEnv, name
            """)
    void aBadValueOrAnUnknownKeyIsOneErrorNamingTheKeyAndWhatWasExpected(String key, String value, String message) {
        assertThatThrownBy(() -> DEF.parse(Map.of("name", "n", key, value), "options."))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("options." + key))
                .hasMessageNotContaining("s3cr3t").hasMessageNotContaining(":pw@");
    }

    @Test
    void anEmptyValueIsAsIfTheKeyWereNotWrittenSoAnUnsetVariableLeavesTheDefault() {
        // "${S3_ENDPOINT:-}" with the variable unset: the setting keeps its default (AWS's own endpoint)
        Settings s = DEF.parse(Map.of("name", "n", "url", "", "timeout", "  "), "options.");
        assertThat(s.isSet(URL)).isFalse();
        assertThat(s.get(URL)).isNull();
        assertThat(s.get(TIMEOUT)).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> DEF.parse(Map.of("name", ""), "deploy."))
                .isInstanceOf(ConfigException.class)
                .hasMessage("deploy.name: is required in a test adapter: Name.");
    }

    @Test
    void aMissingRequiredSettingSaysWhatItIs() {
        assertThatThrownBy(() -> DEF.parse(Map.of(), "deploy."))
                .isInstanceOf(ConfigException.class)
                .hasMessage("deploy.name: is required in a test adapter: Name.");
    }

    @Test
    void aPassThroughDefinitionKeepsUndeclaredKeysAndWarnsOfThoseTheClientDoesNotKnow() {
        SettingsDef open = SettingsDef.of("Kafka properties").passingThrough(Set.of("acks", "linger.ms")::contains,
                "the Kafka producer");
        List<String> warnings = new ArrayList<>();
        Settings s = open.parse(Map.of("acks", "all", "linger.msx", "5"), "properties.",
                (k, w) -> warnings.add(k + ": " + w));
        assertThat(s.passThrough()).containsEntry("acks", "all").containsEntry("linger.msx", "5");
        assertThat(warnings).containsExactly("linger.msx: 'linger.msx' is not a property the Kafka producer knows; "
                + "it is passed on as written");
    }

    @Test
    void rulesAcrossSettingsRunAfterTheValuesAndNameTheKeyAtFault() {
        SettingsDef withRule = DEF.withRule(s -> {
            if (s.get(PATH_STYLE) != null && s.get(PATH_STYLE) && s.get(URL) == null) {
                throw s.error(PATH_STYLE, "needs url");
            }
        });
        assertThatThrownBy(() -> withRule.parse(Map.of("name", "n", "pathStyle", "true"), "options."))
                .hasMessage("options.pathStyle: needs url");
    }

    @Test
    void theDocsTableHasOneRowPerSettingWithItsDefault() {
        assertThat(DEF.markdownTable()).contains(
                "| `maxAttempts` | a whole number from 1 to 20 | 3 | Attempts per request. |",
                "| `timeout` | a duration such as 500ms, 90s, 5m, 1h30m | 1m30s | Read timeout. |",
                "| `name` | text | (required) | Name. |");
    }

    @Test
    void aSettingDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> DEF.with(Setting.string("name", "again")))
                .hasMessageContaining("setting 'name' is declared twice in a test adapter");
    }

    static final Setting<Integer> LOW = Setting.integer("min", 0, 10, "Fewest.").withDefault(1);
    static final Setting<Integer> HIGH = Setting.integer("max", 1, 10, "Most.").required();
    static final Setting<Settings> RANGE = Setting.group("range", SettingsDef.of("range", LOW, HIGH).withRule(s -> {
        if (s.get(LOW) > s.get(HIGH)) {
            throw s.error(LOW, "is above max");
        }
    }), "A range.");

    @Test
    void aGroupReadsItsOwnSettingsAndReportsAMistakeAtItsKeyInside() {
        SettingsDef def = SettingsDef.of("a scaler", RANGE);
        Settings range = def.parse(Map.of("range", Map.of("max", "4")), "deploy.").get(RANGE);
        assertThat(range.get(LOW)).isEqualTo(1);
        assertThat(range.get(HIGH)).isEqualTo(4);
        assertThatThrownBy(() -> def.parse(Map.of("range", Map.of("mx", 4)), "deploy."))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.path()).isEqualTo("deploy.range.mx");
                    assertThat(e.problem()).isEqualTo("unknown key 'mx' in range; did you mean 'max'?");
                });
        assertThatThrownBy(() -> def.parse(Map.of("range", Map.of("min", 5, "max", 4)), "deploy."))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("deploy.range.min"));
        assertThatThrownBy(() -> def.parse(Map.of("range", Map.of("min", 5)), "deploy."))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("deploy.range.max"));
        assertThatThrownBy(() -> def.parse(Map.of("range", "4"), "deploy."))
                .hasMessageContaining("expected a mapping of min, max, got '4'");
        assertThat(def.markdownTable()).contains("| `range` | a mapping of min, max |",
                "| `range.min` | a whole number from 0 to 10 | 1 | Fewest. |",
                "| `range.max` | a whole number from 1 to 10 | (required) | Most. |");
    }
}
