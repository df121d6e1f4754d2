package ai.geniusrise.protobuf;

import ai.geniusrise.core.spi.SchemaCodec.Mismatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.squareup.wire.schema.EnumType;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.MessageType;
import com.squareup.wire.schema.OneOf;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.Type;
import okio.ByteString;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The canonical proto3 JSON mapping between JSON and the messages of Wire's dynamic adapters
 * ({@code Map<String, Object>} by field name): fields by their lowerCamelCase JSON name (the
 * proto name is accepted when reading JSON), 64-bit integers as strings, bytes in base64, enums by
 * name, a map as an object, {@code Timestamp} as RFC 3339 text, {@code Duration} as {@code "1.5s"},
 * the wrappers as their value, {@code Struct}/{@code Value}/{@code ListValue} as plain JSON and
 * {@code Empty} as {@code {}}. {@code Any} is not supported; other well-known types are messages.
 */
final class ProtoJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Pattern DURATION = Pattern.compile("(-)?(\\d+)(?:\\.(\\d{1,9}))?s");
    private static final String WKT = "google.protobuf.";

    private final Schema schema;

    ProtoJson(Schema schema) {
        this.schema = schema;
    }

    // ---------------------------------------------------------------- JSON -> message

    /** The message of {@code type} that {@code node} writes. */
    Map<String, Object> fromJson(JsonNode node, MessageType type) {
        return message(node, type, "");
    }

    private Map<String, Object> message(JsonNode node, MessageType type, String path) {
        if (!node.isObject()) {
            throw mismatch(path, "a " + type.getType() + " object", node);
        }
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Field f : type.getFieldsAndOneOfFields()) {
            byName.put(f.getName(), f);
            byName.put(f.getJsonName(), f);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> oneOfSet = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            Field f = byName.get(e.getKey());
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (f == null) {
                throw new Mismatch("unknown field '" + at + "': " + type.getType() + " has no such field");
            }
            if (e.getValue().isNull() && !isWellKnown(f.getType(), "Value")) {
                continue; // null is the field's default
            }
            for (OneOf o : type.getOneOfs()) {
                String before = o.getFields().contains(f) ? oneOfSet.put(o.getName(), e.getKey()) : null;
                if (before != null) {
                    throw new Mismatch("field '" + at + "': its oneof '" + o.getName() + "' is set already by '"
                            + before + "'");
                }
            }
            out.put(f.getName(), field(e.getValue(), f, at));
        }
        return out;
    }

    private Object field(JsonNode node, Field f, String path) {
        ProtoType t = f.getType();
        if (t.isMap()) {
            if (!node.isObject()) {
                throw mismatch(path, "an object (a map)", node);
            }
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String at = path + "[" + e.getKey() + "]";
                map.put(value(NODES.textNode(e.getKey()), t.getKeyType(), at),
                        value(e.getValue(), t.getValueType(), at));
            }
            return map;
        }
        if (f.isRepeated()) {
            if (!node.isArray()) {
                throw mismatch(path, "an array", node);
            }
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                list.add(value(node.get(i), t, path + "[" + i + "]"));
            }
            return list;
        }
        return value(node, t, path);
    }

    private Object value(JsonNode node, ProtoType t, String path) {
        if (t.isScalar()) {
            return scalar(node, t.toString(), path);
        }
        String name = t.toString();
        if (name.startsWith(WKT)) {
            Object known = wellKnownFromJson(node, name.substring(WKT.length()), path);
            if (known != null) {
                return known;
            }
        }
        Type type = schema.getType(t);
        if (type instanceof EnumType e) {
            if (node.isTextual() && e.constant(node.asText()) != null) {
                return node.asText();
            }
            if (node.isIntegralNumber() && node.canConvertToInt()) {
                return node.asInt();
            }
            throw mismatch(path, "a " + t + " name (" + constants(e) + ")", node);
        }
        return message(node, (MessageType) type, path);
    }

    private Object wellKnownFromJson(JsonNode node, String name, String path) {
        switch (name) {
            case "Timestamp":
                try {
                    return OffsetDateTime.parse(node.asText()).toInstant();
                } catch (DateTimeParseException e) {
                    throw mismatch(path, "an RFC 3339 timestamp (2026-12-08T10:15:30Z)", node);
                }
            case "Duration":
                Matcher m = DURATION.matcher(node.isTextual() ? node.asText() : "");
                if (!m.matches()) {
                    throw mismatch(path, "a duration in seconds ending in s (1.5s)", node);
                }
                Duration d = Duration.ofSeconds(Long.parseLong(m.group(2)),
                        m.group(3) == null ? 0 : Long.parseLong((m.group(3) + "00000000").substring(0, 9)));
                return m.group(1) == null ? d : d.negated();
            case "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue",
                 "StringValue", "BytesValue":
                String scalar = name.substring(0, name.length() - "Value".length()).toLowerCase(java.util.Locale.ROOT);
                return scalar(node, scalar, path);
            case "Struct":
                if (!node.isObject()) {
                    throw mismatch(path, "an object (a Struct)", node);
                }
                return JSON.convertValue(node, Map.class);
            case "ListValue":
                if (!node.isArray()) {
                    throw mismatch(path, "an array (a ListValue)", node);
                }
                return JSON.convertValue(node, List.class);
            case "Value":
                return JSON.convertValue(node, Object.class);
            case "Empty":
                if (!node.isObject() || !node.isEmpty()) {
                    throw mismatch(path, "{} (an Empty)", node);
                }
                return kotlin.Unit.INSTANCE;
            case "Any":
                throw new Mismatch("field '" + path + "': google.protobuf.Any is not supported");
            default:
                return null;
        }
    }

    private static Object scalar(JsonNode node, String type, String path) {
        switch (type) {
            case "string":
                if (node.isTextual()) {
                    return node.asText();
                }
                throw mismatch(path, "a string", node);
            case "bool":
                if (node.isBoolean()) {
                    return node.asBoolean();
                }
                throw mismatch(path, "true or false", node);
            case "bytes":
                ByteString b = node.isTextual() ? ByteString.decodeBase64(node.asText()) : null;
                if (b == null) {
                    throw mismatch(path, "base64 text (bytes)", node);
                }
                return b;
            case "double", "float":
                double v;
                if (node.isNumber()) {
                    v = node.asDouble();
                } else if (node.isTextual() && node.asText().matches("NaN|-?Infinity|-?[0-9.eE+-]+")) {
                    try {
                        v = Double.parseDouble(node.asText());
                    } catch (NumberFormatException e) {
                        throw mismatch(path, "a number (" + type + ")", node);
                    }
                } else {
                    throw mismatch(path, "a number (" + type + ")", node);
                }
                return type.equals("float") ? (Object) (float) v : (Object) v;
            default:
                return integer(node, type, path);
        }
    }

    private static Object integer(JsonNode node, String type, String path) {
        BigInteger v;
        try {
            if (node.isIntegralNumber()) {
                v = node.bigIntegerValue();
            } else if (node.isNumber() || node.isTextual()) {
                v = new BigDecimal(node.asText()).toBigIntegerExact();
            } else {
                v = null;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            v = null;
        }
        boolean wide = type.endsWith("64");
        boolean unsigned = type.startsWith("u") || type.startsWith("fixed");
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.valueOf(wide ? Long.MIN_VALUE : Integer.MIN_VALUE);
        BigInteger max = unsigned ? (wide ? UINT64_MAX : BigInteger.valueOf(0xFFFFFFFFL))
                : BigInteger.valueOf(wide ? Long.MAX_VALUE : Integer.MAX_VALUE);
        if (v == null || v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw mismatch(path, "an integer from " + min + " to " + max + " (" + type + ")", node);
        }
        return wide ? (Object) v.longValue() : (Object) v.intValue();
    }

    // ---------------------------------------------------------------- message -> JSON

    /** The JSON of {@code message}, a {@code type} as Wire's dynamic adapter decodes it. */
    ObjectNode toJson(Object message, MessageType type) {
        ObjectNode out = NODES.objectNode();
        Map<?, ?> fields = (Map<?, ?>) message;
        for (Field f : type.getFieldsAndOneOfFields()) {
            Object v = fields.get(f.getName());
            if (v == null) {
                continue;
            }
            ProtoType t = f.getType();
            if (t.isMap()) {
                ObjectNode map = out.putObject(f.getJsonName());
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    map.set(key(e.getKey(), t.getKeyType()), json(e.getValue(), t.getValueType()));
                }
            } else if (f.isRepeated()) {
                ArrayNode list = out.putArray(f.getJsonName());
                ((List<?>) v).forEach(item -> list.add(json(item, t)));
            } else {
                out.set(f.getJsonName(), json(v, t));
            }
        }
        return out;
    }

    private static String key(Object key, ProtoType t) {
        return json(key, t.toString()).asText();
    }

    private JsonNode json(Object v, ProtoType t) {
        if (t.isScalar()) {
            return json(v, t.toString());
        }
        String name = t.toString();
        if (name.startsWith(WKT)) {
            JsonNode known = wellKnownToJson(v, name.substring(WKT.length()));
            if (known != null) {
                return known;
            }
        }
        Type type = schema.getType(t);
        if (type instanceof EnumType) {
            return v instanceof Number n ? NODES.numberNode(n.intValue()) : NODES.textNode(v.toString());
        }
        return toJson(v, (MessageType) type);
    }

    private static JsonNode wellKnownToJson(Object v, String name) {
        switch (name) {
            case "Timestamp":
                return NODES.textNode(v.toString()); // Instant: RFC 3339 in UTC, 0, 3, 6 or 9 fractional digits
            case "Duration":
                Duration d = (Duration) v;
                Duration abs = d.abs();
                String nanos = abs.getNano() == 0 ? "" : "." + String.format("%09d", abs.getNano())
                        .replaceAll("(000)+$", "");
                return NODES.textNode((d.isNegative() ? "-" : "") + abs.getSeconds() + nanos + "s");
            case "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue",
                 "StringValue", "BytesValue":
                return json(v, name.substring(0, name.length() - "Value".length()).toLowerCase(java.util.Locale.ROOT));
            case "Struct", "ListValue", "Value":
                return JSON.valueToTree(v);
            case "Empty":
                return NODES.objectNode();
            default:
                return null;
        }
    }

    private static JsonNode json(Object v, String scalar) {
        return switch (scalar) {
            case "int64", "sint64", "sfixed64" -> NODES.textNode(v.toString());
            case "uint64", "fixed64" -> NODES.textNode(Long.toUnsignedString((Long) v));
            case "uint32", "fixed32" -> NODES.numberNode(Integer.toUnsignedLong((Integer) v));
            case "bytes" -> NODES.textNode(((ByteString) v).base64());
            case "float", "double" -> {
                double d = ((Number) v).doubleValue();
                yield Double.isNaN(d) || Double.isInfinite(d) ? NODES.textNode(Double.toString(d))
                        : v instanceof Float f ? NODES.numberNode(f) : NODES.numberNode(d);
            }
            case "bool" -> NODES.booleanNode((Boolean) v);
            case "string" -> NODES.textNode((String) v);
            default -> NODES.numberNode(((Number) v).intValue());
        };
    }

    private static boolean isWellKnown(ProtoType t, String name) {
        return t.toString().equals(WKT + name);
    }

    private static String constants(EnumType e) {
        List<String> names = new ArrayList<>();
        e.getConstants().forEach(c -> names.add(c.getName()));
        return String.join(", ", names);
    }

    private static Mismatch mismatch(String path, String expected, JsonNode got) {
        String what = got.isTextual() ? "text \"" + got.asText() + "\"" : got.getNodeType().name().toLowerCase(
                java.util.Locale.ROOT) + " " + got;
        return new Mismatch((path.isEmpty() ? "the message" : "field '" + path + "'") + ": expected " + expected
                + ", got " + what);
    }
}
