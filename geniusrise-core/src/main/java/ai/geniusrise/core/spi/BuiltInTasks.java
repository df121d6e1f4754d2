package ai.geniusrise.core.spi;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.TaskHandle;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.settings.SettingsDef;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Service-provider interface of an adapter module's built-in tasks: which class runs a task
 * whose pipeline entry names no {@code class:}, chosen by the task's kind and its input config
 * (batch or streaming, and the scheme of its source). Listed in
 * {@code META-INF/services/ai.geniusrise.core.spi.BuiltInTasks} and consulted by
 * {@link #resolve(TaskSpec.Kind, InputConfig)}: {@code geniusrise-io}, for example, runs a
 * streaming spout reading {@code tcp://0.0.0.0:9000} with its TCP listener.
 *
 * <p>Providers name classes rather than hold them, so that a provider can be loaded even where
 * one of its classes is not; the runtime instantiates the class named like any {@code class:}.
 * Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface BuiltInTasks {

    /**
     * The fully qualified name of the built-in class that runs a task of {@code kind} reading
     * {@code input}, or {@code null} when this provider has none for it.
     */
    String classFor(TaskSpec.Kind kind, InputConfig input);

    /**
     * What this provider serves, one entry per built-in, for messages: the input type and the
     * source forms, such as {@code "streaming spout from tcp://host:port"}.
     */
    List<String> served();

    /**
     * The settings of the built-in task that runs a task of {@code kind} reading {@code input} (the
     * {@code options} of its batch input, or the {@code properties} of its streaming input), or
     * {@code null} when this provider has no such built-in or it declares none.
     */
    default SettingsDef settings(TaskSpec.Kind kind, InputConfig input) {
        return null;
    }

    /**
     * The settings of every built-in of this provider that declares some, by a short name such
     * as {@code tcp-listener}: what the reference docs list.
     */
    default Map<String, SettingsDef> allSettings() {
        return Map.of();
    }

    /** The settings of the built-in task serving {@code kind} and {@code input}, if a provider on the classpath declares them. */
    static Optional<SettingsDef> settingsFor(TaskSpec.Kind kind, InputConfig input) {
        for (BuiltInTasks provider : Providers.load(BuiltInTasks.class)) {
            if (provider.classFor(kind, input) != null) {
                return Optional.ofNullable(provider.settings(kind, input));
            }
        }
        return Optional.empty();
    }

    /**
     * The built-in class for a task of {@code kind} reading {@code input}, found with
     * {@link ServiceLoader} in the order providers are listed.
     *
     * <p>A bolt that no provider serves is a {@link PassThroughBolt}: it copies its records unchanged.
     *
     * @throws ConfigException at {@code config.inputConfig.source} when no provider on the classpath
     *                         has a spout for it, listing what the built-ins serve
     */
    static String resolve(TaskSpec.Kind kind, InputConfig input) {
        Set<String> served = new LinkedHashSet<>();
        for (BuiltInTasks provider : Providers.load(BuiltInTasks.class)) {
            String className = provider.classFor(kind, input);
            if (className != null) {
                return className;
            }
            served.addAll(provider.served());
        }
        if (kind == TaskSpec.Kind.BOLT) {
            return PassThroughBolt.class.getName();
        }
        String builtIns = served.isEmpty() ? "none is on the classpath (they come with ai.geniusrise:geniusrise-io)"
                : "built in are: " + String.join("; ", served);
        throw new ConfigException("config.inputConfig.source", "no built-in spout serves a " + input.type()
                + " input from '" + input.source() + "'; name the Spout class that reads it in class:, or use a "
                + "source a built-in serves (" + builtIns + ")");
    }

    /**
     * An instance of the built-in task serving {@code spec}, a task that names no class: the
     * class {@link #resolve} names for its kind and input, loaded with {@code loader}.
     *
     * @throws ConfigException if no built-in serves it, or the class named cannot be instantiated
     *                         (its module is missing from the classpath), at
     *                         {@code config.inputConfig.source}
     */
    static TaskHandle instantiate(TaskSpec spec, ClassLoader loader) {
        String className = resolve(spec.kind(), spec.input());
        try {
            return TaskHandle.instantiate(className, loader, "class");
        } catch (ConfigException e) {
            throw new ConfigException("config.inputConfig.source", "the built-in "
                    + spec.kind().name().toLowerCase(Locale.ROOT) + " for a " + spec.input().type() + " input from '"
                    + spec.input().source() + "' is " + className + ", which cannot be used: " + e.problem(), e);
        }
    }
}
