package ai.geniusrise.core.settings;

import ai.geniusrise.core.ConfigException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The declared settings of one adapter, state manager, spout or deploy target — the model is
 * Kafka's {@code ConfigDef}. One definition gives three things: the check of a pipeline file
 * ({@code geniusrise validate} runs {@link #parse} on the values as written, so a mistake is
 * located at its line), the typed values the adapter reads ({@link Settings}), and the reference
 * table of the docs ({@link #markdownTable()}). Immutable and thread-safe.
 *
 * <p>Unknown keys are handled one way everywhere: an error naming the nearest known key. A
 * definition that {@linkplain #passingThrough passes keys through} (Kafka client properties)
 * keeps unknown keys as text instead, with a warning for keys the client itself does not know.
 *
 * <pre>{@code
 * static final Setting<URI> ENDPOINT = Setting.location("endpoint", Set.of("http", "https"),
 *         "http(s)://host[:port]", "An S3-compatible endpoint instead of AWS S3.");
 * static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("maxAttempts", 1, 20,
 *         "Attempts per request, the first included.").withDefault(3);
 * static final SettingsDef DEF = SettingsDef.of("the options of an s3:// location", ENDPOINT, MAX_ATTEMPTS);
 *
 * Settings s = DEF.parse(config.options(), "options.");   // throws ConfigException("options.maxAttempts", ...)
 * int attempts = s.get(MAX_ATTEMPTS);
 * }</pre>
 */
public final class SettingsDef {

    /** A check across settings, such as "accessKeyId needs secretAccessKey". */
    @FunctionalInterface
    public interface Rule {
        /** Throws {@link Settings#error(Setting, String)} for the key at fault when {@code settings} break the rule. */
        void check(Settings settings);
    }

    private final String owner;
    private final Map<String, Setting<?>> settings;
    private final Map<String, String> refused;
    private final List<Rule> rules;
    private final Predicate<String> passThroughKnown;
    private final String passThroughKnownBy;
    private final boolean declared;
    private final java.util.Set<String> ignored;

    private SettingsDef(String owner, Map<String, Setting<?>> settings, Map<String, String> refused, List<Rule> rules,
                        Predicate<String> passThroughKnown, String passThroughKnownBy, boolean declared) {
        this(owner, settings, refused, rules, passThroughKnown, passThroughKnownBy, declared, java.util.Set.of());
    }

    private SettingsDef(String owner, Map<String, Setting<?>> settings, Map<String, String> refused, List<Rule> rules,
                        Predicate<String> passThroughKnown, String passThroughKnownBy, boolean declared,
                        java.util.Set<String> ignored) {
        this.ignored = ignored;
        this.owner = Objects.requireNonNull(owner, "owner");
        this.settings = settings;
        this.refused = refused;
        this.rules = rules;
        this.passThroughKnown = passThroughKnown;
        this.passThroughKnownBy = passThroughKnownBy;
        this.declared = declared;
    }

    /**
     * The settings of {@code owner}, which names where they are written in words, such as
     * {@code "a redis stateConfig"} (used in "unknown key 'x' in a redis stateConfig").
     *
     * @throws IllegalArgumentException if two settings share a name
     */
    public static SettingsDef of(String owner, Setting<?>... settings) {
        return new SettingsDef(owner, Map.of(), Map.of(), List.of(), null, null, true).with(settings);
    }

    /**
     * What a provider that declares nothing gets: any key is accepted unchecked, and reaches the
     * provider as text ({@link Settings#passThrough()}). Built-in providers always declare theirs.
     */
    public static SettingsDef undeclared(String owner) {
        return new SettingsDef(owner, Map.of(), Map.of(), List.of(), k -> true, null, false);
    }

    /** This definition with more settings. */
    public SettingsDef with(Setting<?>... more) {
        Map<String, Setting<?>> all = new LinkedHashMap<>(settings);
        for (Setting<?> s : more) {
            if (all.put(s.name(), s) != null) {
                throw new IllegalArgumentException("setting '" + s.name() + "' is declared twice in " + owner);
            }
        }
        return new SettingsDef(owner, java.util.Collections.unmodifiableMap(all), refused, rules, passThroughKnown,
                passThroughKnownBy, declared);
    }

    /** This definition with the settings and rules of {@code other} too (such as an adapter's and its format's), under this owner. */
    public SettingsDef plus(SettingsDef other) {
        SettingsDef out = with(other.settings.values().toArray(new Setting<?>[0]));
        List<Rule> allRules = new ArrayList<>(rules);
        allRules.addAll(other.rules);
        Map<String, String> allRefused = new LinkedHashMap<>(refused);
        allRefused.putAll(other.refused);
        return new SettingsDef(owner, out.settings, Map.copyOf(allRefused), List.copyOf(allRules), passThroughKnown,
                passThroughKnownBy, declared);
    }

    /** This definition under another owner's name. */
    public SettingsDef ownedBy(String newOwner) {
        return new SettingsDef(newOwner, settings, refused, rules, passThroughKnown, passThroughKnownBy, declared);
    }

    /** This definition with a check across settings, run after each value has been read. */
    public SettingsDef withRule(Rule rule) {
        List<Rule> all = new ArrayList<>(rules);
        all.add(rule);
        return new SettingsDef(owner, settings, refused, List.copyOf(all), passThroughKnown, passThroughKnownBy,
                declared);
    }

    /** This definition refusing key {@code key} with {@code why} (such as an inline {@code password}). */
    public SettingsDef refusing(String key, String why) {
        Map<String, String> all = new LinkedHashMap<>(refused);
        all.put(key, why);
        return new SettingsDef(owner, settings, Map.copyOf(all), rules, passThroughKnown, passThroughKnownBy,
                declared);
    }

    /**
     * This definition passing undeclared keys through as text (a client's own properties): a key
     * {@code known} refuses gets a warning "not a property {@code knownBy} knows", not an error.
     */
    public SettingsDef passingThrough(Predicate<String> known, String knownBy) {
        return new SettingsDef(owner, settings, refused, rules, known, knownBy, declared);
    }

    /**
     * This definition accepting {@code keys} without reading them (the keys another deploy target
     * reads, which a pipeline's defaults may carry beside this target's).
     */
    public SettingsDef ignoring(Collection<String> keys) {
        return new SettingsDef(owner, settings, refused, rules, passThroughKnown, passThroughKnownBy, declared,
                java.util.Set.copyOf(keys));
    }

    /** Where these settings are written, in words. */
    public String owner() {
        return owner;
    }

    /** The declared settings, in declaration order. */
    public Collection<Setting<?>> settings() {
        return settings.values();
    }

    /** The names of the declared settings, in declaration order. */
    public java.util.Set<String> keys() {
        return settings.keySet();
    }

    /** The setting named {@code key}, or {@code null}. */
    public Setting<?> setting(String key) {
        return settings.get(key);
    }

    /** True unless this is an {@linkplain #undeclared undeclared} definition. */
    public boolean isDeclared() {
        return declared;
    }

    /** True when undeclared keys pass through (with a warning when unknown) instead of being errors. */
    public boolean passesThrough() {
        return passThroughKnown != null;
    }

    /** Reads and checks {@code raw}; see {@link #parse(Map, String, BiConsumer)}. Warnings are dropped. */
    public Settings parse(Map<String, ?> raw, String pathPrefix) {
        return parse(raw, pathPrefix, (key, warning) -> {
        });
    }

    /**
     * Reads and checks {@code raw} (key to text, or to a list, mapping, number or boolean as
     * written in YAML): each value by its setting, then missing required keys, then the rules.
     * Keys absent from {@code raw}, or given an empty value (as {@code ${VAR:-}} expands to when
     * the variable is unset), take their defaults.
     *
     * @param pathPrefix prefixed to the key in the exceptions' paths, such as {@code "stateConfig."}
     * @param warnings   receives (key, message) for a passed-through key the client does not know
     * @throws ConfigException for the first mistake, its path {@code pathPrefix + key}
     */
    public Settings parse(Map<String, ?> raw, String pathPrefix, BiConsumer<String, String> warnings) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> passed = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : raw.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (value == null || value instanceof CharSequence text && text.toString().isBlank()) {
                continue; // an empty value is as if the key were not written: "${VAR:-}" leaves the default
            }
            Setting<?> s = settings.get(key);
            if (s == null && ignored.contains(key)) {
                continue;
            }
            if (s == null) {
                String why = refused.get(key);
                if (why != null) {
                    throw new ConfigException(pathPrefix + key, why);
                }
                if (passThroughKnown == null) {
                    throw new ConfigException(pathPrefix + key, unknownKey(key));
                }
                if (!passThroughKnown.test(key)) {
                    String near = Suggestions.nearest(key, settings.keySet());
                    warnings.accept(key, "'" + key + "' is not a property " + passThroughKnownBy + " knows; it is "
                            + "passed on as written" + (near == null ? "" : " (did you mean '" + near + "'?)"));
                }
                passed.put(key, value.toString());
                continue;
            }
            try {
                values.put(key, s.parse(value));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(pathPrefix + key, ex.getMessage());
            } catch (ConfigException ex) {
                // a mistake inside a group, at its own key: autoscale.max
                throw new ConfigException(pathPrefix + key + (ex.path() == null ? "" : "." + ex.path()), ex.problem());
            }
        }
        for (Setting<?> s : settings.values()) {
            if (s.isRequired() && !values.containsKey(s.name())) {
                throw new ConfigException(pathPrefix + s.name(), "is required in " + owner + ": " + s.doc());
            }
        }
        Settings out = new Settings(this, values, passed, pathPrefix);
        for (Rule rule : rules) {
            rule.check(out);
        }
        return out;
    }

    /** The message for an undeclared key: what is known, and the nearest key. */
    public String unknownKey(String key) {
        String near = Suggestions.nearest(key, settings.keySet());
        String message = "unknown key '" + key + "' in " + owner;
        if (near != null) {
            return message + "; did you mean '" + near + "'?";
        }
        return message + "; expected one of: " + (settings.isEmpty() ? "(none)" : String.join(", ", settings.keySet()));
    }

    /**
     * The reference table of these settings in Markdown: key, type, default, description, one row
     * each, in declaration order. The docs' tables are generated from it.
     */
    public String markdownTable() {
        StringBuilder sb = new StringBuilder("| key | value | default | description |\n|---|---|---|---|\n");
        rows(sb, "");
        return sb.toString();
    }

    /** One row per setting, then the rows of a group's settings under {@code group.}. */
    private void rows(StringBuilder sb, String prefix) {
        for (Setting<?> s : settings.values()) {
            sb.append("| `").append(prefix).append(s.name()).append("` | ").append(cell(s.expected())).append(" | ")
                    .append(cell(s.defaultText())).append(" | ").append(cell(s.doc())).append(" |\n");
            if (s.fields() != null) {
                s.fields().rows(sb, prefix + s.name() + ".");
            }
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    @Override
    public String toString() {
        return "SettingsDef{" + owner + ": " + settings.keySet() + "}";
    }
}
