package ai.geniusrise.core;

import java.util.Locale;

/**
 * The delivery guarantee of a streaming task, set per task with
 * {@code guarantee: at_least_once | exactly_once}.
 */
public enum Guarantee {
    /**
     * The default. An input position is committed only after every record produced from it (and
     * from the positions before it) is acknowledged by the output: a crash loses nothing, and
     * records processed since the last commit are processed again.
     */
    AT_LEAST_ONCE,
    /**
     * Kafka to Kafka only: records are produced and input offsets committed in one Kafka
     * transaction, so consumers reading the output with {@code isolation.level=read_committed}
     * see every result exactly once, across crashes.
     */
    EXACTLY_ONCE;

    /** The name used in pipeline files: {@code at_least_once}, {@code exactly_once}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
