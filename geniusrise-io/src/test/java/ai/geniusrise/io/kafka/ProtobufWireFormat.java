package ai.geniusrise.io.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The independent protobuf writer and reader of the registry tests: Google's protobuf-java, its
 * descriptors built here with the {@code DescriptorProtos} builders (what protoc would make of
 * {@link #CLICK_PROTO} and {@link #SCORED_PROTO}), messages as {@code DynamicMessage}s, the
 * Confluent header and message indexes laid out by hand.
 */
final class ProtobufWireFormat {

    /** A click: nested message, repeated, map, enum, int64 and bytes fields. */
    static final String CLICK_PROTO = proto("", "Click");

    /** The output's file: {@code Scored} is its second message, so its index path is {@code [1]}. */
    static final String SCORED_PROTO = proto("""
            message Header {
              string source = 1;
            }

            """, "Scored");

    private static final Descriptor CLICK = file("click.proto", false).findMessageTypeByName("Click");
    private static final Descriptor SCORED = file("scored.proto", true).findMessageTypeByName("Scored");
    private static final long BIG = 5_000_000_000L;
    private static final byte[] PAYLOAD = {1, 2, (byte) 0xff};

    private ProtobufWireFormat() {
    }

    /** A click of {@code user} in the wire format of schema {@code id}, written by protobuf-java. */
    static byte[] click(int id, String user, int count) {
        Descriptor detail = CLICK.findNestedTypeByName("Detail");
        Descriptor entry = CLICK.findNestedTypeByName("ScoresEntry");
        DynamicMessage message = DynamicMessage.newBuilder(CLICK)
                .setField(CLICK.findFieldByName("user"), user)
                .setField(CLICK.findFieldByName("count"), (long) count)
                .setField(CLICK.findFieldByName("detail"), DynamicMessage.newBuilder(detail)
                        .setField(detail.findFieldByName("page"), "p-" + user)
                        .addRepeatedField(detail.findFieldByName("ids"), BIG)
                        .addRepeatedField(detail.findFieldByName("ids"), 7L).build())
                .addRepeatedField(CLICK.findFieldByName("tags"), "a")
                .addRepeatedField(CLICK.findFieldByName("tags"), "b")
                .addRepeatedField(CLICK.findFieldByName("scores"), DynamicMessage.newBuilder(entry)
                        .setField(entry.findFieldByName("key"), "x")
                        .setField(entry.findFieldByName("value"), 3).build())
                .setField(CLICK.findFieldByName("kind"), CLICK.getFile().findEnumTypeByName("Kind")
                        .findValueByName("BUY"))
                .setField(CLICK.findFieldByName("payload"), ByteString.copyFrom(PAYLOAD))
                .build();
        return wire(id, new byte[] {0}, message.toByteArray());
    }

    /** A file of package {@code acme}: {@code before}, then a message {@code name} with the test's fields. */
    private static String proto(String before, String name) {
        return """
                syntax = "proto3";
                package acme;

                """ + before + "message " + name + """
                 {
                  string user = 1;
                  int64 count = 2;
                  Detail detail = 3;
                  repeated string tags = 4;
                  map<string, int32> scores = 5;
                  Kind kind = 6;
                  bytes payload = 7;

                  message Detail {
                    string page = 1;
                    repeated int64 ids = 2;
                  }
                }

                enum Kind {
                  KIND_UNSPECIFIED = 0;
                  VIEW = 1;
                  BUY = 2;
                }
                """;
    }

    /** The header of schema {@code id}, then {@code indexes} and {@code message} as they are. */
    static byte[] wire(int id, byte[] indexes, byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        out.writeBytes(indexes);
        out.writeBytes(message);
        return out.toByteArray();
    }

    /** The {@code Scored} message in {@code wire}, read by protobuf-java, as text. */
    static String readScored(byte[] wire) throws Exception {
        assertThat(wire[0]).as("magic byte").isZero();
        assertThat(new byte[] {wire[5], wire[6]}).as("message indexes: one index, 1 (zig-zag: 2 and 2)")
                .containsExactly(2, 2);
        DynamicMessage m = DynamicMessage.parseFrom(SCORED, Arrays.copyOfRange(wire, 7, wire.length));
        DynamicMessage detail = (DynamicMessage) m.getField(SCORED.findFieldByName("detail"));
        Descriptor d = SCORED.findNestedTypeByName("Detail");
        Map<Object, Object> scores = new TreeMap<>();
        for (Object e : (List<?>) m.getField(SCORED.findFieldByName("scores"))) {
            DynamicMessage entry = (DynamicMessage) e;
            scores.put(entry.getField(entry.getDescriptorForType().findFieldByName("key")),
                    entry.getField(entry.getDescriptorForType().findFieldByName("value")));
        }
        return m.getField(SCORED.findFieldByName("user")) + ":" + m.getField(SCORED.findFieldByName("count")) + ":"
                + m.getField(SCORED.findFieldByName("kind")) + ":" + m.getField(SCORED.findFieldByName("tags")) + ":"
                + scores + ":" + detail.getField(d.findFieldByName("page")) + ":"
                + detail.getField(d.findFieldByName("ids")) + ":" + Base64.getEncoder().encodeToString(
                ((ByteString) m.getField(SCORED.findFieldByName("payload"))).toByteArray());
    }

    /** What {@link #readScored} gives for a click of {@code user} scored {@code count}. */
    static String scoredAsRead(String user, long count) {
        return user + ":" + count + ":BUY:[a, b]:{x=3}:p-" + user.toLowerCase() + ":[" + BIG + ", 7]:"
                + Base64.getEncoder().encodeToString(PAYLOAD);
    }

    /** The descriptor protoc would make of {@link #CLICK_PROTO}, or with {@code header} of {@link #SCORED_PROTO}. */
    private static FileDescriptor file(String name, boolean header) {
        String message = header ? "Scored" : "Click";
        String prefix = ".acme." + message + ".";
        DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(message)
                .addField(field("user", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL, null))
                .addField(field("count", 2, Type.TYPE_INT64, Label.LABEL_OPTIONAL, null))
                .addField(field("detail", 3, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL, prefix + "Detail"))
                .addField(field("tags", 4, Type.TYPE_STRING, Label.LABEL_REPEATED, null))
                .addField(field("scores", 5, Type.TYPE_MESSAGE, Label.LABEL_REPEATED, prefix + "ScoresEntry"))
                .addField(field("kind", 6, Type.TYPE_ENUM, Label.LABEL_OPTIONAL, ".acme.Kind"))
                .addField(field("payload", 7, Type.TYPE_BYTES, Label.LABEL_OPTIONAL, null))
                .addNestedType(DescriptorProto.newBuilder().setName("ScoresEntry")
                        .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                        .addField(field("key", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL, null))
                        .addField(field("value", 2, Type.TYPE_INT32, Label.LABEL_OPTIONAL, null)))
                .addNestedType(DescriptorProto.newBuilder().setName("Detail")
                        .addField(field("page", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL, null))
                        .addField(field("ids", 2, Type.TYPE_INT64, Label.LABEL_REPEATED, null)));
        FileDescriptorProto.Builder f = FileDescriptorProto.newBuilder().setName(name).setPackage("acme")
                .setSyntax("proto3");
        if (header) {
            f.addMessageType(DescriptorProto.newBuilder().setName("Header")
                    .addField(field("source", 1, Type.TYPE_STRING, Label.LABEL_OPTIONAL, null)));
        }
        f.addMessageType(m).addEnumType(EnumDescriptorProto.newBuilder().setName("Kind")
                .addValue(EnumValueDescriptorProto.newBuilder().setName("KIND_UNSPECIFIED").setNumber(0))
                .addValue(EnumValueDescriptorProto.newBuilder().setName("VIEW").setNumber(1))
                .addValue(EnumValueDescriptorProto.newBuilder().setName("BUY").setNumber(2)));
        try {
            return FileDescriptor.buildFrom(f.build(), new FileDescriptor[0]);
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FieldDescriptorProto field(String name, int number, Type type, Label label, String typeName) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(type).setLabel(label);
        if (typeName != null) {
            b.setTypeName(typeName);
        }
        return b.build();
    }
}
