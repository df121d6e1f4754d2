package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads back what a Kafka→batch bolt published, as a reader of the destination sees it. */
final class Archives {

    private Archives() {
    }

    /** The visible objects under the destination, by name, with their values in order. */
    static Map<String, List<String>> published(BatchOutputConfig out) throws IOException {
        Map<String, List<String>> objects = new TreeMap<>();
        BatchStorage storage = BatchStorage.forScheme(out.scheme(), "destination");
        try (BatchInput input = storage.openInput(BatchInputConfig.builder(out.destination())
                .options(out.options()).build(), null)) {
            List<String> names;
            try {
                names = input.objects();
            } catch (java.nio.file.NoSuchFileException nothingYet) {
                return objects;
            }
            for (String object : names) {
                List<String> values = new ArrayList<>();
                try (RecordReader r = input.open(object)) {
                    for (Record rec = r.next(); rec != null; rec = r.next()) {
                        values.add(rec.valueAsString());
                    }
                }
                objects.put(object, values);
            }
        }
        return objects;
    }

    /** Every value published, in object order. */
    static List<String> values(BatchOutputConfig out) throws IOException {
        List<String> all = new ArrayList<>();
        published(out).values().forEach(all::addAll);
        return all;
    }

    /** The run ids committed under the destination whose id starts with {@code prefix}. */
    static List<String> runIds(BatchOutputConfig out, String prefix) throws IOException {
        try (BatchOutput output = BatchStorage.forScheme(out.scheme(), "destination").openOutput(out, null)) {
            return output.committedRunIds(prefix).stream().sorted().toList();
        }
    }
}
