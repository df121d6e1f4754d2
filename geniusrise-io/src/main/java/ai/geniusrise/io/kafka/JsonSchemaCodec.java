package ai.geniusrise.io.kafka;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON text checked against a JSON Schema, in the wire format (the registry's schema type
 * {@code JSON}): the header, then the JSON bytes as they are. A schema without {@code $schema} is
 * read as draft 7, as Confluent's serializers read it; {@code $schema} may name drafts 4, 6, 7,
 * 2019-09 and 2020-12. References ({@code $ref}) resolve inside the schema only: nothing is
 * fetched from the network. Validation is by networknt's json-schema-validator.
 */
final class JsonSchemaCodec extends RegistryCodec {

    /** A key or value is one JSON document: trailing content after it does not match. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private static final String DRAFT_7 = "http://json-schema.org/draft-07/schema#";
    private static final int ERRORS_SHOWN = 3;

    /** A compiled schema, and whether a key under it reaches the task as plain text. */
    private record Compiled(Schema schema, boolean text) {
    }

    private final Map<Integer, Compiled> readers = new ConcurrentHashMap<>();
    private Compiled writer;
    private String title;
    private int id = -1;

    JsonSchemaCodec(SchemaRegistryClient registry, boolean isKey) {
        super(registry, isKey);
    }

    @Override
    void settle(SchemaRegistryConfig config, String topic, String schemaText) {
        if (schemaText == null) {
            SchemaRegistryClient.Registered latest = latest(config, topic, schemaKey(), "JSON");
            writer = compile(parse(latest.schema()));
            id = latest.id();
        } else {
            JsonNode node = parse(schemaText);
            List<Error> problems = metaSchema(node).validate(node);
            if (!problems.isEmpty()) {
                throw new ConfigException(schemaKey(), "is not a valid JSON Schema: " + describe(problems));
            }
            writer = compile(node);
            String recordName = node.path("title").isTextual() ? node.get("title").asText() : null;
            id = idOf(config, subject(config, topic, recordName), node.toString(), "JSON", schemaKey());
        }
        title = writer.schema().getSchemaNode().path("title").asText(null);
    }

    private JsonNode parse(String schemaText) {
        JsonNode node;
        try {
            node = JSON.readTree(schemaText);
        } catch (JsonProcessingException e) {
            throw new ConfigException(schemaKey(), "is not a valid JSON Schema: it is not JSON: "
                    + e.getOriginalMessage());
        }
        if (!node.isObject() && !node.isBoolean()) {
            throw new ConfigException(schemaKey(), "is not a valid JSON Schema: expected an object (or true/false), "
                    + "got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return node;
    }

    /** The meta-schema {@code schema} names in {@code $schema} (draft 7 when it names none). */
    private Schema metaSchema(JsonNode schema) {
        String dialect = schema.path("$schema").asText(DRAFT_7);
        try {
            return SCHEMAS.getSchema(SchemaLocation.of(dialect));
        } catch (SchemaException e) {
            throw new ConfigException(schemaKey(), "is not a valid JSON Schema: its $schema '" + dialect
                    + "' is not a draft this validator knows (draft 4, 6, 7, 2019-09, 2020-12): " + e.getMessage());
        }
    }

    /**
     * {@code node} compiled, its references resolved now (so a reference that does not resolve is
     * found here, and the compiled schema is safe to share between threads).
     */
    private Compiled compile(JsonNode node) {
        Schema schema = SCHEMAS.getSchema(node);
        schema.initializeValidators();
        return new Compiled(schema, isKey() && node.path("type").asText("").equals("string"));
    }

    @Override
    int schemaId() {
        return id;
    }

    @Override
    byte[] decode(int schemaId, byte[] wire, Position at) {
        Compiled c;
        try {
            c = readers.computeIfAbsent(schemaId, this::reader);
        } catch (SchemaMismatchException e) {
            throw new SchemaMismatchException(schemaId, e.getMessage(), at, wire, e.getCause());
        }
        JsonNode node;
        try {
            node = JSON.readTree(wire, HEADER, wire.length - HEADER);
        } catch (JsonProcessingException e) {
            throw new SchemaMismatchException(schemaId, "the " + what + " is not JSON, so it does not match its JSON "
                    + "Schema (id " + schemaId + "): " + e.getOriginalMessage(), at, wire, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading an array in memory
        }
        List<Error> problems = c.schema().validate(node);
        if (!problems.isEmpty()) {
            throw new SchemaMismatchException(schemaId, "the " + what + " does not match its JSON Schema (id "
                    + schemaId + "): " + describe(problems), at, wire, null);
        }
        if (c.text() && node.isTextual()) {
            return node.asText().getBytes(StandardCharsets.UTF_8);
        }
        return Arrays.copyOfRange(wire, HEADER, wire.length);
    }

    private Compiled reader(int schemaId) {
        String text = fetch(schemaId, "JSON", "a JSON Schema").schema();
        try {
            return compile(JSON.readTree(text));
        } catch (IOException | SchemaException e) {
            throw new SchemaMismatchException(schemaId, "the " + what + " names schema id " + schemaId
                    + ", which is not a JSON Schema this validator can use: " + e.getMessage(), null, null, e);
        }
    }

    @Override
    byte[] encode(byte[] json, Position at) {
        if (json == null) {
            return null;
        }
        JsonNode node;
        byte[] body = json;
        try {
            if (writer.text()) {
                node = JSON.getNodeFactory().textNode(new String(json, StandardCharsets.UTF_8));
                body = JSON.writeValueAsBytes(node);
            } else {
                node = JSON.readTree(json);
            }
        } catch (IOException e) {
            throw new SchemaMismatchException(id, "the " + what + " is not JSON, so it cannot be written with JSON "
                    + "Schema id " + id + ": " + preview(json), at, json, e);
        }
        List<Error> problems = writer.schema().validate(node);
        if (!problems.isEmpty()) {
            throw new SchemaMismatchException(id, "the " + what + " does not match JSON Schema id " + id
                    + (title == null ? "" : " (" + title + ")") + ": " + describe(problems), at, json, null);
        }
        ByteArrayOutputStream out = header(id, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The first problems, each at its JSON pointer ({@code /} for the whole document). */
    private static String describe(List<Error> problems) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(ERRORS_SHOWN, problems.size()); i++) {
            Error e = problems.get(i);
            String where = e.getInstanceLocation().toString();
            s.append(i == 0 ? "" : "; ").append(where.isEmpty() ? "/" : where).append(": ").append(e.getMessage());
        }
        if (problems.size() > ERRORS_SHOWN) {
            s.append("; and ").append(problems.size() - ERRORS_SHOWN).append(" more");
        }
        return s.toString();
    }
}
