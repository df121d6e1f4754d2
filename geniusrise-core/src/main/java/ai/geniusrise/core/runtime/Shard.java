package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ConfigException;

import java.util.Map;

/**
 * Which part of a batch input this process reads when a task runs as {@code count} processes
 * (the pods of an Indexed Job): shard {@code index} takes the objects whose name's
 * {@link String#hashCode()} is {@code index} modulo {@code count}. The hash is specified by the
 * Java language, so every process agrees on the split whatever its JVM.
 *
 * @param index this process's shard, from 0
 * @param count how many processes share the input
 */
public record Shard(int index, int count) {

    /** The whole input: one process. */
    public static final Shard ALL = new Shard(0, 1);

    /** Checks {@code 0 <= index < count}. */
    public Shard {
        if (count < 1) {
            throw new ConfigException("GENIUSRISE_SHARD_COUNT", "must be at least 1, got " + count);
        }
        if (index < 0 || index >= count) {
            throw new ConfigException("shard index", "must be from 0 to " + (count - 1) + " for " + count
                    + " shards, got " + index);
        }
    }

    /**
     * The shard named by the environment: {@code GENIUSRISE_SHARD_COUNT}, and the index from
     * {@code GENIUSRISE_SHARD_INDEX} or Kubernetes' {@code JOB_COMPLETION_INDEX}; {@link #ALL}
     * when no count is set.
     *
     * @throws ConfigException naming the variable whose value is not a valid number
     */
    public static Shard fromEnvironment(Map<String, String> env) {
        String count = env.get("GENIUSRISE_SHARD_COUNT");
        if (count == null || count.isBlank()) {
            return ALL;
        }
        String indexVariable = env.containsKey("GENIUSRISE_SHARD_INDEX") ? "GENIUSRISE_SHARD_INDEX" : "JOB_COMPLETION_INDEX";
        String index = env.get(indexVariable);
        if (index == null || index.isBlank()) {
            throw new ConfigException(indexVariable, "is not set, but GENIUSRISE_SHARD_COUNT is " + count
                    + ": each process needs its shard index (Kubernetes sets JOB_COMPLETION_INDEX in an Indexed Job)");
        }
        return new Shard(parse(indexVariable, index), parse("GENIUSRISE_SHARD_COUNT", count));
    }

    private static int parse(String variable, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(variable, "expected a whole number, got '" + value + "'");
        }
    }

    /** True when {@code object} belongs to this shard. */
    public boolean owns(String object) {
        return count == 1 || Math.floorMod(object.hashCode(), count) == index;
    }

    /** A suffix for names this shard writes that are not tied to one input object; empty for one shard. */
    String nameSuffix() {
        return count == 1 ? "" : "-s" + index;
    }
}
