package ai.geniusrise.testkit.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;

/**
 * Avro values in the Confluent wire format (a zero byte, the schema's id as a 4-byte big-endian int,
 * the Avro binary data), written and read the way a registry's own serializer does, independently
 * of Geniusrise's Kafka adapter: plain Avro, the registry's REST API called with the JDK's HTTP
 * client, the 5-byte header laid out by hand. For tests that produce what a bolt reads, or check
 * what it wrote, against any registry serving that API.
 *
 * <pre>{@code
 * AvroWireFormat avro = new AvroWireFormat(registry.url());
 * int id = avro.register("clicks-value", schema);
 * producer.send(new ProducerRecord<>("clicks", null, AvroWireFormat.serialize(id, click)));
 * GenericRecord back = avro.deserialize(record.value());
 * }</pre>
 *
 * Thread-safe.
 */
public final class AvroWireFormat {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;

    /** A client of the registry whose Confluent-compatible API is served at {@code url}. */
    public AvroWireFormat(String url) {
        this.url = url;
    }

    /**
     * Registers {@code schema} under {@code subject} (or finds it there).
     *
     * @return the schema's id, from the registry's answer
     * @throws IOException if the registry refuses it, with its answer
     */
    public int register(String subject, Schema schema) throws IOException, InterruptedException {
        return register(subject, schema.toString(), "AVRO");
    }

    /**
     * Registers {@code schema} of {@code type} ({@code AVRO}, {@code JSON}, {@code PROTOBUF}) under
     * {@code subject} (or finds it there); for tests of the other schema types, whose values the
     * tests frame themselves with {@link #idOf} and the 5-byte header.
     *
     * @return the schema's id, from the registry's answer
     * @throws IOException if the registry refuses it, with its answer
     */
    public int register(String subject, String schema, String type) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("schema", schema);
        if (!type.equals("AVRO")) {
            request.put("schemaType", type);
        }
        String body = request.toString();
        JsonNode answer = call(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        return answer.get("id").asInt();
    }

    /** The subjects the registry holds. */
    public JsonNode subjects() throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url + "/subjects")).GET().build());
    }

    /** The latest version under {@code subject}: {subject, version, id, schema}. */
    public JsonNode latest(String subject) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions/latest")).GET().build());
    }

    /** Magic byte, id, Avro binary of {@code record}. */
    public static byte[] serialize(int id, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * The schema id in {@code wire}'s header.
     *
     * @throws IllegalArgumentException if {@code wire} does not start with the magic byte
     */
    public static int idOf(byte[] wire) {
        if (wire[0] != 0) {
            throw new IllegalArgumentException("no magic byte: " + wire[0]);
        }
        return ByteBuffer.wrap(wire, 1, 4).getInt();
    }

    /**
     * The schema registered with {@code id}, as the registry answers it: {@code schema}, and
     * {@code schemaType} for the types other than Avro.
     *
     * @throws IOException if the registry does not know that id
     */
    public JsonNode schemaById(int id) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id)).GET().build());
    }

    /**
     * Reads {@code wire} with the schema its header names, fetched from the registry.
     *
     * @throws IOException if the registry does not know that id
     */
    public GenericRecord deserialize(byte[] wire) throws IOException, InterruptedException {
        int id = idOf(wire);
        JsonNode answer = schemaById(id);
        Schema schema = new Schema.Parser().parse(answer.get("schema").asText());
        return new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(wire, 5, wire.length - 5, null));
    }

    private static JsonNode call(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.method() + " " + request.uri() + ": " + response.statusCode() + " "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }
}
