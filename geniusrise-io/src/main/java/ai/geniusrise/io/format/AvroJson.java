package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.RecordFormatException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between JSON values and Avro generic data under a schema: the bridge that lets a bolt
 * read and emit the same JSON whether its data is stored as JSON lines, parquet or avro.
 *
 * <p>JSON to Avro is strict: a missing field that is not nullable and has no default, a field the
 * schema does not have, or a value of another type raises {@link RecordFormatException} naming the
 * field's path and what the schema expects, with the record's position. Timestamps
 * ({@code timestamp-millis}/{@code -micros}) take epoch numbers or ISO-8601 text; {@code bytes}
 * take base64 text. Avro to JSON writes bytes and fixed as base64 and logical types as their
 * stored numbers.
 *
 * <p>{@link #readRecord} is the fast path of the encoders: it reads a JSON value's bytes straight
 * into a record, without the tree, and gives up (returns {@code null}) on anything it does not
 * accept exactly as {@link #toRecord} would, which then decides, with its messages. Stateless and
 * thread-safe.
 */
final class AvroJson {

    private final JsonFactory json;

    AvroJson(JsonFactory json) {
        this.json = json;
    }

    /** Thrown (without a stack) where {@link #readRecord} leaves a value to the tree path. */
    private static final class Unread extends RuntimeException {
        Unread() {
            super(null, null, false, false);
        }
    }

    private static final Unread UNREAD = new Unread();

    /**
     * {@code value}, the UTF-8 bytes of a JSON object, read straight into a record of
     * {@code schema}, the same one {@link #toRecord} makes of its tree; or {@code null} when the
     * value does not fit, is not JSON, or needs a conversion only the tree path makes (unions of
     * several types, enums, bytes, fixed, timestamps as text): the caller then takes that path.
     */
    GenericRecord readRecord(byte[] value, Schema schema) {
        try (JsonParser p = json.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            GenericRecord r = readFields(p, schema);
            return p.nextToken() == null ? r : null;
        } catch (IOException | Unread e) {
            return null;
        }
    }

    /** The fields of the object whose start {@code p} is at, up to its end. */
    private GenericData.Record readFields(JsonParser p, Schema schema) throws IOException {
        List<Schema.Field> fields = schema.getFields();
        int n = fields.size();
        boolean[] seen = new boolean[n];
        GenericData.Record r = new GenericData.Record(schema);
        int next = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Schema.Field f = next < n && fields.get(next).name().equals(name) ? fields.get(next)
                    : schema.getField(name);
            if (f == null) {
                throw UNREAD;
            }
            next = f.pos() + 1;
            seen[f.pos()] = true;
            p.nextToken();
            r.put(f.pos(), p.currentToken() == JsonToken.VALUE_NULL ? absent(f) : read(p, f.schema()));
        }
        if (t != JsonToken.END_OBJECT) {
            throw UNREAD;
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i]) {
                r.put(i, absent(fields.get(i)));
            }
        }
        return r;
    }

    /** The value of a field that is missing or null, as {@link #convert} makes it. */
    private static Object absent(Schema.Field f) {
        if (allowsNull(f.schema())) {
            return null;
        }
        if (f.hasDefaultValue()) {
            return GenericData.get().getDefaultValue(f);
        }
        throw UNREAD;
    }

    /** The value {@code p} is at, of {@code schema}. */
    private Object read(JsonParser p, Schema schema) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            if (allowsNull(schema)) {
                return null;
            }
            throw UNREAD;
        }
        switch (schema.getType()) {
            case UNION: {
                Schema only = null;
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        if (only != null) {
                            throw UNREAD;
                        }
                        only = branch;
                    }
                }
                if (only == null) {
                    throw UNREAD;
                }
                return read(p, only);
            }
            case RECORD:
                if (t == JsonToken.START_OBJECT) {
                    return readFields(p, schema);
                }
                throw UNREAD;
            case STRING:
                if (t == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                throw UNREAD;
            case BOOLEAN:
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    return t == JsonToken.VALUE_TRUE;
                }
                throw UNREAD;
            case INT:
                if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                    return p.getIntValue();
                }
                throw UNREAD;
            case LONG:
                if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    return p.getLongValue();
                }
                throw UNREAD;
            case FLOAT:
            case DOUBLE: {
                // as the tree's number nodes convert: an int or a long straight to the type, a fraction from its double
                double d;
                float f;
                if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                    int i = p.getIntValue();
                    d = i;
                    f = i;
                } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.LONG) {
                    long l = p.getLongValue();
                    d = l;
                    f = l;
                } else if (t == JsonToken.VALUE_NUMBER_FLOAT && p.getNumberType() == JsonParser.NumberType.DOUBLE) {
                    d = p.getDoubleValue();
                    f = (float) d;
                } else {
                    throw UNREAD;
                }
                return schema.getType() == Schema.Type.DOUBLE ? (Object) d : (Object) f;
            }
            case ARRAY: {
                if (t != JsonToken.START_ARRAY) {
                    throw UNREAD;
                }
                List<Object> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, schema.getElementType()));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP: {
                if (t != JsonToken.START_OBJECT) {
                    throw UNREAD;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, read(p, schema.getValueType()));
                }
                return m;
            }
            default:
                throw UNREAD;
        }
    }

    /** {@code node}, a JSON object, as a record of {@code schema}. */
    GenericRecord toRecord(JsonNode node, Schema schema, Position position) {
        return (GenericRecord) convert(node, schema, "", position);
    }

    private Object convert(JsonNode node, Schema schema, String path, Position position) {
        switch (schema.getType()) {
            case NULL:
                if (node == null || node.isNull()) {
                    return null;
                }
                throw misfit(path, "null", node, position);
            case UNION: {
                if (node == null || node.isNull()) {
                    for (Schema branch : schema.getTypes()) {
                        if (branch.getType() == Schema.Type.NULL) {
                            return null;
                        }
                    }
                    throw misfit(path, describe(schema), node, position);
                }
                RecordFormatException first = null;
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    try {
                        return convert(node, branch, path, position);
                    } catch (RecordFormatException e) {
                        first = first == null ? e : first;
                    }
                }
                throw first != null ? first : misfit(path, describe(schema), node, position);
            }
            default:
                break;
        }
        if (node == null || node.isNull()) {
            throw new RecordFormatException("field '" + fieldName(path) + "' is missing or null, and the schema wants "
                    + describe(schema) + " (make it nullable: [\"null\", ...])", position, null);
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD: {
                if (!node.isObject()) {
                    throw misfit(path, "an object (record " + schema.getName() + ")", node, position);
                }
                GenericData.Record r = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    JsonNode v = node.get(f.name());
                    String p = path.isEmpty() ? f.name() : path + "." + f.name();
                    if ((v == null || v.isNull()) && f.hasDefaultValue() && !allowsNull(f.schema())) {
                        r.put(f.pos(), GenericData.get().getDefaultValue(f));
                    } else {
                        r.put(f.pos(), convert(v, f.schema(), p, position));
                    }
                }
                if (node.size() > schema.getFields().size() || hasUnknown(node, schema)) {
                    Iterator<String> names = node.fieldNames();
                    while (names.hasNext()) {
                        String n = names.next();
                        if (schema.getField(n) == null) {
                            throw new RecordFormatException("field '" + (path.isEmpty() ? n : path + "." + n)
                                    + "' is not in the schema (record " + schema.getFullName() + " has "
                                    + fieldNames(schema) + ")", position, null);
                        }
                    }
                }
                return r;
            }
            case STRING:
                if (node.isTextual()) {
                    return node.textValue();
                }
                throw misfit(path, "a string", node, position);
            case BOOLEAN:
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
                throw misfit(path, "a boolean", node, position);
            case INT:
                if (node.isIntegralNumber() && node.canConvertToInt()) {
                    return node.intValue();
                }
                throw misfit(path, "a whole number that fits in 32 bits", node, position);
            case LONG:
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    return node.longValue();
                }
                if (node.isTextual() && (logical instanceof LogicalTypes.TimestampMillis
                        || logical instanceof LogicalTypes.TimestampMicros)) {
                    try {
                        Instant t = Instant.parse(node.textValue());
                        return logical instanceof LogicalTypes.TimestampMillis ? t.toEpochMilli()
                                : t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
                    } catch (DateTimeParseException e) {
                        throw misfit(path, "an ISO-8601 instant such as 2024-05-01T10:00:00Z or epoch "
                                + logical.getName(), node, position);
                    }
                }
                throw misfit(path, "a whole number", node, position);
            case FLOAT:
                if (node.isNumber()) {
                    return node.floatValue();
                }
                throw misfit(path, "a number", node, position);
            case DOUBLE:
                if (node.isNumber()) {
                    return node.doubleValue();
                }
                throw misfit(path, "a number", node, position);
            case BYTES:
                if (node.isTextual()) {
                    try {
                        return ByteBuffer.wrap(Base64.getDecoder().decode(node.textValue()));
                    } catch (IllegalArgumentException e) {
                        throw misfit(path, "base64 text (bytes)", node, position);
                    }
                }
                throw misfit(path, "base64 text (bytes)", node, position);
            case ENUM:
                if (node.isTextual() && schema.hasEnumSymbol(node.textValue())) {
                    return new GenericData.EnumSymbol(schema, node.textValue());
                }
                throw misfit(path, "one of " + schema.getEnumSymbols(), node, position);
            case ARRAY: {
                if (!node.isArray()) {
                    throw misfit(path, "an array", node, position);
                }
                List<Object> items = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    items.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]", position));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP: {
                if (!node.isObject()) {
                    throw misfit(path, "an object (map)", node, position);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    m.put(e.getKey(), convert(e.getValue(), schema.getValueType(), path + "." + e.getKey(), position));
                }
                return m;
            }
            case FIXED:
                if (node.isTextual()) {
                    byte[] b;
                    try {
                        b = Base64.getDecoder().decode(node.textValue());
                    } catch (IllegalArgumentException e) {
                        throw misfit(path, "base64 text of " + schema.getFixedSize() + " bytes", node, position);
                    }
                    if (b.length == schema.getFixedSize()) {
                        return new GenericData.Fixed(schema, b);
                    }
                }
                throw misfit(path, "base64 text of " + schema.getFixedSize() + " bytes", node, position);
            default:
                throw misfit(path, describe(schema), node, position);
        }
    }

    private static boolean hasUnknown(JsonNode node, Schema schema) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            if (schema.getField(names.next()) == null) {
                return true;
            }
        }
        return false;
    }

    private static boolean allowsNull(Schema s) {
        if (s.getType() == Schema.Type.NULL) {
            return true;
        }
        if (s.getType() == Schema.Type.UNION) {
            for (Schema b : s.getTypes()) {
                if (b.getType() == Schema.Type.NULL) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> fieldNames(Schema s) {
        List<String> names = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
            names.add(f.name());
        }
        return names;
    }

    private static String fieldName(String path) {
        return path.isEmpty() ? "(the record)" : path;
    }

    private static String describe(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            List<String> names = new ArrayList<>();
            for (Schema b : s.getTypes()) {
                names.add(describe(b));
            }
            return String.join(" or ", names);
        }
        LogicalType l = s.getLogicalType();
        return l != null ? s.getType().getName() + " (" + l.getName() + ")"
                : s.getType() == Schema.Type.RECORD ? "record " + s.getName() : s.getType().getName();
    }

    private static RecordFormatException misfit(String path, String expected, JsonNode node, Position position) {
        String got = node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + (node.isValueNode() ? " " + abbreviate(node.toString()) : "");
        return new RecordFormatException("field '" + fieldName(path) + "' does not fit the schema: expected "
                + expected + ", got " + got, position, null);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    // ------------------------------------------------------------------ Avro to JSON

    /** The JSON form of {@code record}, as UTF-8 bytes. */
    byte[] toJson(GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            write(g, record, record.getSchema());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

    private void write(JsonGenerator g, Object v, Schema schema) throws IOException {
        if (v == null) {
            g.writeNull();
            return;
        }
        switch (schema.getType()) {
            case UNION -> write(g, v, schema.getTypes().get(GenericData.get().resolveUnion(schema, v)));
            case RECORD -> {
                GenericRecord r = (GenericRecord) v;
                g.writeStartObject();
                for (Schema.Field f : schema.getFields()) {
                    g.writeFieldName(f.name());
                    write(g, r.get(f.pos()), f.schema());
                }
                g.writeEndObject();
            }
            case STRING -> g.writeString(v.toString());
            case ENUM -> g.writeString(v instanceof GenericEnumSymbol<?> e ? e.toString() : v.toString());
            case BOOLEAN -> g.writeBoolean((Boolean) v);
            case INT -> g.writeNumber(((Number) v).intValue());
            case LONG -> g.writeNumber(((Number) v).longValue());
            case FLOAT -> g.writeNumber(((Number) v).floatValue());
            case DOUBLE -> g.writeNumber(((Number) v).doubleValue());
            case BYTES -> {
                ByteBuffer b = ((ByteBuffer) v).duplicate();
                byte[] a = new byte[b.remaining()];
                b.get(a);
                g.writeString(Base64.getEncoder().encodeToString(a));
            }
            case FIXED -> g.writeString(Base64.getEncoder().encodeToString(((GenericFixed) v).bytes()));
            case ARRAY -> {
                g.writeStartArray();
                for (Object item : (Collection<?>) v) {
                    write(g, item, schema.getElementType());
                }
                g.writeEndArray();
            }
            case MAP -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    g.writeFieldName(e.getKey().toString());
                    write(g, e.getValue(), schema.getValueType());
                }
                g.writeEndObject();
            }
            case NULL -> g.writeNull();
            default -> g.writeString(v.toString());
        }
    }
}
