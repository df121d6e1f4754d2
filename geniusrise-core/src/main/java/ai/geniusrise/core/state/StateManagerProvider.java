package ai.geniusrise.core.state;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.Providers;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Service-provider interface of a state backend. Implementations are listed in
 * {@code META-INF/services/ai.geniusrise.core.state.StateManagerProvider} and found by
 * {@link StateManager#open(StateConfig)}.
 */
public interface StateManagerProvider {

    /** The {@code stateConfig.type} this provider serves, such as {@code redis}. */
    String type();

    /**
     * The settings of this backend: every key a {@code stateConfig} of this type may hold besides
     * {@code type}. The pipeline parser checks a file's {@code stateConfig} against them, so
     * {@code geniusrise validate} reports a mistake at its line; {@link #open} reads its values with
     * {@code settings().parse(config.properties(), "stateConfig.")}. A provider that declares
     * nothing accepts any key unchecked.
     */
    default SettingsDef settings() {
        return SettingsDef.undeclared("a " + type() + " stateConfig");
    }

    /**
     * The {@code stateConfig} properties that reach a server of this backend standing at
     * {@code url} (a test's stand-in: an embedded Redis, PostgreSQL, DynamoDB Local), written with
     * this backend's own declarations, so that no other module (the test kit) writes its keys.
     * Arguments this backend has no use for, or that are {@code null}, are left out.
     *
     * @param region      the region to sign requests for, or {@code null}
     * @param user        the user to connect as, or {@code null}
     * @param passwordEnv the environment variable holding the password, or {@code null}
     */
    default Map<String, String> propertiesAt(String url, String region, String user, String passwordEnv) {
        throw new UnsupportedOperationException("the " + type() + " state backend has no server to point at");
    }

    /**
     * Opens a manager for {@code config}.
     *
     * @throws ai.geniusrise.core.ConfigException if a property is missing or wrong
     * @throws StateException if the store cannot be reached
     */
    StateManager open(StateConfig config);

    /** The provider of {@code type} found with {@link ServiceLoader} (this library's loader first, then the thread's). */
    static Optional<StateManagerProvider> find(String type) {
        return Providers.load(StateManagerProvider.class).stream().filter(p -> p.type().equals(type)).findFirst();
    }
}
