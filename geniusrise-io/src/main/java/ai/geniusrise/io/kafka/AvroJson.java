package ai.geniusrise.io.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plain JSON a bolt sees of an Avro datum, and back: records as objects, arrays, maps as
 * objects, enums as their symbol, a union as the value of its branch (no Avro-JSON wrapper),
 * {@code bytes} and {@code fixed} as base64 text, logical types as their underlying type. From
 * JSON the mapping is strict: a missing field without a default, a field the schema lacks, or a
 * value of the wrong type is a {@link Mismatch} naming the field's path.
 */
final class AvroJson {

    /** A JSON value that does not fit its Avro schema, at {@code path}. */
    static final class Mismatch extends Exception {
        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    // ------------------------------------------------------------------ Avro to JSON

    static JsonNode toJson(Object datum, Schema schema) {
        switch (schema.getType()) {
            case RECORD -> {
                GenericRecord r = (GenericRecord) datum;
                ObjectNode o = NODES.objectNode();
                for (Schema.Field f : schema.getFields()) {
                    o.set(f.name(), toJson(r.get(f.pos()), f.schema()));
                }
                return o;
            }
            case ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (Object item : (Collection<?>) datum) {
                    a.add(toJson(item, schema.getElementType()));
                }
                return a;
            }
            case MAP -> {
                ObjectNode o = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
                    o.set(e.getKey().toString(), toJson(e.getValue(), schema.getValueType()));
                }
                return o;
            }
            case UNION -> {
                int branch = GenericData.get().resolveUnion(schema, datum);
                return toJson(datum, schema.getTypes().get(branch));
            }
            case ENUM, STRING -> {
                return NODES.textNode(datum.toString());
            }
            case BYTES -> {
                ByteBuffer b = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED -> {
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
            }
            case INT -> {
                return NODES.numberNode((Integer) datum);
            }
            case LONG -> {
                return NODES.numberNode((Long) datum);
            }
            case FLOAT -> {
                return NODES.numberNode((Float) datum);
            }
            case DOUBLE -> {
                return NODES.numberNode((Double) datum);
            }
            case BOOLEAN -> {
                return NODES.booleanNode((Boolean) datum);
            }
            default -> {
                return NODES.nullNode();
            }
        }
    }

    // ------------------------------------------------------------------ JSON to Avro

    /** The Avro datum of {@code json} (null or missing for a JSON null) in {@code schema}. */
    static Object fromJson(JsonNode json, Schema schema) throws Mismatch {
        return fromJson(json, schema, "");
    }

