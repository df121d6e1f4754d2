/**
 * A schema registry for tests and local runs, serving the Confluent-compatible REST API:
 * {@link ai.geniusrise.testkit.schemaregistry.EmbeddedSchemaRegistry} (in this JVM, schemas in memory
 * or kept in a folder) and {@link ai.geniusrise.testkit.schemaregistry.SchemaRegistryExtension},
 * which gives a JUnit 5 test class an existing registry ({@code GENIUSRISE_TEST_SCHEMA_REGISTRY_URL}),
 * Apicurio Registry's container, or an embedded one; and
 * {@link ai.geniusrise.testkit.schemaregistry.AvroWireFormat}, which writes and reads Avro values in the
 * registry's wire format independently of Geniusrise's Kafka adapter.
 */
package ai.geniusrise.testkit.schemaregistry;
