package ai.geniusrise.core.config;

import java.util.Map;
import java.util.Objects;

/**
 * Which state manager a task uses and how to reach it: {@code type} names the backend
 * ({@code memory}, {@code file}, {@code redis}, {@code postgres}, {@code dynamodb}); {@code properties} are the
 * backend's settings ({@code url}, {@code table}, ...), which the backend validates. Passwords
 * never go into a pipeline file: a backend takes the name of the environment variable that holds
 * one ({@code passwordEnv: REDIS_PASSWORD}) and rejects an inline {@code password}.
 */
public record StateConfig(String type, Map<String, String> properties) {

    /** The in-memory state manager: state lives as long as the process. */
    public static final StateConfig IN_MEMORY = new StateConfig("memory", Map.of());

    /** Validates and copies. */
    public StateConfig {
        type = Locations.requireText("type", type, "the state backend: memory, file, redis, postgres or dynamodb");
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
    }

    /** A config of {@code type} with no properties. */
    public static StateConfig of(String type) {
        return new StateConfig(type, Map.of());
    }
}
