package ai.geniusrise.protobuf;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.spi.SchemaCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.squareup.wire.ProtoAdapter;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.MessageType;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.Type;
import okio.ByteString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One linked {@code .proto} file: writes its chosen message, reads any of its messages. After the
 * registry's header comes the message's index path in the file (Confluent's message indexes: a
 * zig-zag varint count, then the zig-zag varint index at each level, messages only; a single 0
 * for the first top-level message), then the message.
 */
final class ProtoSchema implements SchemaCodec.Compiled {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private final Schema schema;
    private final List<MessageType> topLevel;
    private final MessageType writer;
    private final byte[] writerIndexes;
    private final ProtoJson json;
    private final Map<String, ProtoAdapter<Object>> adapters = new ConcurrentHashMap<>();

    ProtoSchema(String text, Schema schema, ProtoFile file, String recordName) {
        this.text = text;
        this.schema = schema;
        this.topLevel = messages(file.getTypes());
        this.json = new ProtoJson(schema);
        if (topLevel.isEmpty()) {
            throw new ConfigException(null, "it defines no message");
        }
        List<Integer> path = recordName == null ? List.of(0) : pathOf(recordName, file.getPackageName());
        this.writer = resolve(path);
        this.writerIndexes = indexes(path);
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public String recordName() {
        return writer.getType().toString();
    }

    @Override
    public byte[] encode(byte[] jsonBytes) {
        JsonNode node;
        try {
            node = JSON.readTree(jsonBytes);
        } catch (IOException e) {
            throw new SchemaCodec.Mismatch("it is not JSON: " + e.getMessage(), e);
        }
        Map<String, Object> message = json.fromJson(node, writer);
        ByteArrayOutputStream out = new ByteArrayOutputStream(jsonBytes.length);
        out.writeBytes(writerIndexes);
        try {
            adapter(writer).encode(out, message);
        } catch (IOException | RuntimeException e) {
            throw new SchemaCodec.Mismatch(writer.getType() + " cannot be encoded: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] decode(byte[] wire, int offset) {
        int[] at = {offset};
        List<Integer> path = new ArrayList<>();
        try {
            int count = zigZag(wire, at);
            if (count < 0) {
                throw new SchemaCodec.Mismatch("its message indexes start with a negative count, " + count);
            }
            if (count == 0) {
                path.add(0);
            }
            for (int i = 0; i < count; i++) {
                path.add(zigZag(wire, at));
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new SchemaCodec.Mismatch("its message indexes end before the data does", e);
        }
        MessageType type;
        try {
            type = resolve(path);
        } catch (ConfigException e) {
            throw new SchemaCodec.Mismatch(e.problem());
        }
        Object message;
        try {
            message = adapter(type).decode(ByteString.of(wire, at[0], wire.length - at[0]));
        } catch (IOException | RuntimeException e) {
            throw new SchemaCodec.Mismatch("it is not a " + type.getType() + " message: " + e, e);
        }
        try {
            return JSON.writeValueAsBytes(json.toJson(message, type));
        } catch (IOException e) {
            throw new SchemaCodec.Mismatch("its JSON cannot be written: " + e.getMessage(), e);
        }
    }

    private ProtoAdapter<Object> adapter(MessageType type) {
        return adapters.computeIfAbsent(type.getType().toString(), name -> schema.protoAdapter(name, false));
    }

    /** The message at {@code path}: an index among the top-level messages, then among nested ones. */
    private MessageType resolve(List<Integer> path) {
        List<MessageType> level = topLevel;
        MessageType found = null;
        for (int index : path) {
            if (index < 0 || index >= level.size()) {
                throw new ConfigException(null, "the message index path " + path + " names no message of this "
                        + "schema");
            }
            found = level.get(index);
            if (found == null) {
                throw new ConfigException(null, "the message index path " + path + " names a map's entry, not a "
                        + "message of this schema");
            }
            level = nested(found);
        }
        return found;
    }

    /** The index path of the message named {@code name} (full, or relative to the file's package). */
    private List<Integer> pathOf(String name, String packageName) {
        List<String> names = new ArrayList<>();
        List<Integer> path = find(topLevel, name, packageName == null ? name : packageName + "." + name,
                new ArrayList<>(), names);
        if (path == null) {
            throw new ConfigException(null, "it defines no message '" + name + "' (its messages: "
                    + String.join(", ", names) + ")");
        }
        return path;
    }

    private static List<Integer> find(List<MessageType> level, String name, String qualified, List<Integer> prefix,
                                      List<String> seen) {
        for (int i = 0; i < level.size(); i++) {
            MessageType m = level.get(i);
            if (m == null) {
                continue;
            }
            String full = m.getType().toString();
            seen.add(full);
            List<Integer> path = new ArrayList<>(prefix);
            path.add(i);
            if (full.equals(name) || full.equals(qualified)) {
                return path;
            }
            List<Integer> nested = find(nested(m), name, qualified, path, seen);
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    private static List<MessageType> messages(List<Type> types) {
        List<MessageType> out = new ArrayList<>();
        for (Type t : types) {
            if (t instanceof MessageType m) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The messages nested in {@code m} as a descriptor numbers them: in the order of the source,
     * where each map field has a synthetic entry message of its own (here {@code null}), as protoc
     * and the peers' serializers count them.
     */
    private static List<MessageType> nested(MessageType m) {
        record Entry(Location at, MessageType message) {
        }
        List<Entry> entries = new ArrayList<>();
        messages(m.getNestedTypes()).forEach(t -> entries.add(new Entry(t.getLocation(), t)));
        for (Field f : m.getDeclaredFields()) {
            if (f.getType() != null && f.getType().isMap()) {
                entries.add(new Entry(f.getLocation(), null));
            }
        }
        entries.sort(Comparator.comparingInt((Entry e) -> e.at().getLine()).thenComparingInt(e -> e.at().getColumn()));
        List<MessageType> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.message()));
        return out;
    }

    /** The message indexes of {@code path}: a single 0 for the first top-level message. */
    private static byte[] indexes(List<Integer> path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (path.equals(List.of(0))) {
            out.write(0);
            return out.toByteArray();
        }
        writeZigZag(out, path.size());
        for (int index : path) {
            writeZigZag(out, index);
        }
        return out.toByteArray();
    }

    private static void writeZigZag(ByteArrayOutputStream out, int value) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int zigZag(byte[] wire, int[] at) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = wire[at[0]++];
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (v >>> 1) ^ -(v & 1);
            }
        }
        throw new SchemaCodec.Mismatch("its message indexes hold a varint longer than 5 bytes");
    }
}
