package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

import java.util.Locale;

/**
 * The schema registry a streaming input or output encodes its keys or values with (see
 * {@link SchemaFormat}): any registry serving the Confluent-compatible REST API
 * ({@code /subjects/{subject}/versions}, {@code /schemas/ids/{id}}), such as Apicurio Registry's
 * {@code /apis/ccompat/v7}.
 *
 * @param url                 the registry's base URL, or {@code null} for the environment variable
 *                            {@code SCHEMA_REGISTRY_URL} (local mode starts a registry when neither is set)
 * @param subjectNameStrategy under which subject an output registers or looks up its schema
 * @param autoRegister        true to register an output's schema on first write (the default); false
 *                            to require that it is registered already
 */
public record SchemaRegistryConfig(String url, SubjectNameStrategy subjectNameStrategy, boolean autoRegister) {

    /** No URL (from the environment), the topic strategy, schemas registered on first write. */
    public static final SchemaRegistryConfig DEFAULT = new SchemaRegistryConfig(null, SubjectNameStrategy.TOPIC, true);

    /** Checks the values; a blank URL means none. */
    public SchemaRegistryConfig {
        url = url == null || url.isBlank() ? null : url.trim();
        if (url != null && !url.toLowerCase(Locale.ROOT).startsWith("http://")
                && !url.toLowerCase(Locale.ROOT).startsWith("https://")) {
            throw new ConfigException("schemaRegistry.url", "expected an http:// or https:// URL, got '" + url + "'");
        }
        if (subjectNameStrategy == null) {
            subjectNameStrategy = SubjectNameStrategy.TOPIC;
        }
    }

    /** This config with {@code url} in place of its own. */
    public SchemaRegistryConfig withUrl(String url) {
        return new SchemaRegistryConfig(url, subjectNameStrategy, autoRegister);
    }

    /** How the subject of a topic's key or value schema is named, as Confluent's serializers name it. */
    public enum SubjectNameStrategy {
        /** {@code <topic>-key} or {@code <topic>-value}: one schema (and its versions) per topic. */
        TOPIC("topic"),
        /** The record's full name ({@code com.acme.Click}): one record type, whatever the topic. */
        RECORD("record"),
        /** {@code <topic>-<record full name>}: several record types in one topic. */
        TOPIC_RECORD("topic-record");

        private final String yamlName;

        SubjectNameStrategy(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The name used in pipeline files. */
        public String yamlName() {
            return yamlName;
        }

        /**
         * The subject for a schema of {@code recordName} (a full name; {@code null} when the schema
         * names none) on {@code topic}, for its keys when {@code isKey}.
         *
         * @throws IllegalArgumentException when the strategy needs a record name and there is none
         */
        public String subject(String topic, boolean isKey, String recordName) {
            if (this == TOPIC) {
                return topic + (isKey ? "-key" : "-value");
            }
            if (recordName == null) {
                throw new IllegalArgumentException("the subject name strategy '" + yamlName + "' needs a schema that "
                        + "names its record (an Avro record's name, a JSON Schema's title)");
            }
            return this == RECORD ? recordName : topic + "-" + recordName;
        }
    }
}
