package ai.geniusrise.testkit;

import ai.geniusrise.testkit.schemaregistry.EmbeddedSchemaRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded registry speaks the Confluent-compatible protocol: ids, versions, lookups, errors, compatibility. */
class SchemaRegistryProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
            + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}]}";
    private static final String NO_DEFAULT = "{\"type\":\"record\",\"name\":\"E\",\"fields\":[{\"name\":\"a\","
            + "\"type\":\"int\"},{\"name\":\"c\",\"type\":\"string\"}]}";

    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void start() {
        registry = EmbeddedSchemaRegistry.builder().build().start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer call(String base, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    private static String schema(String text) {
        return JSON.createObjectNode().put("schema", text).toString();
    }

    @Test
    void oneSchemaHasOneIdAcrossSubjectsAndVersionsCountPerSubject() throws Exception {
        String url = registry.url();
        int id = call(url, "POST", "/subjects/p-a/versions", schema(V1)).body().get("id").asInt();
        assertThat(call(url, "POST", "/subjects/p-a/versions", schema(V1)).body().get("id").asInt()).isEqualTo(id);
        assertThat(call(url, "POST", "/subjects/p-b/versions", schema(V1)).body().get("id").asInt()).isEqualTo(id);
        int id2 = call(url, "POST", "/subjects/p-a/versions", schema(V2)).body().get("id").asInt();
        assertThat(id2).isNotEqualTo(id);
        assertThat(call(url, "GET", "/subjects/p-a/versions", null).body().toString()).isEqualTo("[1,2]");
        JsonNode latest = call(url, "GET", "/subjects/p-a/versions/latest", null).body();
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(id2);
        assertThat(latest.get("subject").asText()).isEqualTo("p-a");
        assertThat(call(url, "GET", "/schemas/ids/" + id, null).body().get("schema").asText())
                .isEqualTo(V1);
        JsonNode found = call(url, "POST", "/subjects/p-b", schema(V1)).body();
        assertThat(found.get("version").asInt()).isEqualTo(1);
        assertThat(found.get("id").asInt()).isEqualTo(id);
    }

    @Test
    void jsonSchemasAreKeptWithTheirTypeAndOneIdPerSchemaWhateverItsLayout() throws Exception {
        String url = registry.url();
        String spaced = "{\"title\": \"Click\", \"type\": \"object\", \"required\": [\"user\"]}";
        String compact = "{\"title\":\"Click\",\"type\":\"object\",\"required\":[\"user\"]}";
        int id = call(url, "POST", "/subjects/j-a/versions", typed(spaced, "JSON")).body().get("id").asInt();
        assertThat(call(url, "POST", "/subjects/j-b/versions", typed(compact, "JSON")).body().get("id").asInt())
                .isEqualTo(id);
        JsonNode byId = call(url, "GET", "/schemas/ids/" + id, null).body();
        assertThat(byId.get("schemaType").asText()).isEqualTo("JSON");
        assertThat(byId.get("schema").asText()).isEqualTo(compact);
        JsonNode latest = call(url, "GET", "/subjects/j-a/versions/latest", null).body();
        assertThat(latest.get("schemaType").asText()).isEqualTo("JSON");
        assertThat(latest.get("id").asInt()).isEqualTo(id);
        assertThat(call(url, "POST", "/subjects/j-a", typed(spaced, "JSON")).body().get("id").asInt()).isEqualTo(id);
        assertThat(call(url, "POST", "/subjects/j-a", schema(compact)).body().get("error_code").asInt())
                .as("the same text as an Avro schema is another schema").isIn(40403, 42201);
        Answer notJson = call(url, "POST", "/subjects/j-c/versions", typed("{\"type\": ", "JSON"));
        assertThat(notJson.status()).isEqualTo(422);
        assertThat(notJson.body().get("error_code").asInt()).isEqualTo(42201);
        Answer notASchema = call(url, "POST", "/subjects/j-c/versions", typed("[1, 2]", "JSON"));
        assertThat(notASchema.body().get("error_code").asInt()).isEqualTo(42201);
        assertThat(notASchema.body().get("message").asText()).contains("an object or a boolean, not array");
    }

    private static String typed(String text, String type) {
        return JSON.createObjectNode().put("schema", text).put("schemaType", type).toString();
    }

    @Test
    void errorsCarryTheConfluentCodes() throws Exception {
        String url = registry.url();
        Answer noSubject = call(url, "GET", "/subjects/p-none/versions/latest", null);
        assertThat(noSubject.status()).isEqualTo(404);
        assertThat(noSubject.body().get("error_code").asInt()).isEqualTo(40401);
        call(url, "POST", "/subjects/p-c/versions", schema(V1));
        Answer noSchema = call(url, "POST", "/subjects/p-c", schema(V2));
        assertThat(noSchema.body().get("error_code").asInt()).isEqualTo(40403);
        assertThat(call(url, "GET", "/subjects/p-c/versions/9", null).body().get("error_code").asInt()).isEqualTo(40402);
        assertThat(call(url, "GET", "/schemas/ids/9999", null).body().get("error_code").asInt()).isEqualTo(40403);
        Answer invalid = call(url, "POST", "/subjects/p-c/versions", schema("{\"type\": \"nope\"}"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("error_code").asInt()).isEqualTo(42201);
    }

    @Test
    void backwardCompatibilityRefusesASchemaThatCannotReadTheLastVersion() throws Exception {
        String url = registry.url();
        call(url, "POST", "/subjects/p-d/versions", schema(V1));
        assertThat(call(url, "PUT", "/config/p-d", "{\"compatibility\": \"BACKWARD\"}").body()
                .get("compatibility").asText()).isEqualTo("BACKWARD");
        Answer refused = call(url, "POST", "/subjects/p-d/versions", schema(NO_DEFAULT));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(call(url, "POST", "/compatibility/subjects/p-d/versions/latest", schema(V2)).body()
                .get("is_compatible").asBoolean()).isTrue();
        assertThat(call(url, "POST", "/subjects/p-d/versions", schema(V2)).status()).isEqualTo(200);
    }

    @Test
    void aRegistryWithADataFolderKeepsItsIdsAcrossARestart(@TempDir Path dir) throws Exception {
        try (EmbeddedSchemaRegistry kept = EmbeddedSchemaRegistry.builder().dataDir(dir).build().start()) {
            call(kept.url(), "POST", "/subjects/k/versions", schema(V1));
            int id = call(kept.url(), "POST", "/subjects/k/versions", schema(V2)).body().get("id").asInt();
            kept.stop();
            kept.start();
            assertThat(call(kept.url(), "GET", "/schemas/ids/" + id, null).body().get("schema").asText()).isEqualTo(V2);
            assertThat(call(kept.url(), "DELETE", "/subjects/k", null).body().toString()).isEqualTo("[1,2]");
            assertThat(call(kept.url(), "GET", "/subjects", null).body().toString()).isEqualTo("[]");
        }
    }
}
