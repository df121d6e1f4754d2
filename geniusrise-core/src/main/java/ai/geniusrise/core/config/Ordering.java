package ai.geniusrise.core.config;

import java.util.Locale;

/**
 * In what order a bolt reading a Kafka topic processes the records of its partitions, set with
 * {@code inputConfig.ordering}. Whatever the order, the committed offset of a partition is the
 * lowest offset not yet finished, so a crash loses nothing (at-least-once).
 */
public enum Ordering {
    /**
     * Records with the same key are processed one after another in offset order; records with
     * different keys concurrently, up to {@code maxInFlight} at once. Records without a key count
     * as one key per partition.
     */
    KEY,
    /** One record at a time per consumer-group member, in offset order (the default). */
    PARTITION,
    /** Any order: up to {@code maxInFlight} records at once, whatever their keys. */
    NONE;

    /** The name used in pipeline files: {@code key}, {@code partition}, {@code none}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