    private static Object fromJson(JsonNode json, Schema schema, String path) throws Mismatch {
        boolean isNull = json == null || json.isNull() || json.isMissingNode();
        switch (schema.getType()) {
            case NULL -> {
                if (!isNull) {
                    throw mismatch(path, "null", json);
                }
                return null;
            }
            case UNION -> {
                return union(json, schema, path, isNull);
            }
            default -> {
                if (isNull) {
                    throw new Mismatch(where(path) + "expected " + describe(schema) + ", got null");
                }
            }
        }
        switch (schema.getType()) {
            case RECORD -> {
                if (!json.isObject()) {
                    throw mismatch(path, "an object (record " + schema.getFullName() + ")", json);
                }
                GenericData.Record r = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    JsonNode v = json.get(f.name());
                    String at = path.isEmpty() ? f.name() : path + "." + f.name();
                    if ((v == null || v.isMissingNode()) && f.hasDefaultValue()) {
                        r.put(f.pos(), GenericData.get().deepCopy(f.schema(), GenericData.get().getDefaultValue(f)));
                    } else if (v == null && !acceptsNull(f.schema())) {
                        throw new Mismatch("field '" + at + "' is missing (" + describe(f.schema())
                                + ", no default)");
                    } else {
                        r.put(f.pos(), fromJson(v, f.schema(), at));
                    }
                }
                Iterator<String> names = json.fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    if (schema.getField(name) == null) {
                        throw new Mismatch("field '" + (path.isEmpty() ? name : path + "." + name) + "' is not in the "
                                + "schema (record " + schema.getFullName() + ")");
                    }
                }
                return r;
            }
            case ARRAY -> {
                if (!json.isArray()) {
                    throw mismatch(path, "an array", json);
                }
                List<Object> items = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    items.add(fromJson(json.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                if (!json.isObject()) {
                    throw mismatch(path, "an object (map)", json);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    m.put(e.getKey(), fromJson(e.getValue(), schema.getValueType(), path + "." + e.getKey()));
                }
                return m;
            }
            case ENUM -> {
                if (!json.isTextual() || !schema.hasEnumSymbol(json.asText())) {
                    throw mismatch(path, "one of " + schema.getEnumSymbols(), json);
                }
                return new GenericData.EnumSymbol(schema, json.asText());
            }
            case STRING -> {
                if (!json.isTextual()) {
                    throw mismatch(path, "a string", json);
                }
                return json.asText();
            }
            case BYTES -> {
                return ByteBuffer.wrap(base64(json, path));
            }
            case FIXED -> {
                byte[] bytes = base64(json, path);
                if (bytes.length != schema.getFixedSize()) {
                    throw new Mismatch(where(path) + "expected " + schema.getFixedSize() + " bytes (fixed "
                            + schema.getFullName() + "), got " + bytes.length);
                }
                return new GenericData.Fixed(schema, bytes);
            }
            case INT -> {
                if (!json.isIntegralNumber() || !json.canConvertToInt()) {
                    throw mismatch(path, "an int", json);
                }
                return json.intValue();
            }
            case LONG -> {
                if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                    throw mismatch(path, "a long", json);
                }
                return json.longValue();
            }
            case FLOAT -> {
                if (!json.isNumber()) {
                    throw mismatch(path, "a float", json);
                }
                return json.floatValue();
            }
            case DOUBLE -> {
                if (!json.isNumber()) {
                    throw mismatch(path, "a double", json);
                }
                return json.doubleValue();
            }
            case BOOLEAN -> {
                if (!json.isBoolean()) {
                    throw mismatch(path, "a boolean", json);
                }
                return json.booleanValue();
            }
            default -> throw new Mismatch(where(path) + "unsupported Avro type " + schema.getType());
        }
    }

    /** The first branch of the union {@code json} fits, in the union's order. */
    private static Object union(JsonNode json, Schema schema, String path, boolean isNull) throws Mismatch {
        if (isNull) {
            if (acceptsNull(schema)) {
                return null;
            }
            throw new Mismatch(where(path) + "expected " + describe(schema) + ", got null");
        }
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return fromJson(json, branch, path);
            } catch (Mismatch tryNext) {
                // the next branch may fit
            }
        }
        throw mismatch(path, describe(schema), json);
    }

    private static boolean acceptsNull(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || schema.getType() == Schema.Type.UNION && schema.getTypes().stream()
                .anyMatch(s -> s.getType() == Schema.Type.NULL);
    }

    private static byte[] base64(JsonNode json, String path) throws Mismatch {
        if (json.isTextual()) {
            try {
                return Base64.getDecoder().decode(json.asText());
            } catch (IllegalArgumentException notBase64) {
                // reported below
            }
        }
        throw mismatch(path, "base64 text (bytes)", json);
    }

    private static String describe(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getType().getName() + " " + schema.getFullName();
            case UNION -> "one of " + schema.getTypes().stream().map(AvroJson::describe).toList();
            case ARRAY -> "array of " + describe(schema.getElementType());
            case MAP -> "map of " + describe(schema.getValueType());
            default -> schema.getType().getName();
        };
    }

    private static Mismatch mismatch(String path, String expected, JsonNode got) {
        String shown = got.toString();
        if (shown.length() > 80) {
            shown = shown.substring(0, 77) + "...";
        }
        return new Mismatch(where(path) + "expected " + expected + ", got " + kind(got) + " " + shown);
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "text";
            case NUMBER -> n.isIntegralNumber() ? "whole number" : "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : "field '" + path + "': ";
    }
}
