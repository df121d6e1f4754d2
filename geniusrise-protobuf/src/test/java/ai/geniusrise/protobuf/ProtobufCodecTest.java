package ai.geniusrise.protobuf;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.spi.SchemaCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The codec on its own: the canonical proto3 JSON mapping checked against messages written and
 * read by Google's protobuf-java, Confluent's message indexes, and the errors a user sees.
 */
class ProtobufCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final String EVENT = """
            syntax = "proto3";
            package acme;
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/duration.proto";
            import "google/protobuf/wrappers.proto";
            import "google/protobuf/struct.proto";

            message Event {
              int32 small = 1;
              int64 big = 2;
              uint32 unsigned_small = 3;
              uint64 unsigned_big = 4;
              double ratio = 5;
              float weight = 6;
              bool ok = 7;
              bytes blob = 8;
              google.protobuf.Timestamp at = 9;
              google.protobuf.Duration took = 10;
              google.protobuf.Int64Value maybe = 11;
              google.protobuf.Struct extra = 12;
              map<int32, string> names = 13;
              oneof choice {
                string text = 14;
                int32 number = 15;
              }
            }
            """;

    private static SchemaCodec.Compiled compile(String text, String messageType) {
        return new ProtobufCodec().compile(text, messageType);
    }

    private static JsonNode decode(SchemaCodec.Compiled schema, byte[] indexes, byte[] message) throws Exception {
        byte[] data = new byte[indexes.length + message.length];
        System.arraycopy(indexes, 0, data, 0, indexes.length);
        System.arraycopy(message, 0, data, indexes.length, message.length);
        return JSON.readTree(schema.decode(data, 0));
    }

    private static byte[] encode(SchemaCodec.Compiled schema, String json) {
        return schema.encode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void isFoundByTheServiceLoaderForTheProtobufFormat() {
        assertThat(SchemaCodec.find(SchemaFormat.PROTOBUF)).get().isInstanceOf(ProtobufCodec.class);
    }

    @Test
    void aMessageWrittenByProtobufJavaReadsAsCanonicalProto3JsonAndThatJsonWritesTheSameMessage() throws Exception {
        Descriptor event = eventDescriptor();
        Descriptor names = event.findNestedTypeByName("NamesEntry");
        DynamicMessage written = DynamicMessage.newBuilder(event)
                .setField(event.findFieldByName("small"), -5)
                .setField(event.findFieldByName("big"), 9_007_199_254_740_993L)
                .setField(event.findFieldByName("unsigned_small"), (int) 4_000_000_000L)
                .setField(event.findFieldByName("unsigned_big"), -1L)
                .setField(event.findFieldByName("ratio"), 0.25)
                .setField(event.findFieldByName("weight"), 1.5f)
                .setField(event.findFieldByName("ok"), true)
                .setField(event.findFieldByName("blob"), ByteString.copyFrom(new byte[] {0, 1, (byte) 0xfe}))
                .setField(event.findFieldByName("at"), Timestamp.newBuilder().setSeconds(1_765_000_000L)
                        .setNanos(120_000_000).build())
                .setField(event.findFieldByName("took"), com.google.protobuf.Duration.newBuilder().setSeconds(1)
                        .setNanos(500_000_000).build())
                .setField(event.findFieldByName("maybe"), Int64Value.of(7))
                .addRepeatedField(event.findFieldByName("names"), DynamicMessage.newBuilder(names)
                        .setField(names.findFieldByName("key"), 3).setField(names.findFieldByName("value"), "three")
                        .build())
                .setField(event.findFieldByName("number"), 0)
                .build();
        SchemaCodec.Compiled schema = compile(EVENT, null);

        JsonNode json = decode(schema, new byte[] {0}, written.toByteArray());

        assertThat(json).isEqualTo(JSON.readTree("""
                {"small": -5, "big": "9007199254740993", "unsignedSmall": 4000000000,
                 "unsignedBig": "18446744073709551615", "ratio": 0.25, "weight": 1.5, "ok": true,
                 "blob": "AAH+", "at": "2025-12-06T05:46:40.120Z", "took": "1.500s", "maybe": "7",
                 "names": {"3": "three"}, "number": 0}"""));
        byte[] back = schema.encode(JSON.writeValueAsBytes(json));
        assertThat(back[0]).as("the first message's index: a single 0").isZero();
        assertThat(DynamicMessage.parseFrom(event, Arrays.copyOfRange(back, 1, back.length))).isEqualTo(written);
    }

    @Test
    void jsonMayUseProtoNamesNumbersForLongsAndEnumNumbersAsCanonicalParsersAccept() throws Exception {
        SchemaCodec.Compiled schema = compile(EVENT, null);
        byte[] data = encode(schema, """
                {"unsigned_small": 7, "big": 12, "ratio": "NaN", "extra": {"a": [1, "x", null, true]},
                 "at": "2026-12-08T10:15:30+01:00", "took": "-0.25s"}""");
        JsonNode json = decode(schema, new byte[0], data);
        assertThat(json).isEqualTo(JSON.readTree("""
                {"big": "12", "unsignedSmall": 7, "ratio": "NaN", "at": "2026-12-08T09:15:30Z",
                 "took": "-0.250s", "extra": {"a": [1.0, "x", null, true]}}"""));
    }

    @Test
    void jsonThatDoesNotFitTheMessageIsAMismatchNamingTheField() {
        SchemaCodec.Compiled schema = compile(EVENT, null);
        assertThatThrownBy(() -> encode(schema, "{\"smal\": 1}")).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessage("unknown field 'smal': acme.Event has no such field");
        assertThatThrownBy(() -> encode(schema, "{\"small\": 3000000000}")).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("field 'small': expected an integer from -2147483648 to 2147483647 (int32)");
        assertThatThrownBy(() -> encode(schema, "{\"blob\": 5}")).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessage("field 'blob': expected base64 text (bytes), got number 5");
        assertThatThrownBy(() -> encode(schema, "{\"text\": \"a\", \"number\": 2}"))
                .isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessage("field 'number': its oneof 'choice' is set already by 'text'");
        assertThatThrownBy(() -> encode(schema, "{\"names\": {\"x\": \"y\"}}")).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("field 'names[x]': expected an integer");
        assertThatThrownBy(() -> encode(schema, "{\"at\": \"yesterday\"}")).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("field 'at': expected an RFC 3339 timestamp");
        assertThatThrownBy(() -> encode(schema, "[1]")).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("the message: expected a acme.Event object");
        assertThatThrownBy(() -> encode(schema, "{\"small\": ")).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("it is not JSON");
    }

    @Test
    void nestedMessagesAreFoundByTheirIndexPathCountingTheEntriesOfMapFieldsAsProtocDoes() throws Exception {
        String text = """
                syntax = "proto3";
                package acme;
                enum Level { LOW = 0; HIGH = 1; }
                message Outer {
                  map<string, int32> counts = 1;
                  message Inner { Level level = 1; repeated string tags = 2; }
                  Inner inner = 2;
                }
                message Other { string name = 1; }
                """;
        SchemaCodec.Compiled inner = compile(text, "acme.Outer.Inner");
        assertThat(inner.recordName()).isEqualTo("acme.Outer.Inner");
        byte[] data = encode(inner, "{\"level\": \"HIGH\", \"tags\": [\"a\"]}");
        // two indexes (zig-zag 4): Outer is message 0, Inner is nested type 1 after the entry of 'counts'
        assertThat(Arrays.copyOfRange(data, 0, 3)).containsExactly(4, 0, 2);
        assertThat(JSON.readTree(inner.decode(data, 0)))
                .isEqualTo(JSON.readTree("{\"level\": \"HIGH\", \"tags\": [\"a\"]}"));

        SchemaCodec.Compiled other = compile(text, "Other");
        assertThat(other.recordName()).as("a name relative to the package").isEqualTo("acme.Other");
        assertThat(encode(other, "{\"name\": \"n\"}")).startsWith(2, 2);
        assertThatThrownBy(() -> other.decode(new byte[] {4, 0, 0}, 0)).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("the message index path [0, 0] names a map's entry");
        assertThatThrownBy(() -> other.decode(new byte[] {2, 8}, 0)).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("the message index path [4] names no message of this schema");
        assertThatThrownBy(() -> other.decode(new byte[] {4, 0}, 0)).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("its message indexes end before the data does");
        assertThatThrownBy(() -> other.decode(new byte[] {1, 0}, 0)).isInstanceOf(SchemaCodec.Mismatch.class)
                .hasMessageContaining("its message indexes start with a negative count, -1");
    }

    @Test
    void aSchemaThatIsNotValidSaysWhereInTheProtoText() {
        assertThatThrownBy(() -> compile("syntax = \"proto3\";\nmessage A {\n  string = 1;\n}\n", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("syntax error at line 3, column 10: expected a word");
        assertThatThrownBy(() -> compile("syntax = \"proto3\";\nmessage A {\n  Foo x = 1;\n}\n", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unable to resolve Foo; for field x (line 3, column 3)");
        assertThatThrownBy(() -> compile("syntax = \"proto3\";\nimport \"acme/common.proto\";\nmessage A {}\n", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("it imports \"acme/common.proto\": only the well-known types");
        assertThatThrownBy(() -> compile("syntax = \"proto3\";\nenum E { X = 0; }\n", null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("it defines no message");
        assertThatThrownBy(() -> compile(EVENT, "acme.Click")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("it defines no message 'acme.Click' (its messages: acme.Event)");
    }

    /** What protoc makes of {@link #EVENT}, built with protobuf-java's builders. */
    private static Descriptor eventDescriptor() throws Exception {
        DescriptorProto.Builder m = DescriptorProto.newBuilder().setName("Event")
                .addField(field("small", 1, Type.TYPE_INT32, null))
                .addField(field("big", 2, Type.TYPE_INT64, null))
                .addField(field("unsigned_small", 3, Type.TYPE_UINT32, null))
                .addField(field("unsigned_big", 4, Type.TYPE_UINT64, null))
                .addField(field("ratio", 5, Type.TYPE_DOUBLE, null))
                .addField(field("weight", 6, Type.TYPE_FLOAT, null))
                .addField(field("ok", 7, Type.TYPE_BOOL, null))
                .addField(field("blob", 8, Type.TYPE_BYTES, null))
                .addField(field("at", 9, Type.TYPE_MESSAGE, ".google.protobuf.Timestamp"))
                .addField(field("took", 10, Type.TYPE_MESSAGE, ".google.protobuf.Duration"))
                .addField(field("maybe", 11, Type.TYPE_MESSAGE, ".google.protobuf.Int64Value"))
                .addField(field("extra", 12, Type.TYPE_MESSAGE, ".google.protobuf.Struct"))
                .addField(field("names", 13, Type.TYPE_MESSAGE, ".acme.Event.NamesEntry").toBuilder()
                        .setLabel(Label.LABEL_REPEATED))
                .addField(field("text", 14, Type.TYPE_STRING, null).toBuilder().setOneofIndex(0))
                .addField(field("number", 15, Type.TYPE_INT32, null).toBuilder().setOneofIndex(0))
                .addOneofDecl(com.google.protobuf.DescriptorProtos.OneofDescriptorProto.newBuilder().setName("choice"))
                .addNestedType(DescriptorProto.newBuilder().setName("NamesEntry")
                        .setOptions(com.google.protobuf.DescriptorProtos.MessageOptions.newBuilder().setMapEntry(true))
                        .addField(field("key", 1, Type.TYPE_INT32, null))
                        .addField(field("value", 2, Type.TYPE_STRING, null)));
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("event.proto").setPackage("acme")
                .setSyntax("proto3").addDependency("google/protobuf/timestamp.proto")
                .addDependency("google/protobuf/duration.proto").addDependency("google/protobuf/wrappers.proto")
                .addDependency("google/protobuf/struct.proto").addMessageType(m).build();
        return FileDescriptor.buildFrom(file, new FileDescriptor[] {Timestamp.getDescriptor().getFile(),
                com.google.protobuf.Duration.getDescriptor().getFile(), Int64Value.getDescriptor().getFile(),
                com.google.protobuf.Struct.getDescriptor().getFile()}).findMessageTypeByName("Event");
    }

    private static FieldDescriptorProto field(String name, int number, Type type, String typeName) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(type).setLabel(Label.LABEL_OPTIONAL);
        if (typeName != null) {
            b.setTypeName(typeName);
        }
        return b.build();
    }
}
