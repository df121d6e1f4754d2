package ai.geniusrise.core.state;

import ai.geniusrise.core.config.StateConfig;

/**
 * Service-provider interface of a state backend. Implementations are listed in
 * {@code META-INF/services/ai.geniusrise.core.state.StateManagerProvider} and found by
 * {@link StateManager#open(StateConfig)}.
 */
public interface StateManagerProvider {

    /** The {@code stateConfig.type} this provider serves, such as {@code redis}. */
    String type();

    /**
     * Opens a manager for {@code config}.
     *
     * @throws ai.geniusrise.core.ConfigException if a property is missing or wrong
     * @throws StateException if the store cannot be reached
     */
    StateManager open(StateConfig config);
}
