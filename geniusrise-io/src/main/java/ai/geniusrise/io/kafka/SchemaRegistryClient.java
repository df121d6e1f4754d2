package ai.geniusrise.io.kafka;

import ai.geniusrise.core.TaskFailedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small client of a schema registry's Confluent-compatible REST API: registers schemas under
 * subjects, looks them up, and fetches them by id (cached: an id always names the same schema).
 * Credentials written in the URL ({@code https://user:secret@host/...}) are sent as HTTP basic
 * authentication and never appear in a message. Thread-safe.
 */
final class SchemaRegistryClient {

    /** A schema as the registry holds it: its global id, its text and its type (AVRO, JSON, PROTOBUF). */
    record Registered(int id, String schema, String type) {
    }

    /** The registry answered with an error: its HTTP status, its {@code error_code} and its message. */
    static final class RegistryError extends RuntimeException {
        private final int status;
        private final int errorCode;

        RegistryError(int status, int errorCode, String message) {
            super(message);
            this.status = status;
            this.errorCode = errorCode;
        }

        int status() {
            return status;
        }

        int errorCode() {
            return errorCode;
        }
    }

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String authorization;
    private final HttpClient http;
    private final Map<Integer, Registered> byId = new ConcurrentHashMap<>();

    /** A client of the registry at {@code url} (its API's base: for Apicurio, {@code .../apis/ccompat/v7}). */
    SchemaRegistryClient(String url) {
        URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            String decoded = java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
            uri = URI.create(uri.getScheme() + "://" + uri.getRawAuthority().substring(userInfo.length() + 1)
                    + (uri.getRawPath() == null ? "" : uri.getRawPath()));
        } else {
            this.authorization = null;
        }
        this.base = uri.toString();
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The registry's URL without credentials, for messages. */
    String url() {
        return base;
    }

    /** The schema with global id {@code id}. */
    Registered schemaById(int id) {
        Registered cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        Registered r = new Registered(id, answer.path("schema").asText(), type(answer));
        byId.put(id, r);
        return r;
    }

    /** Registers {@code schema} under {@code subject} (a no-op when it is registered already); its id. */
    int register(String subject, String schema, String type) {
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", body(schema, type));
        return answer.path("id").asInt();
    }

    /**
     * The id of {@code schema} under {@code subject}.
     *
     * @throws RegistryError with status 404 when the subject or the schema under it is not registered
     */
    int lookUp(String subject, String schema, String type) {
        JsonNode answer = call("POST", "/subjects/" + encode(subject), body(schema, type));
        return answer.path("id").asInt();
    }

    /**
     * The latest version registered under {@code subject}.
     *
     * @throws RegistryError with status 404 when the subject is not registered
     */
    Registered latest(String subject) {
        JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        return new Registered(answer.path("id").asInt(), answer.path("schema").asText(), type(answer));
    }

    private static String type(JsonNode answer) {
        JsonNode t = answer.get("schemaType");
        return t == null || t.isNull() ? "AVRO" : t.asText();
    }

    private static String body(String schema, String type) {
        ObjectNode b = JSON.createObjectNode().put("schema", schema);
        if (!"AVRO".equals(type)) {
            b.put("schemaType", type);
        }
        return b.toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TaskFailedException("the schema registry at " + base + " did not answer " + method + " " + path
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskFailedException("interrupted while calling the schema registry at " + base, e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (response.statusCode() / 100 != 2) {
            String message = answer != null && answer.hasNonNull("message") ? answer.get("message").asText()
                    : "HTTP " + response.statusCode();
            int code = answer != null ? answer.path("error_code").asInt(response.statusCode()) : response.statusCode();
            throw new RegistryError(response.statusCode(), code, "the schema registry at " + base + " answered "
                    + method + " " + path + " with " + response.statusCode() + " (error " + code + "): " + message);
        }
        if (answer == null) {
            throw new TaskFailedException("the schema registry at " + base + " answered " + method + " " + path
                    + " with something that is not JSON: is " + base + " the base of its Confluent-compatible API?", null);
        }
        return answer;
    }
}
