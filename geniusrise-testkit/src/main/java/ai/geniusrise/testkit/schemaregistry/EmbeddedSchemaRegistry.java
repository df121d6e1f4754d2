package ai.geniusrise.testkit.schemaregistry;

import ai.geniusrise.testkit.EmbeddedServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A schema registry serving the Confluent-compatible REST API at {@code /apis/ccompat/v7}, the path
 * Apicurio Registry serves it at, on {@code 127.0.0.1}: enough of the protocol for any client of
 * that API (subjects and versions, schemas by global id, lookup, soft deletion, compatibility
 * levels with Avro compatibility checks, schema types AVRO, JSON and PROTOBUF, the same error
 * codes). It is the test kit's own implementation, in this JVM, because Apicurio Registry's
 * application is a Quarkus application that cannot be started from its Maven artifact without a
 * Quarkus build (see docs/design.md).
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().build().start()) {
 *     String url = registry.url();   // http://127.0.0.1:<port>/apis/ccompat/v7
 * }
 * }</pre>
 *
 * With a {@link Builder#dataDir data folder} it keeps its schemas there across {@link #stop()} and
 * {@link #start()} (a topic's records name their schemas' ids); otherwise in memory. Usable outside
 * JUnit (local mode); in tests, {@link SchemaRegistryExtension} manages one. Not thread-safe: start
 * and stop it from one thread (requests are served on threads of its own).
 */
public final class EmbeddedSchemaRegistry extends EmbeddedServer {

    /** Where the API is served, as Apicurio Registry serves its Confluent-compatible API. */
    public static final String BASE_PATH = "/apis/ccompat/v7";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private HttpServer server;
    private ExecutorService threads;

    private EmbeddedSchemaRegistry(Builder b) {
        super(b.port);
        try {
            this.dataDir = b.dataDir != null ? Files.createDirectories(b.dataDir.toAbsolutePath()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the schema registry's data folder", e);
        }
    }

    /** A builder; by default a free port, schemas in memory. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts serving; does nothing if it serves. Its schemas are read back from the data folder, if any.
     *
     * @return this
     */
    @Override
    public EmbeddedSchemaRegistry start() {
        if (server != null) {
            return this;
        }
        RegistryStore store = new RegistryStore(dataDir == null ? null : dataDir.resolve("schema-registry.json"));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded schema registry cannot listen on port " + port(), e);
        }
        threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-" + port());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext(BASE_PATH + "/", exchange -> serve(store, exchange));
        server.start();
        return this;
    }

    /** Stops serving; {@link #start()} brings it back on the same port (with its schemas, given a data folder). */
    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
            server = null;
            threads = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The base URL of the API clients use: {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port() + BASE_PATH;
    }

    /** The folder its schemas are kept in, or {@code null} when they are kept in memory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Nothing to delete: without a data folder its schemas live in memory only. */
    @Override
    protected Path temporaryFolder() {
        return null;
    }

    // ------------------------------------------------------------------ the API

    private static void serve(RegistryStore store, HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            String body;
            try {
                body = route(store, exchange).toString();
            } catch (RegistryStore.Failure f) {
                status = f.status;
                body = JSON.createObjectNode().put("error_code", f.code).put("message", f.getMessage()).toString();
            } catch (IOException | RuntimeException e) {
                status = 500;
                body = JSON.createObjectNode().put("error_code", 50001).put("message", "Error in the backend: " + e)
                        .toString();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static JsonNode route(RegistryStore store, HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String raw = exchange.getRequestURI().getRawPath().substring(BASE_PATH.length());
        String[] p = raw.replaceAll("^/+|/+$", "").split("/");
        for (int i = 0; i < p.length; i++) {
            p[i] = URLDecoder.decode(p[i], StandardCharsets.UTF_8);
        }
        boolean get = method.equals("GET");
        boolean post = method.equals("POST");
        boolean put = method.equals("PUT");
        boolean delete = method.equals("DELETE");
        switch (p[0]) {
            case "schemas" -> {
                if (p.length >= 3 && p[1].equals("ids") && get) {
                    int id = id(p[2]);
                    if (p.length == 3) {
                        return schemaAnswer(store.byId(id));
                    }
                    if (p.length == 4 && p[3].equals("schema")) {
                        return JSON.readTree(store.byId(id).schema());
                    }
                    if (p.length == 4 && p[3].equals("versions")) {
                        ArrayNode a = JSON.createArrayNode();
                        store.usesOf(id).forEach(e -> a.addObject().put("subject", e.getKey())
                                .put("version", e.getValue()));
                        return a;
                    }
                }
                if (p.length == 2 && p[1].equals("types") && get) {
                    ArrayNode a = JSON.createArrayNode();
                    RegistryStore.TYPES.stream().sorted().forEach(a::add);
                    return a;
                }
            }
            case "subjects" -> {
                if (p.length == 1 && get) {
                    ArrayNode a = JSON.createArrayNode();
                    store.subjects().forEach(a::add);
                    return a;
                }
                if (p.length == 2 && post) {
                    JsonNode b = body(exchange);
                    String type = type(b);
                    RegistryStore.Version v = store.lookUp(p[1], text(b), type);
                    return versionAnswer(store, p[1], v);
                }
                if (p.length == 2 && delete) {
                    ArrayNode a = JSON.createArrayNode();
                    store.deleteSubject(p[1]).forEach(a::add);
                    return a;
                }
                if (p.length == 3 && p[2].equals("versions") && get) {
                    ArrayNode a = JSON.createArrayNode();
                    store.live(p[1]).forEach(v -> a.add(v.version()));
                    return a;
                }
                if (p.length == 3 && p[2].equals("versions") && post) {
                    JsonNode b = body(exchange);
                    return JSON.createObjectNode().put("id", store.register(p[1], text(b), type(b)));
                }
                if (p.length == 4 && p[2].equals("versions") && get) {
                    return versionAnswer(store, p[1], store.version(p[1], p[3]));
                }
                if (p.length == 4 && p[2].equals("versions") && delete) {
                    return JSON.getNodeFactory().numberNode(store.deleteVersion(p[1], p[3]));
                }
                if (p.length == 5 && p[2].equals("versions") && p[4].equals("schema") && get) {
                    return JSON.readTree(store.byId(store.version(p[1], p[3]).id()).schema());
                }
            }
            case "config" -> {
                String subject = p.length == 2 ? p[1] : null;
                if (p.length <= 2 && get) {
                    return JSON.createObjectNode().put("compatibilityLevel", store.level(subject));
                }
                if (p.length <= 2 && put) {
                    JsonNode b = body(exchange);
                    return JSON.createObjectNode().put("compatibility",
                            store.setLevel(subject, b.path("compatibility").asText(null)));
                }
            }
            case "compatibility" -> {
                if (p.length == 5 && p[1].equals("subjects") && p[3].equals("versions") && post) {
                    JsonNode b = body(exchange);
                    return JSON.createObjectNode().put("is_compatible", store.compatible(p[2], p[4], text(b), type(b)));
                }
            }
            default -> {
            }
        }
        throw new RegistryStore.Failure(404, 404, "HTTP 404 Not Found: " + method + " " + BASE_PATH + raw);
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryStore.Failure(404, 40403, "Schema " + text + " not found");
        }
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            JsonNode b = JSON.readTree(in);
            if (b == null || !b.isObject()) {
                throw new RegistryStore.Failure(422, 42201, "Invalid request: expected a JSON object");
            }
            return b;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryStore.Failure(400, 400, "Unrecognized request body: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body) {
        JsonNode s = body.get("schema");
        if (s == null || !s.isTextual()) {
            throw new RegistryStore.Failure(422, 42201, "Invalid schema: the request has no 'schema' text");
        }
        return s.asText();
    }

    private static String type(JsonNode body) {
        JsonNode t = body.get("schemaType");
        return t == null || t.isNull() ? "AVRO" : t.asText();
    }

    private static ObjectNode schemaAnswer(RegistryStore.Stored s) {
        ObjectNode o = JSON.createObjectNode().put("schema", s.schema());
        if (!s.type().equals("AVRO")) {
            o.put("schemaType", s.type());
        }
        return o;
    }

    private static ObjectNode versionAnswer(RegistryStore store, String subject, RegistryStore.Version v) {
        RegistryStore.Stored s = store.byId(v.id());
        ObjectNode o = JSON.createObjectNode().put("subject", subject).put("version", v.version()).put("id", v.id());
        if (!s.type().equals("AVRO")) {
            o.put("schemaType", s.type());
        }
        return o.put("schema", s.schema());
    }

    /** Builds an {@link EmbeddedSchemaRegistry}. */
    public static final class Builder {
        private Path dataDir;
        private int port;

        private Builder() {
        }

        /** Keep the schemas in this folder (kept on close); default in memory. */
        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        /** Listen on this port; default a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** The registry, not started. */
        public EmbeddedSchemaRegistry build() {
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
