package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.RecordFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The schema of one output's parquet or avro parts: the one given in the options, or one
 * inferred from the first records written (across all the output's parts, so that every part of
 * a run has the same schema), or the schema of the first record when it was read from parquet or
 * avro and carries one.
 *
 * <p>Inference looks at the first {@code inferRecords} JSON records: objects become records,
 * whole numbers {@code long}, other numbers {@code double} (a field seen as both is
 * {@code double}), text {@code string}, arrays arrays of their items' type; every field is
 * nullable. A record that contradicts what was seen before (text where numbers were) is refused
 * with its position, as is a field name that parquet and avro cannot hold. Thread-safe.
 */
final class OutputSchema {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final int inferRecords;
    private volatile Schema schema;
    private Shape running;
    private int seen;

    OutputSchema(Schema given, int inferRecords) {
        this.schema = given;
        this.inferRecords = inferRecords;
    }

    /** The schema, or {@code null} while it is still being inferred. */
    Schema schema() {
        return schema;
    }

    /** Takes {@code s} as the schema unless one is known already; returns the schema in force. */
    synchronized Schema adopt(Schema s) {
        if (schema == null && running == null) {
            schema = s;
        }
        return schema;
    }

    /**
     * Adds one record to the inference.
     *
     * @return the schema if it is now known (this record was the last one looked at), else {@code null}
     * @throws RecordFormatException if the record is not a JSON object, or contradicts the records before it
     */
    synchronized Schema observe(JsonNode node, Position position) {
        if (schema != null) {
            return schema;
        }
        if (!node.isObject()) {
            throw new RecordFormatException("a parquet or avro record must be a JSON object, got "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT), position, null);
        }
        Shape next = merge(running, shapeOf(node, "", position), "", position);
        running = next;
        if (++seen >= inferRecords) {
            return fix();
        }
        return null;
    }

    /** Ends the inference with the records seen so far; {@code null} if there were none. */
    synchronized Schema fix() {
        if (schema == null && running != null) {
            schema = toSchema(running, "Record", "");
            running = null;
        }
        return schema;
    }

    // ----------------------------------------------------------------------------- shapes

    private enum Kind { NULL, BOOLEAN, LONG, DOUBLE, STRING, RECORD, ARRAY }

    private record Shape(Kind kind, Map<String, Shape> fields, Shape element, boolean nullItems) {
    }

    private static final Shape NULL = new Shape(Kind.NULL, null, null, false);

    private static Shape shapeOf(JsonNode n, String path, Position position) {
        if (n == null || n.isNull()) {
            return NULL;
        }
        if (n.isBoolean()) {
            return new Shape(Kind.BOOLEAN, null, null, false);
        }
        if (n.isIntegralNumber()) {
            return new Shape(n.canConvertToLong() ? Kind.LONG : Kind.DOUBLE, null, null, false);
        }
        if (n.isNumber()) {
            return new Shape(Kind.DOUBLE, null, null, false);
        }
        if (n.isTextual()) {
            return new Shape(Kind.STRING, null, null, false);
        }
        if (n.isArray()) {
            Shape item = NULL;
            boolean nulls = false;
            for (int i = 0; i < n.size(); i++) {
                JsonNode v = n.get(i);
                nulls |= v.isNull();
                item = merge(item, shapeOf(v, path + "[" + i + "]", position), path + "[]", position);
            }
            return new Shape(Kind.ARRAY, null, item, nulls);
        }
        if (n.isObject()) {
            Map<String, Shape> fields = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (!NAME.matcher(e.getKey()).matches()) {
                    throw new RecordFormatException("field name '" + p + "' cannot be a parquet or avro field name "
                            + "(letters, digits and _, not starting with a digit); give a schema in the output's "
                            + "options (" + ColumnarOptions.SCHEMA.name() + " or " + ColumnarOptions.SCHEMA_FILE.name()
                            + ") or rename the field in the bolt", position, null);
                }
                fields.put(e.getKey(), shapeOf(e.getValue(), p, position));
            }
            return new Shape(Kind.RECORD, fields, null, false);
        }
        throw new RecordFormatException("field '" + path + "' has a JSON value parquet and avro cannot hold: "
                + n.getNodeType(), position, null);
    }

    private static Shape merge(Shape a, Shape b, String path, Position position) {
        if (a == null || a.kind == Kind.NULL) {
            return b;
        }
        if (b.kind == Kind.NULL) {
            return a;
        }
        if (a.kind == b.kind) {
            return switch (a.kind) {
                case RECORD -> {
                    Map<String, Shape> fields = new LinkedHashMap<>(a.fields);
                    for (Map.Entry<String, Shape> e : b.fields.entrySet()) {
                        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                        fields.put(e.getKey(), merge(fields.get(e.getKey()), e.getValue(), p, position));
                    }
                    yield new Shape(Kind.RECORD, fields, null, false);
                }
                case ARRAY -> new Shape(Kind.ARRAY, null, merge(a.element, b.element, path + "[]", position),
                        a.nullItems || b.nullItems);
                default -> a;
            };
        }
        if (a.kind == Kind.LONG && b.kind == Kind.DOUBLE || a.kind == Kind.DOUBLE && b.kind == Kind.LONG) {
            return new Shape(Kind.DOUBLE, null, null, false);
        }
        throw new RecordFormatException("field '" + (path.isEmpty() ? "(the record)" : path) + "' is "
                + article(b.kind) + " in this record but " + article(a.kind) + " in the records before it; a "
                + "schema inferred from the first records cannot hold both: give a schema in the output's options ("
                + ColumnarOptions.SCHEMA.name() + " or " + ColumnarOptions.SCHEMA_FILE.name() + ")", position, null);
    }

    private static String article(Kind k) {
        return switch (k) {
            case NULL -> "null";
            case BOOLEAN -> "a boolean";
            case LONG -> "a whole number";
            case DOUBLE -> "a number";
            case STRING -> "a string";
            case RECORD -> "an object";
            case ARRAY -> "an array";
        };
    }

    private static Schema toSchema(Shape s, String recordName, String path) {
        return switch (s.kind) {
            case NULL, STRING -> Schema.create(Schema.Type.STRING);
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case LONG -> Schema.create(Schema.Type.LONG);
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case ARRAY -> {
                Schema item = toSchema(s.element, recordName + "_item", path + "[]");
                yield Schema.createArray(s.nullItems ? nullable(item) : item);
            }
            case RECORD -> {
                List<Schema.Field> fields = new ArrayList<>();
                for (Map.Entry<String, Shape> e : s.fields.entrySet()) {
                    Schema f = toSchema(e.getValue(), recordName + "_" + e.getKey(),
                            path.isEmpty() ? e.getKey() : path + "." + e.getKey());
                    fields.add(new Schema.Field(e.getKey(), nullable(f), null, JsonProperties.NULL_VALUE));
                }
                yield Schema.createRecord(recordName, path.isEmpty() ? "inferred by geniusrise from the first records"
                        : null, path.isEmpty() ? "ai.geniusrise.inferred" : null, false, fields);
            }
        };
    }

    private static Schema nullable(Schema s) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), s);
    }
}
