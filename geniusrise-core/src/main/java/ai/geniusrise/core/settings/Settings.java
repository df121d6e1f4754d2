package ai.geniusrise.core.settings;

import ai.geniusrise.core.ConfigException;

import java.util.Map;
import java.util.function.Function;

/**
 * Typed, checked values of one {@link SettingsDef}: what an adapter, state manager, spout or
 * deploy target reads instead of a map of text. Made by {@link SettingsDef#parse}; immutable.
 */
public final class Settings {

    private final SettingsDef def;
    private final Map<String, Object> values;
    private final Map<String, String> passThrough;
    private final String pathPrefix;

    Settings(SettingsDef def, Map<String, Object> values, Map<String, String> passThrough, String pathPrefix) {
        this.def = def;
        this.pathPrefix = pathPrefix;
        this.values = Map.copyOf(values);
        this.passThrough = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(passThrough));
    }

    /**
     * The value of {@code setting}: as written, else its default, else {@code null}.
     *
     * @throws IllegalArgumentException if {@code setting} is not declared in this definition
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (def.setting(setting.name()) != setting) {
            throw new IllegalArgumentException("setting '" + setting.name() + "' is not declared in " + def.owner());
        }
        Object v = values.get(setting.name());
        return v != null ? (T) v : setting.defaultValue();
    }

    /** True when {@code setting} was written (not defaulted). */
    public boolean isSet(Setting<?> setting) {
        return values.containsKey(setting.name());
    }

    /**
     * The secret held by the environment variable that {@code reference} names, or {@code null}
     * when the key is absent.
     *
     * @throws ConfigException (path: the key) if the variable is not set; never quoting a secret
     */
    public String secret(Setting<String> reference, Function<String, String> env) {
        String variable = get(reference);
        if (variable == null) {
            return null;
        }
        String secret = env.apply(variable);
        if (secret == null) {
            throw error(reference, "environment variable " + variable + " is not set");
        }
        return secret;
    }

    /**
     * A mistake in the value of {@code setting} found after reading (such as a region no chain
     * resolves), its path the setting's path in the pipeline file.
     */
    public ConfigException error(Setting<?> setting, String problem) {
        return new ConfigException(pathPrefix + setting.name(), problem);
    }

    /** Keys a {@linkplain SettingsDef#passingThrough pass-through} definition did not declare, as written. */
    public Map<String, String> passThrough() {
        return passThrough;
    }

    /** The definition these values were read by. */
    public SettingsDef definition() {
        return def;
    }

    /** The keys written, never their values (one may be a credential). */
    @Override
    public String toString() {
        return "Settings{" + def.owner() + ": " + values.keySet() + (passThrough.isEmpty() ? "" : " + "
                + passThrough.keySet()) + "}";
    }
}
