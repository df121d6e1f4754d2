package ai.geniusrise.state;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StateConfig;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the properties of a {@link StateConfig} for one backend: typed getters with defaults,
 * and one check at the end that no unknown property was given. Every mistake is a
 * {@link ConfigException} whose path is {@code stateConfig.<property>} and whose message says
 * what was expected. Used by the backends of this module; not thread-safe (one per open).
 */
public final class StoreProperties {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private final String type;
    private final Map<String, String> values;
    private final Set<String> known = new HashSet<>();

    /** The properties of {@code config}, read for the backend {@code config.type()}. */
    public StoreProperties(StateConfig config) {
        this.type = config.type();
        this.values = config.properties();
    }

    /** The text of {@code name}, or {@code fallback} if absent. Blank text is a mistake. */
    public String string(String name, String fallback) {
        known.add(name);
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v.isBlank()) {
            throw invalid(name, v, "a non-empty value");
        }
        return v.trim();
    }

    /** The text of {@code name}, which must be given. */
    public String required(String name, String expected) {
        String v = string(name, null);
        if (v == null) {
            throw new ConfigException(path(name), "the " + type + " state manager needs '" + name + "': " + expected);
        }
        return v;
    }

    /** {@code name} as an int in {@code [min, max]}, or {@code fallback}. */
    public int integer(String name, int fallback, int min, int max) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, v, "a whole number from " + min + " to " + max);
    }

    /** {@code name} as {@code true} or {@code false}, or {@code fallback}. */
    public boolean bool(String name, boolean fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, v, "true or false");
        };
    }

    /**
     * {@code name} as a positive duration: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, a
     * bare number of milliseconds, or ISO-8601 ({@code PT5S}); or {@code fallback}.
     */
    public Duration duration(String name, Duration fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        Duration d = parseDuration(v);
        if (d == null || d.isZero() || d.isNegative()) {
            throw invalid(name, v, "a positive duration such as 500ms, 5s or 2m");
        }
        return d;
    }

    /**
     * The secret held by the environment variable that {@code name} names ({@code passwordEnv:
     * REDIS_PASSWORD}), or null when {@code name} is absent. Secrets are never given inline. Call
     * it after {@link #rejectUnknown()}, so that a misspelt property is reported before a missing
     * variable.
     */
    public String secretFromEnv(String name, Function<String, String> env) {
        String var = string(name, null);
        if (var == null) {
            return null;
        }
        if (!var.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw invalid(name, var, "the name of an environment variable (letters, digits, _)");
        }
        String secret = env.apply(var);
        if (secret == null) {
            throw new ConfigException(path(name), "environment variable " + var + " is not set");
        }
        return secret;
    }

    /** Throws if any property was given that no getter asked for. Call after reading them all. */
    public void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            if (unknown.contains("password")) {
                throw new ConfigException(path("password"), "passwords are never given inline: put it in an environment "
                        + "variable and name that variable in 'passwordEnv'");
            }
            String first = unknown.iterator().next();
            throw new ConfigException(path(first), "unknown property of the " + type + " state manager; known: "
                    + String.join(", ", new TreeSet<>(known)));
        }
    }

    /** A mistake in {@code name}: got {@code value}, expected {@code expected}. */
    public ConfigException invalid(String name, String value, String expected) {
        return new ConfigException(path(name), "expected " + expected + ", got '" + value + "'");
    }

    /** The path of property {@code name} in a task's config: {@code stateConfig.name}. */
    public static String path(String name) {
        return "stateConfig." + name;
    }

    private static Duration parseDuration(String v) {
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
