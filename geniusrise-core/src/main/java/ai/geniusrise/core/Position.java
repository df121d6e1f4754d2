package ai.geniusrise.core;

import java.util.Objects;

/**
 * Where a record came from: an offset in a topic partition, a line (or record number) in a
 * stored object, or nowhere in particular for records a spout creates.
 *
 * <p>Positions appear in error messages and dead letters, so that a user can find the exact
 * input that failed. Their {@link #toString()} is meant for people.
 */
public sealed interface Position permits Position.InTopic, Position.InObject, Position.None {

    /** No known source: a record built by user code. */
    Position NONE = new None();

    /** Record {@code offset} of partition {@code partition} of {@code topic}. */
    static Position inTopic(String topic, int partition, long offset) {
        return new InTopic(topic, partition, offset);
    }

    /**
     * Record {@code index} (1-based: a line number for line formats) of object {@code object}
     * under {@code location}.
     */
    static Position inObject(String location, String object, long index) {
        return new InObject(location, object, index);
    }

    /** A position in a streaming topic. */
    record InTopic(String topic, int partition, long offset) implements Position {
        public InTopic {
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String toString() {
            return topic + "[" + partition + "]@" + offset;
        }
    }

    /** A position in a stored object: {@code location} is the input's URI, {@code object} the object's key or path. */
    record InObject(String location, String object, long index) implements Position {
        public InObject {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(object, "object");
        }

        @Override
        public String toString() {
            return object + ":" + index;
        }
    }

    /** The position of a record with no known source. */
    final class None implements Position {
        private None() {
        }

        @Override
        public String toString() {
            return "(no source position)";
        }
    }
}
