package ai.geniusrise.core.spi;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.SchemaFormat;

import java.util.Optional;

/**
 * Service-provider interface of a schema-registry format that lives in a module of its own
 * ({@code protobuf}, in {@code ai.geniusrise:geniusrise-protobuf}): turns a schema's text into a
 * {@link Compiled} schema that converts between the JSON a bolt sees and the data after the wire
 * format's 5-byte header. The streaming engine owns the registry (ids, subjects, the header); the
 * pipeline parser compiles a schema written in the file so that {@code validate} reports its
 * mistakes. Listed in {@code META-INF/services/ai.geniusrise.core.spi.SchemaCodec}; implementations
 * need a public no-argument constructor and must be thread-safe, as must their compiled schemas.
 */
public interface SchemaCodec {

    /** The format served. */
    SchemaFormat format();

    /**
     * {@code schemaText} compiled, to write messages of {@code recordName} (its first record when
     * null) and to read any record it defines.
     *
     * @throws ConfigException with a null path, when the text is not a valid schema or names no
     *                         such record; the problem says where in the text
     */
    Compiled compile(String schemaText, String recordName);

    /** A compiled schema. Thread-safe. */
    interface Compiled {

        /** The text to register (as given, or normalised). */
        String text();

        /** The full name of the record written, for the subject naming strategies. */
        String recordName();

        /**
         * The data of {@code json} (what follows the header), written as the record this schema writes.
         *
         * @throws Mismatch when {@code json} is not JSON or does not fit the record
         */
        byte[] encode(byte[] json);

        /**
         * The JSON of the data in {@code wire} from {@code offset} on (what follows the header).
         *
         * @throws Mismatch when the data is not a record of this schema
         */
        byte[] decode(byte[] wire, int offset);
    }

    /** Data or JSON that does not fit a schema; the message says what and where. */
    final class Mismatch extends RuntimeException {

        /** A mismatch described by {@code message}. */
        public Mismatch(String message) {
            super(message);
        }

        /** A mismatch described by {@code message}, found as {@code cause}. */
        public Mismatch(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The codec of {@code format} on the classpath, if any. */
    static Optional<SchemaCodec> find(SchemaFormat format) {
        return Providers.load(SchemaCodec.class).stream().filter(c -> c.format() == format).findFirst();
    }

    /**
     * The codec of {@code format}.
     *
     * @param key the config key naming the format, for the error
     * @throws ConfigException naming the module to add when none is on the classpath
     */
    static SchemaCodec forFormat(SchemaFormat format, String key) {
        return find(format).orElseThrow(() -> new ConfigException(key, format.yamlName() + " needs the module "
                + "ai.geniusrise:geniusrise-" + format.yamlName() + " on the classpath (a dependency of its own, "
                + "kept out of geniusrise-io for its weight): add it next to geniusrise-io"));
    }
}
