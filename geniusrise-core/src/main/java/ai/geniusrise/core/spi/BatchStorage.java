package ai.geniusrise.core.spi;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;

import ai.geniusrise.core.settings.SettingsDef;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Service-provider interface of a batch store (local files, S3, ...), serving one or more
 * location schemes. Listed in {@code META-INF/services/ai.geniusrise.core.spi.BatchStorage} and
 * found by {@link #forScheme(String)}; the runtime drives the inputs and outputs it opens.
 */
public interface BatchStorage {

    /** The location schemes served, such as {@code file} or {@code s3}. */
    Set<String> schemes();

    /**
     * The settings of this store: every key the {@code options} of a batch input or output at one
     * of its locations may hold (its client's and its formats'). The pipeline parser checks a file's
     * {@code options} (and the {@code defaults.s3} they inherit) against them, so
     * {@code geniusrise validate} reports a mistake at its line; the inputs and outputs read their
     * values with {@code settings().parse(config.options(), "options.")}. A store that declares
     * nothing accepts any key unchecked.
     */
    default SettingsDef settings() {
        return SettingsDef.undeclared("the options of a " + String.join("/", schemes()) + " location");
    }

    /**
     * The {@code options} that point a config of this store at a server standing at
     * {@code endpoint} (S3Proxy, MinIO: a test's stand-in) with static credentials, written with
     * this store's own declarations, so that no other module (the test kit, the CLI's local mode)
     * writes its keys; empty when the store has no such notion (local files).
     */
    default Optional<Map<String, String>> optionsAt(String endpoint, String region, String accessKeyId,
                                                    String secretAccessKey) {
        return Optional.empty();
    }

    /**
     * Opens an input over {@code config.source()}.
     *
     * @throws ConfigException if the config does not suit this store
     * @throws IOException     if the store cannot be reached
     */
    BatchInput openInput(BatchInputConfig config, TaskContext context) throws IOException;

    /**
     * Opens an output under {@code config.destination()}.
     *
     * @throws ConfigException if the config does not suit this store
     * @throws IOException     if the store cannot be reached
     */
    BatchOutput openOutput(BatchOutputConfig config, TaskContext context) throws IOException;

    /**
     * The storage serving {@code scheme}, found with {@link ServiceLoader}.
     *
     * @param configPath the config field holding the location, for the error message
     * @throws ConfigException if no storage on the classpath serves it
     */
    static BatchStorage forScheme(String scheme, String configPath) {
        Optional<BatchStorage> found = find(scheme);
        if (found.isPresent()) {
            return found.get();
        }
        Set<String> known = new TreeSet<>();
        for (BatchStorage s : Providers.load(BatchStorage.class)) {
            known.addAll(s.schemes());
        }
        throw new ConfigException(configPath, "no batch storage for '" + scheme + "://' locations is on the "
                + "classpath (known: " + (known.isEmpty() ? "none" : String.join(", ", known))
                + "); file and s3 locations come with ai.geniusrise:geniusrise-io");
    }

    /** The storage serving {@code scheme}, found with {@link ServiceLoader}, if one is on the classpath. */
    static Optional<BatchStorage> find(String scheme) {
        return Providers.load(BatchStorage.class).stream().filter(s -> s.schemes().contains(scheme)).findFirst();
    }
}
