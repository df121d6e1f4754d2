package ai.geniusrise.testkit;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads back a batch location the way a downstream reader of a pipeline sees it: through the
 * storage adapter on the classpath (files, S3, ...), committed objects only (parts no commit
 * marker lists stay invisible), decoded by the format their names say.
 *
 * <pre>{@code
 * assertThat(BatchOutputs.values("s3://bucket/results", s3.options())).containsExactly(...);
 * }</pre>
 */
public final class BatchOutputs {

    private BatchOutputs() {
    }

    /**
     * The committed objects under {@code location}, by name in order, each with its records' values
     * (UTF-8) in order; empty when nothing is there yet.
     *
     * @param options the storage's options, such as an S3 endpoint and credentials
     * @throws IOException if the location cannot be listed or an object read
     */
    public static Map<String, List<String>> valuesByObject(String location, Map<String, String> options)
            throws IOException {
        BatchInputConfig config = BatchInputConfig.builder(location).options(options).build();
        Map<String, List<String>> objects = new TreeMap<>();
        try (BatchInput input = BatchStorage.forScheme(config.scheme(), "location").openInput(config, null)) {
            List<String> names;
            try {
                names = input.objects();
            } catch (NoSuchFileException nothingYet) {
                return objects;
            }
            for (String object : names) {
                List<String> values = new ArrayList<>();
                try (RecordReader reader = input.open(object)) {
                    for (Record r = reader.next(); r != null; r = reader.next()) {
                        values.add(r.valueAsString());
                    }
                }
                objects.put(object, values);
            }
        }
        return objects;
    }

    /** Every committed value under {@code location}, object after object; see {@link #valuesByObject}. */
    public static List<String> values(String location, Map<String, String> options) throws IOException {
        List<String> all = new ArrayList<>();
        valuesByObject(location, options).values().forEach(all::addAll);
        return all;
    }
}
