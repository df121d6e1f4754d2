package ai.geniusrise.io.kafka;

import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.testkit.BatchOutputs;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Reads back what a Kafka→batch bolt published, as a reader of the destination sees it. */
final class Archives {

    private Archives() {
    }

    /** The visible objects under the destination, by name, with their values in order. */
    static Map<String, List<String>> published(BatchOutputConfig out) throws IOException {
        return BatchOutputs.valuesByObject(out.destination(), out.options());
    }

    /** Every value published, in object order. */
    static List<String> values(BatchOutputConfig out) throws IOException {
        return BatchOutputs.values(out.destination(), out.options());
    }

    /** The run ids committed under the destination whose id starts with {@code prefix}. */
    static List<String> runIds(BatchOutputConfig out, String prefix) throws IOException {
        try (BatchOutput output = BatchStorage.forScheme(out.scheme(), "destination").openOutput(out, null)) {
            return output.committedRunIds(prefix).stream().sorted().toList();
        }
    }
}
