package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.spi.StreamSink;
import ai.geniusrise.core.spi.StreamingTask;

/**
 * The key and value codecs of one Kafka input or output whose {@code keyFormat} or
 * {@code valueFormat} is set: each side with a format goes through its {@link RegistryCodec}, the
 * other passes as it is. Shared by the members of a consumer group.
 */
final class TopicSchemas {

    /** Where the registry's URL comes from when the config names none. */
    static final String URL_ENV = "SCHEMA_REGISTRY_URL";

    private final RegistryCodec key;
    private final RegistryCodec value;
    private final String keyField;

    private TopicSchemas(RegistryCodec key, RegistryCodec value, String keyField) {
        this.key = key;
        this.value = value;
        this.keyField = keyField;
    }

    /** The codecs decoding what {@code in} reads, or {@code null} when it names no format. */
    static TopicSchemas reading(StreamingInputConfig in) {
        if (in.schemaRegistry() == null) {
            return null;
        }
        String prefix = "config.inputConfig.";
        SchemaRegistryClient registry = client(in.schemaRegistry(), prefix);
        try {
            return new TopicSchemas(reader(in.keyFormat(), registry, true), reader(in.valueFormat(), registry, false),
                    null);
        } catch (ConfigException e) {
            throw new ConfigException(prefix + e.path(), e.problem(), e.getCause());
        }
    }

    /**
     * The codecs encoding what is written to {@code out}, their schemas registered or looked up
     * now; {@code null} when it names no format.
     *
     * @throws ConfigException when a schema is invalid, not registered (and may not be), or refused
     */
    static TopicSchemas writing(StreamingOutputConfig out) {
        SchemaRegistryConfig config = out.schemaRegistry();
        if (config == null) {
            return null;
        }
        String prefix = "config.outputConfig.";
        SchemaRegistryClient registry = client(config, prefix);
        try {
            return new TopicSchemas(
                    out.keyFormat() == null ? null : RegistryCodec.writing(out.keyFormat(), registry, config,
                            out.topic(), true, out.keySchema(), out.keyMessageType()),
                    out.valueFormat() == null ? null : RegistryCodec.writing(out.valueFormat(), registry, config,
                            out.topic(), false, out.valueSchema(), out.valueMessageType()), out.keyField());
        } catch (ConfigException e) {
            throw new ConfigException(prefix + e.path(), e.problem(), e.getCause());
        }
    }

    private static RegistryCodec reader(SchemaFormat format, SchemaRegistryClient registry, boolean isKey) {
        return format == null ? null : RegistryCodec.reading(format, registry, isKey);
    }

    private static SchemaRegistryClient client(SchemaRegistryConfig config, String prefix) {
        String url = config.url();
        if (url == null) {
            String env = System.getenv(URL_ENV);
            if (env == null || env.isBlank()) {
                throw new ConfigException(prefix + "schemaRegistry.url", "no schema registry is configured: set "
                        + "schemaRegistry.url here, or the environment variable " + URL_ENV);
            }
            url = new SchemaRegistryConfig(env, config.subjectNameStrategy(), config.autoRegister()).url();
        }
        return new SchemaRegistryClient(url);
    }

    /**
     * {@code raw} with its key and value decoded into JSON.
     *
     * @throws SchemaMismatchException when one is not in the wire format or does not match its schema
     */
    Record decode(Record raw) {
        return convert(raw, RegistryCodec::decode);
    }

    /**
     * {@code json} with its key and value encoded with the output's schemas.
     *
     * @throws SchemaMismatchException when one does not match its schema
     */
    Record encode(Record json) {
        // the key a keyField names is taken from the JSON, before the value is encoded
        Record keyed = keyField == null ? json : json.withKey(KafkaStreamingOutput.keyOf(json, keyField));
        return convert(keyed, RegistryCodec::encode);
    }

    /** One codec's decode or encode. */
    private interface Conversion {
        byte[] apply(RegistryCodec codec, byte[] bytes, Position at);
    }

    /** {@code r} with its key and value (not a tombstone's) converted by their codecs, if they have one. */
    private Record convert(Record r, Conversion conversion) {
        Record out = r;
        if (key != null && r.key() != null) {
            out = out.withKey(conversion.apply(key, r.key(), r.position()));
        }
        if (value != null && !r.isTombstone()) {
            out = out.withValue(conversion.apply(value, r.value(), r.position()));
        }
        return out;
    }

    /**
     * A sink that encodes each record before {@code out} sends it; a record that does not match
     * goes through {@code task}'s error policy (its dead letter carries the JSON the task emitted).
     */
    StreamSink encoding(StreamSink out, StreamingTask task) {
        return new StreamSink() {
            @Override
            public void send(Record record) {
                Record encoded;
                try {
                    encoded = encode(record);
                } catch (SchemaMismatchException e) {
                    task.reject(record, e, out);
                    return;
                }
                out.send(encoded);
            }

            @Override
            public void deadLetter(Record original, String reason, Throwable error) {
                out.deadLetter(original, reason, error);
            }

            @Override
            public void awaitAcknowledged() {
                out.awaitAcknowledged();
            }
        };
    }
}
