package ai.geniusrise.io.kafka;

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
 * A serializer and deserializer of the Confluent wire format written for the tests, independent of
 * ours (its registry calls serve the JSON Schema tests too): plain Avro, the REST calls made here with the JDK's HTTP client, the 5-byte header laid out
 * by hand. What our bolt reads was written by this; what it writes is read back by this.
 */
final class IndependentAvro {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;

    IndependentAvro(String url) {
        this.url = url;
    }

    /** Registers {@code schema} under {@code subject}; its id, from the registry's answer. */
    int register(String subject, Schema schema) throws IOException, InterruptedException {
        return register(subject, schema.toString(), "AVRO");
    }

    /** Registers {@code schema} of {@code type} (AVRO, JSON, PROTOBUF) under {@code subject}; its id. */
    int register(String subject, String schema, String type) throws IOException, InterruptedException {
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
    JsonNode subjects() throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url + "/subjects")).GET().build());
    }

    /** The latest version under {@code subject}: {subject, version, id, schema}. */
    JsonNode latest(String subject) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions/latest")).GET().build());
    }

    /** Magic byte, id, Avro binary of {@code record}. */
    static byte[] serialize(int id, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** The schema id in {@code wire}'s header. */
    static int idOf(byte[] wire) {
        if (wire[0] != 0) {
            throw new IllegalArgumentException("no magic byte: " + wire[0]);
        }
        return ByteBuffer.wrap(wire, 1, 4).getInt();
    }

    /** The schema with {@code id}: {schema, schemaType (absent for Avro)}. */
    JsonNode schemaById(int id) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id)).GET().build());
    }

    /** Reads {@code wire} with the schema its header names, fetched from the registry. */
    GenericRecord deserialize(byte[] wire) throws IOException, InterruptedException {
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
