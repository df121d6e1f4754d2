package ai.geniusrise.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallLocation;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.DefaultValueTrait;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.SdkBuilder;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * AWS SDK v2 request models to and from JSON, by the models' own field descriptions: each
 * member is written under its wire name (for ECS's JSON protocol, exactly the names the API and
 * {@code aws ... --cli-input-json} take), in the model's order. Reading fails on any property
 * the model does not have, and on a value of the wrong JSON type.
 */
final class AwsJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AwsJson() {
    }

    /** {@code pojo} as JSON; with {@code payloadOnly}, members sent in the URI or headers are left out. */
    static ObjectNode write(SdkPojo pojo, boolean payloadOnly) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            if (payloadOnly && field.location() != MarshallLocation.PAYLOAD) {
                continue;
            }
            Object value = field.containsTrait(DefaultValueTrait.class) ? unset(pojo, field)
                    : field.getValueOrDefault(pojo);
            JsonNode json = value(field, value, payloadOnly);
            if (json != null) {
                out.set(field.locationName(), json);
            }
        }
        return out;
    }

    /**
     * The member's own value, without the default the SDK would make up (a fresh idempotency
     * token): a file must not change from one rendering to the next.
     */
    private static Object unset(SdkPojo pojo, SdkField<?> field) {
        String name = field.memberName();
        String accessor = Character.toLowerCase(name.charAt(0)) + name.substring(1);
        try {
            return pojo.getClass().getMethod(accessor).invoke(pojo);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no accessor " + accessor + "() on " + pojo.getClass().getName(), e);
        }
    }

    private static JsonNode value(SdkField<?> field, Object value, boolean payloadOnly) {
        if (value == null || value instanceof SdkAutoConstructList || value instanceof SdkAutoConstructMap) {
            return null;
        }
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            return write((SdkPojo) value, payloadOnly);
        }
        if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (Object item : (List<?>) value) {
                array.add(value(member, item, payloadOnly));
            }
            return array;
        }
        if (type == MarshallingType.MAP) {
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            ObjectNode map = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                map.set(e.getKey().toString(), value(member, e.getValue(), payloadOnly));
            }
            return map;
        }
        if (value instanceof String s) {
            return JsonNodeFactory.instance.textNode(s);
        }
        if (value instanceof Boolean b) {
            return JsonNodeFactory.instance.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return JsonNodeFactory.instance.numberNode(i);
        }
        if (value instanceof Long l) {
            return JsonNodeFactory.instance.numberNode(l);
        }
        if (value instanceof Double d) {
            return JsonNodeFactory.instance.numberNode(d);
        }
        throw new IllegalArgumentException("no JSON form for member " + field.memberName() + " of type "
                + value.getClass().getName());
    }

    /** {@code pojo} as indented JSON text ending with a newline. */
    static String text(SdkPojo pojo) {
        try {
            return MAPPER.writeValueAsString(write(pojo, false)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON of " + pojo.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads {@code json} into the model {@code builder} builds, and builds it.
     *
     * @throws IllegalArgumentException naming the path of an unknown property or of a value of the wrong type
     */
    @SuppressWarnings("unchecked")
    static <T> T read(JsonNode json, SdkPojo builder, String path) {
        if (!json.isObject()) {
            throw new IllegalArgumentException(path + ": expected an object, got " + json.getNodeType());
        }
        Map<String, SdkField<?>> fields = new LinkedHashMap<>();
        for (SdkField<?> f : builder.sdkFields()) {
            fields.put(f.locationName(), f);
        }
        Iterator<Map.Entry<String, JsonNode>> it = json.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            SdkField<?> field = fields.get(e.getKey());
            if (field == null) {
                throw new IllegalArgumentException(path + ": unknown property '" + e.getKey() + "'; expected one of "
                        + fields.keySet());
            }
            field.set(builder, convert(field, e.getValue(), path + "." + e.getKey()));
        }
        return (T) ((SdkBuilder<?, ?>) builder).build();
    }

    private static Object convert(SdkField<?> field, JsonNode node, String path) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.SDK_POJO) {
            Supplier<SdkPojo> constructor = field.constructor();
            return read(node, constructor.get(), path);
        }
        if (type == MarshallingType.LIST) {
            if (!node.isArray()) {
                throw new IllegalArgumentException(path + ": expected an array, got " + node.getNodeType());
            }
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                list.add(convert(member, node.get(i), path + "[" + i + "]"));
            }
            return list;
        }
        if (type == MarshallingType.MAP) {
            if (!node.isObject()) {
                throw new IllegalArgumentException(path + ": expected an object, got " + node.getNodeType());
            }
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), convert(member, e.getValue(), path + "." + e.getKey())));
            return map;
        }
        if (type == MarshallingType.STRING && node.isTextual()) {
            return node.textValue();
        }
        if (type == MarshallingType.BOOLEAN && node.isBoolean()) {
            return node.booleanValue();
        }
        if (type == MarshallingType.INTEGER && node.isInt()) {
            return node.intValue();
        }
        if (type == MarshallingType.LONG && node.isIntegralNumber()) {
            return node.longValue();
        }
        if (type == MarshallingType.DOUBLE && node.isNumber()) {
            return node.doubleValue();
        }
        throw new IllegalArgumentException(path + ": expected a value of type " + type + ", got " + node);
    }
}
