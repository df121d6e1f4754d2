package ai.geniusrise.core.spi;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;

import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.SettingsDef;

import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Service-provider interface of a streaming engine (Kafka, ...): the loop that moves records
 * between a streaming source and a streaming output for one task. Listed in
 * {@code META-INF/services/ai.geniusrise.core.spi.StreamingEngine} and found by
 * {@link #forConfigs(InputConfig, OutputConfig, boolean)}. The runtime owns the task, its error
 * policy and its metrics, and hands them to the engine as a {@link StreamingTask}; the engine owns
 * the clients, the delivery guarantee and the commits.
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe: one instance
 * may run several tasks, one {@link #run} call each.
 */
public interface StreamingEngine {

    /**
     * The gauge an engine registers in the task's registry ({@code context().metrics()}), one per
     * consumer member, when it can tell how far behind its input is: records not yet read (Kafka's
     * consumer lag), or a negative value while unknown. Progress displays sum the members'.
     */
    String INPUT_LAG_GAUGE = "geniusrise.input.lag";

    /**
     * The gauge an engine processing many records at once per member ({@code ordering: key | none})
     * registers, one per member: records in process now (the bolt called, its stage not complete).
     * Progress displays sum the members'.
     */
    String IN_PROCESS_GAUGE = "geniusrise.records.in.process";

    /**
     * Beside {@link #IN_PROCESS_GAUGE}: records taken and waiting to run, behind a record of their
     * key or for a free slot.
     */
    String WAITING_GAUGE = "geniusrise.records.waiting";

    /** A short name for messages and logs, such as {@code kafka}. */
    String name();

    /**
     * The settings of this engine: the keys the {@code properties} of a streaming input or output
     * may hold (and {@code defaults.kafka.properties}). An engine passing its client's own
     * properties through declares a {@linkplain SettingsDef#passingThrough pass-through}
     * definition, which warns of keys the client does not know. Checked when the pipeline file is
     * loaded. An engine that declares nothing accepts any key unchecked.
     */
    default SettingsDef properties() {
        return SettingsDef.undeclared("the properties of a " + name() + " stream");
    }

    /**
     * What the name of a stream ({@code source} of a bolt's streaming input, {@code destination} of
     * a streaming output) must be, such as Kafka's rules for a topic name. Checked when the pipeline
     * file is loaded.
     */
    default Setting<String> streamName() {
        return Setting.string("stream", "The name of a stream.");
    }

    /**
     * True when this engine runs a task with these configs: a bolt reading {@code input} (a
     * streaming input) and writing {@code output}, or a spout writing {@code output}.
     */
    boolean serves(InputConfig input, OutputConfig output, boolean spout);

    /**
     * Runs {@code task} until {@link StreamingTask#stopRequested()} turns true, then makes every
     * produced record durable, commits what it consumed, closes its clients and returns. Blocks the
     * calling thread, which is the only thread that calls {@code task}'s methods; an engine that
     * runs several threads for one task gives each of the others its own {@link StreamingTask#member()}.
     *
     * @throws ConfigException                          if the task's configs do not work (unknown topic,
     *                                                  missing servers), with the config field's path
     * @throws ai.geniusrise.core.TaskFailedException if the task fails (error policy {@code fail},
     *                                                  an output that cannot be written); nothing past
     *                                                  the failed record is committed
     */
    void run(StreamingTask task) throws Exception;

    /**
     * The engine serving a task with these configs, found with {@link ServiceLoader}.
     *
     * @throws ConfigException if no engine on the classpath serves them
     */
    static StreamingEngine forConfigs(InputConfig input, OutputConfig output, boolean spout) {
        Optional<StreamingEngine> found = find(input, output, spout);
        if (found.isPresent()) {
            return found.get();
        }
        Set<String> known = new TreeSet<>();
        for (StreamingEngine e : Providers.load(StreamingEngine.class)) {
            known.add(e.name());
        }
        String path = output instanceof StreamingOutputConfig ? "config.outputConfig.type" : "config.inputConfig.type";
        throw new ConfigException(path, "no streaming engine on the classpath runs a " + (spout ? "spout" : "bolt")
                + " from " + input.type() + " to " + output.type() + " (engines found: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + "); Kafka comes with "
                + "ai.geniusrise:geniusrise-io");
    }

    /** The engine serving a task with these configs, found with {@link ServiceLoader}, if one is on the classpath. */
    static Optional<StreamingEngine> find(InputConfig input, OutputConfig output, boolean spout) {
        return Providers.load(StreamingEngine.class).stream().filter(e -> e.serves(input, output, spout)).findFirst();
    }
}
