package ai.geniusrise.core.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One declared setting of an adapter, state manager, spout or deploy target: its name, type,
 * default, validator, whether it is required, and one line of documentation. The same
 * declaration checks a pipeline file ({@code geniusrise validate}), gives the adapter its typed
 * value ({@link Settings#get(Setting)}) and writes the row of the reference table in the docs.
 * Immutable: each {@code with...} method returns a new setting.
 *
 * <pre>{@code
 * static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("maxAttempts", 1, 20,
 *         "Attempts per request, the first included.").withDefault(3);
 * }</pre>
 *
 * @param <T> the type of the value an adapter reads
 */
public final class Setting<T> {

    /** The kinds of value a setting holds; each has one grammar, the same everywhere. */
    public enum Type {
        /** Text. */
        STRING("text"),
        /** A whole number in a range. */
        INT("whole number"),
        /** {@code true} or {@code false}. */
        BOOLEAN("true/false"),
        /** A {@linkplain Quantities#duration duration}: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 2d}. */
        DURATION("duration"),
        /** A {@linkplain Quantities#bytes size} in bytes: {@code 65536}, {@code 512KiB}, {@code 64MiB}. */
        SIZE("size"),
        /** One of a fixed list of words. */
        ENUM("one of"),
        /** A YAML list of text, or one text of comma-separated items. */
        LIST("list"),
        /** A mapping of text to text. */
        MAP("mapping"),
        /** A URL of given schemes, such as {@code redis://host:6379/0}. */
        LOCATION("URL"),
        /** The name of an environment variable holding a secret; the secret itself is never written. */
        SECRET("env variable name"),
        /** A mapping or list of keys declared elsewhere, such as a pipeline file's {@code tasks}. */
        NESTED("nested keys"),
        /** A mapping of settings of its own, such as {@code autoscale: {min: 1, max: 8}}. */
        GROUP("mapping of settings");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        /** How the docs name this type. */
        public String label() {
            return label;
        }
    }

    private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String name;
    private final Type type;
    private final T defaultValue;
    private final String defaultDoc;
    private final boolean required;
    private final String doc;
    private final String expected;
    private final Function<Object, T> parser;
    private final Function<T, String> validator;
    private final SettingsDef fields;

    private Setting(String name, Type type, T defaultValue, String defaultDoc, boolean required, String doc,
                    String expected, Function<Object, T> parser, Function<T, String> validator) {
        this(name, type, defaultValue, defaultDoc, required, doc, expected, parser, validator, null);
    }

    private Setting(String name, Type type, T defaultValue, String defaultDoc, boolean required, String doc,
                    String expected, Function<Object, T> parser, Function<T, String> validator, SettingsDef fields) {
        this.fields = fields;
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultDoc = defaultDoc;
        this.required = required;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.expected = expected;
        this.parser = parser;
        this.validator = validator;
    }

    // ---------------------------------------------------------------- factories, one per type

    /** Text (not blank). */
    public static Setting<String> string(String name, String doc) {
        return new Setting<>(name, Type.STRING, null, null, false, doc, "text", Setting::text, v -> null);
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> integer(String name, int min, int max, String doc) {
        String expected = "a whole number from " + min + " to " + max;
        return new Setting<>(name, Type.INT, null, null, false, doc, expected, raw -> {
            String t = text(raw);
            int v;
            try {
                v = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected " + expected + ", got '" + t + "'");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("expected " + expected + ", got '" + v + "'");
            }
            return v;
        }, v -> null);
    }

    /** {@code true} or {@code false}. */
    public static Setting<Boolean> bool(String name, String doc) {
        return new Setting<>(name, Type.BOOLEAN, null, null, false, doc, "true or false", raw -> {
            if (raw instanceof Boolean b) {
                return b;
            }
            String t = text(raw);
            return switch (t.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("expected true or false, got '" + t + "'");
            };
        }, v -> null);
    }

    /** A positive {@linkplain Quantities#duration duration}. */
    public static Setting<Duration> duration(String name, String doc) {
        return new Setting<>(name, Type.DURATION, null, null, false, doc, "a duration such as 500ms, 90s, 5m, 1h30m",
                raw -> Quantities.positiveDuration(text(raw)), v -> null);
    }

    /** A {@linkplain Quantities#bytes size} in bytes from {@code min} to {@code max}. */
    public static Setting<Long> size(String name, long min, long max, String doc) {
        return new Setting<>(name, Type.SIZE, null, null, false, doc, "a size such as 65536, 512KiB or 64MiB",
                raw -> Quantities.bytes(text(raw)),
                v -> v < min || v > max ? "expected a size from " + min + " to " + max + " bytes, got " + v : null);
    }

    /** One of {@code choices}, as written. */
    public static Setting<String> oneOf(String name, List<String> choices, String doc) {
        List<String> values = List.copyOf(choices);
        String expected = "one of " + String.join(", ", values);
        return new Setting<>(name, Type.ENUM, null, null, false, doc, expected, raw -> {
            String t = text(raw);
            if (!values.contains(t)) {
                String near = Suggestions.nearest(t, values);
                throw new IllegalArgumentException("expected " + expected + ", got '" + t + "'"
                        + (near == null ? "" : " (did you mean '" + near + "'?)"));
            }
            return t;
        }, v -> null);
    }

    /** A list of text: a YAML list, or one text of comma-separated items. */
    public static Setting<List<String>> list(String name, String doc) {
        return new Setting<>(name, Type.LIST, null, null, false, doc, "a list of text", raw -> {
            List<String> out = new ArrayList<>();
            if (raw instanceof Collection<?> items) {
                for (Object item : items) {
                    if (item == null || item instanceof Map || item instanceof Collection) {
                        throw new IllegalArgumentException("expected a list of text, got an item " + describe(item));
                    }
                    out.add(item.toString().trim());
                }
            } else if (raw instanceof Map) {
                throw new IllegalArgumentException("expected a list, got a mapping");
            } else {
                for (String item : raw.toString().split(",")) {
                    if (!item.isBlank()) {
                        out.add(item.trim());
                    }
                }
            }
            return List.copyOf(out);
        }, v -> null);
    }

    /** A mapping of text to text, in the order written. */
    public static Setting<Map<String, String>> map(String name, String doc) {
        return new Setting<>(name, Type.MAP, null, null, false, doc, "a mapping of text", raw -> {
            if (!(raw instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("expected a mapping, got " + describe(raw));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object v = e.getValue();
                if (v == null || v instanceof Map || v instanceof Collection) {
                    throw new IllegalArgumentException("expected text for '" + e.getKey() + "', got " + describe(v));
                }
                out.put(String.valueOf(e.getKey()), v.toString());
            }
            return java.util.Collections.unmodifiableMap(out);
        }, v -> null);
    }

    /**
     * A URL of one of {@code schemes} with a host, such as {@code redis://host:6379/0}; {@code form}
     * shows the expected form in messages.
     */
    public static Setting<URI> location(String name, Set<String> schemes, String form, String doc) {
        String expected = form;
        return new Setting<>(name, Type.LOCATION, null, null, false, doc, expected, raw -> {
            // a password written in the URL must not reach the message
            String t = USER_INFO.matcher(text(raw)).replaceFirst("//***@");
            URI uri;
            try {
                uri = new URI(t);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("expected " + expected + ", got '" + t + "' (" + e.getReason() + ")");
            }
            if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.isOpaque() || uri.getHost() == null) {
                throw new IllegalArgumentException("expected " + expected + ", got '" + t + "'");
            }
            try {
                return new URI(text(raw));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("expected " + expected + ", got '" + t + "'");
            }
        }, v -> null);
    }

    /**
     * The name of an environment variable holding a secret ({@code passwordEnv: REDIS_PASSWORD});
     * read the secret with {@link Settings#secret(Setting, Function)}.
     */
    public static Setting<String> secretReference(String name, String doc) {
        return new Setting<>(name, Type.SECRET, null, null, false, doc,
                "the name of an environment variable (letters, digits, _)", raw -> {
                    String t = text(raw);
                    if (!ENV_NAME.matcher(t).matches()) {
                        throw new IllegalArgumentException("expected the name of an environment variable (letters, "
                                + "digits, _) that holds the secret, got a value that is not one");
                    }
                    return t;
                }, v -> null);
    }

    /**
     * A mapping or a list whose own keys are declared by other definitions (a pipeline file's
     * {@code defaults}, {@code tasks}, {@code config}); {@code expected} says what it holds, such
     * as "a list of tasks". Its value is taken as written: the definitions of its keys check it.
     */
    public static Setting<Object> nested(String name, String expected, String doc) {
        return new Setting<>(name, Type.NESTED, null, null, false, doc, expected, raw -> raw, v -> null);
    }

    /**
     * A mapping whose keys are the settings of {@code fields} ({@code autoscale: {min: 1, max: 8}}),
     * read with {@link SettingsDef#parse} and its rules; a mistake inside is reported at its own key
     * ({@code autoscale.max}). Read the values with {@link Settings#get(Setting)} on the result.
     */
    public static Setting<Settings> group(String name, SettingsDef fields, String doc) {
        String expected = "a mapping of " + String.join(", ", fields.settings().stream().map(Setting::name).toList());
        return new Setting<>(name, Type.GROUP, null, null, false, doc, expected, raw -> {
            if (!(raw instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("expected " + expected + ", got " + describe(raw));
            }
            Map<String, Object> values = new LinkedHashMap<>();
            m.forEach((k, v) -> values.put(String.valueOf(k), v));
            return fields.parse(values, "");
        }, v -> null, fields);
    }

    // ---------------------------------------------------------------- modifiers

    /** This setting with a default value, used when the key is absent. */
    public Setting<T> withDefault(T value) {
        return new Setting<>(name, type, Objects.requireNonNull(value, "value"), defaultDoc, required, doc, expected,
                parser, validator, fields);
    }

    /** This setting with its default described in words, for a default computed at run time. */
    public Setting<T> withDefaultDescribed(String words) {
        return new Setting<>(name, type, defaultValue, words, required, doc, expected, parser, validator, fields);
    }

    /** This setting, required: a missing key is a mistake. */
    public Setting<T> required() {
        return new Setting<>(name, type, defaultValue, defaultDoc, true, doc, expected, parser, validator, fields);
    }

    /**
     * This setting, with one more check: values {@code valid} refuses are reported as
     * "expected {@code what}, got ...". Secrets are never quoted.
     */
    public Setting<T> check(Predicate<T> valid, String what) {
        Function<T, String> before = validator;
        String narrowed = type == Type.STRING && expected.equals("text") ? what : expected;
        return new Setting<>(name, type, defaultValue, defaultDoc, required, doc, narrowed, parser, v -> {
            String problem = before.apply(v);
            if (problem != null) {
                return problem;
            }
            return valid.test(v) ? null : "expected " + what + ", got '" + redacted(v) + "'";
        }, fields);
    }

    /**
     * This setting, with one more check: {@code problem} returns what is wrong with a value (such
     * as "must be a DNS-1123 label: ..."), or {@code null} when it is valid.
     */
    public Setting<T> validate(Function<T, String> problem) {
        Function<T, String> before = validator;
        return new Setting<>(name, type, defaultValue, defaultDoc, required, doc, expected, parser, v -> {
            String first = before.apply(v);
            return first != null ? first : problem.apply(v);
        }, fields);
    }

    /**
     * Puts this setting's key with {@code text} into {@code settings}, unless {@code text} is
     * {@code null}: how the declaring module writes its own keys where a text map is wanted (a
     * test's {@code stateConfig}), so that no other module writes them.
     *
     * @return {@code settings}
     */
    public Map<String, String> writeTo(Map<String, String> settings, String text) {
        if (text != null) {
            settings.put(name, text);
        }
        return settings;
    }

    // ---------------------------------------------------------------- reading

    /** The settings inside a {@link Type#GROUP group}, or {@code null} for other types. */
    public SettingsDef fields() {
        return fields;
    }

    /** The key in a pipeline file. */
    public String name() {
        return name;
    }

    /** The kind of value. */
    public Type type() {
        return type;
    }

    /** The default, or {@code null} when there is none. */
    public T defaultValue() {
        return defaultValue;
    }

    /** True when a missing key is a mistake. */
    public boolean isRequired() {
        return required;
    }

    /** The one line of documentation. */
    public String doc() {
        return doc;
    }

    /** What a value must look like, for messages and docs. */
    public String expected() {
        return expected;
    }

    /** The default as the docs show it: the words given, the value, or "—". */
    public String defaultText() {
        if (defaultDoc != null) {
            return defaultDoc;
        }
        if (defaultValue == null) {
            return required ? "(required)" : "—";
        }
        if (defaultValue instanceof Duration d) {
            return Quantities.text(d);
        }
        return defaultValue.toString();
    }

    /**
     * The typed value of {@code raw} (text from a pipeline file, or a list, mapping, number or
     * boolean).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public T parse(Object raw) {
        if (raw == null) {
            throw new IllegalArgumentException("expected " + expected + ", got nothing");
        }
        if (type != Type.LIST && type != Type.MAP && type != Type.NESTED && type != Type.GROUP
                && (raw instanceof Map || raw instanceof Collection)) {
            throw new IllegalArgumentException("expected " + expected + ", got " + describe(raw));
        }
        T value = parser.apply(raw);
        String problem = validator.apply(value);
        if (problem != null) {
            throw new IllegalArgumentException(type == Type.SECRET ? "expected " + expected : problem);
        }
        return value;
    }

    private static String text(Object raw) {
        String t = raw.toString().trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expected a value, got nothing");
        }
        return t;
    }

    /** {@code value} as text, a password written in a URL's user info replaced by {@code ***}. */
    private static String redacted(Object value) {
        return USER_INFO.matcher(String.valueOf(value)).replaceFirst("//***@");
    }

    private static String describe(Object raw) {
        if (raw instanceof Map) {
            return "a mapping";
        }
        if (raw instanceof Collection) {
            return "a list";
        }
        return raw == null ? "nothing" : "'" + raw + "'";
    }

    @Override
    public String toString() {
        return name + " (" + type.label() + ")";
    }
}
