package ai.geniusrise.testkit.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The registry's state and rules, as the Confluent-compatible API defines them: schemas with global
 * ids (the same schema text of the same type has one id, whatever the subject), subjects with
 * numbered versions, soft deletion, and compatibility levels (global and per subject; {@code NONE}
 * by default, as Apicurio Registry has no rule by default), checked for Avro with Avro's own
 * {@link SchemaCompatibility}. Kept in a JSON file when a data folder is given, so ids survive a
 * restart (a topic's records name them). Synchronized: one request at a time.
 */
final class RegistryStore {

    /** An error the API reports: HTTP status, Confluent error code, message. */
    static final class Failure extends RuntimeException {
        final int status;
        final int code;

        Failure(int status, int code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    record Stored(int id, String type, String schema) {
    }

    record Version(int version, int id, boolean deleted) {
    }

    static final Set<String> TYPES = Set.of("AVRO", "JSON", "PROTOBUF");
    static final Set<String> LEVELS = Set.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
            "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<Stored> schemas = new ArrayList<>();
    private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
    private final Map<String, String> levels = new LinkedHashMap<>();
    private String globalLevel = "NONE";

    RegistryStore(Path file) {
        this.file = file;
        if (file != null && Files.exists(file)) {
            load();
        }
    }

    // ------------------------------------------------------------------ schemas

    synchronized Stored byId(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new Failure(404, 40403, "Schema " + id + " not found");
        }
        return schemas.get(id - 1);
    }

    /** Subjects and versions holding schema {@code id}. */
    synchronized List<Map.Entry<String, Integer>> usesOf(int id) {
        byId(id);
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        subjects.forEach((s, versions) -> versions.stream().filter(v -> v.id() == id && !v.deleted())
                .forEach(v -> out.add(Map.entry(s, v.version()))));
        return out;
    }

    /** Registers {@code text} under {@code subject}: the id of the version holding it (a new one if need be). */
    synchronized int register(String subject, String text, String type) {
        String canonical = canonical(text, type);
        List<Version> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        for (Version v : versions) {
            if (!v.deleted() && schemas.get(v.id() - 1).schema().equals(canonical)
                    && schemas.get(v.id() - 1).type().equals(type)) {
                return v.id();
            }
        }
        List<Version> live = live(subject, false);
        String problem = incompatibility(subject, live, canonical, type);
        if (problem != null) {
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
            throw new Failure(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\": " + problem);
        }
        int id = idOf(canonical, type);
        int next = versions.stream().mapToInt(Version::version).max().orElse(0) + 1;
        versions.add(new Version(next, id, false));
        save();
        return id;
    }

    /** The live version of {@code subject} holding {@code text}. */
    synchronized Version lookUp(String subject, String text, String type) {
        List<Version> live = live(subject);
        String canonical = canonical(text, type);
        for (Version v : live) {
            Stored s = schemas.get(v.id() - 1);
            if (s.schema().equals(canonical) && s.type().equals(type)) {
                return v;
            }
        }
        throw new Failure(404, 40403, "Schema not found");
    }

    synchronized List<String> subjects() {
        return subjects.keySet().stream().filter(s -> !live(s, false).isEmpty()).toList();
    }

    /** The versions of {@code subject} not deleted, oldest first; 40401 when there are none. */
    synchronized List<Version> live(String subject) {
        return live(subject, true);
    }

    private List<Version> live(String subject, boolean required) {
        List<Version> versions = subjects.get(subject);
        List<Version> live = versions == null ? List.of()
                : versions.stream().filter(v -> !v.deleted()).toList();
        if (live.isEmpty() && required) {
            throw new Failure(404, 40401, "Subject '" + subject + "' not found.");
        }
        return live;
    }

    synchronized Version version(String subject, String version) {
        List<Version> live = live(subject);
        if (version.equals("latest") || version.equals("-1")) {
            return live.get(live.size() - 1);
        }
        int n;
        try {
            n = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new Failure(422, 42202, "The specified version '" + version + "' is not a valid version id. "
                    + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
        return live.stream().filter(v -> v.version() == n).findFirst()
                .orElseThrow(() -> new Failure(404, 40402, "Version " + version + " not found."));
    }

    /** Soft-deletes {@code subject}: the versions it had. */
    synchronized List<Integer> deleteSubject(String subject) {
        List<Version> live = live(subject);
        subjects.put(subject, new ArrayList<>(subjects.get(subject).stream()
                .map(v -> new Version(v.version(), v.id(), true)).toList()));
        save();
        return live.stream().map(Version::version).toList();
    }

    synchronized int deleteVersion(String subject, String version) {
        Version v = version(subject, version);
        List<Version> all = subjects.get(subject);
        all.replaceAll(x -> x.version() == v.version() ? new Version(x.version(), x.id(), true) : x);
        save();
        return v.version();
    }

    // ------------------------------------------------------------------ compatibility

    synchronized String level(String subject) {
        if (subject != null && levels.containsKey(subject)) {
            return levels.get(subject);
        }
        if (subject != null && !subjects.containsKey(subject)) {
            throw new Failure(404, 40401, "Subject '" + subject + "' not found.");
        }
        return globalLevel;
    }

    synchronized String setLevel(String subject, String level) {
        if (level == null || !LEVELS.contains(level)) {
            throw new Failure(422, 42203, "Invalid compatibility level. Valid values are " + LEVELS);
        }
        if (subject == null) {
            globalLevel = level;
        } else {
            levels.put(subject, level);
        }
        save();
        return level;
    }

    /** Whether {@code text} is compatible with {@code version} of {@code subject} under its level. */
    synchronized boolean compatible(String subject, String version, String text, String type) {
        Version v = version(subject, version);
        return incompatibility(subject, List.of(v), canonical(text, type), type) == null;
    }

    /** Why {@code canonical} may not follow {@code live} under the subject's level, or null. */
    private String incompatibility(String subject, List<Version> live, String canonical, String type) {
        String level = levels.getOrDefault(subject, globalLevel);
        if (level.equals("NONE") || live.isEmpty() || !type.equals("AVRO")) {
            return null;
        }
        List<Version> against = level.endsWith("_TRANSITIVE") ? live : List.of(live.get(live.size() - 1));
        Schema proposed = new Schema.Parser().parse(canonical);
        for (Version v : against) {
            Stored s = schemas.get(v.id() - 1);
            if (!s.type().equals("AVRO")) {
                return "version " + v.version() + " is of type " + s.type();
            }
            Schema existing = new Schema.Parser().parse(s.schema());
            String problem = null;
            if (level.startsWith("BACKWARD") || level.startsWith("FULL")) {
                problem = unreadable(proposed, existing, "the new schema cannot read version " + v.version());
            }
            if (problem == null && (level.startsWith("FORWARD") || level.startsWith("FULL"))) {
                problem = unreadable(existing, proposed, "version " + v.version() + " cannot read the new schema");
            }
            if (problem != null) {
                return problem + " (" + level + ")";
            }
        }
        return null;
    }

    /** {@code what} and why, when {@code reader} cannot read what {@code writer} wrote; else null. */
    private static String unreadable(Schema reader, Schema writer, String what) {
        SchemaCompatibility.SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        return c.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE ? null
                : what + ": " + c.getDescription();
    }

    // ------------------------------------------------------------------ helpers

    private int idOf(String canonical, String type) {
        for (Stored s : schemas) {
            if (s.schema().equals(canonical) && s.type().equals(type)) {
                return s.id();
            }
        }
        Stored s = new Stored(schemas.size() + 1, type, canonical);
        schemas.add(s);
        return s.id();
    }

    /** The form schemas are compared and kept in: Avro's parsed form, a JSON Schema's compact JSON. */
    static String canonical(String text, String type) {
        if (!TYPES.contains(type)) {
            throw new Failure(422, 42201, "Invalid schema type " + type + "; expected one of " + TYPES);
        }
        if (text == null || text.isBlank()) {
            throw new Failure(422, 42201, "Invalid schema: it is empty");
        }
        try {
            return switch (type) {
                case "AVRO" -> new Schema.Parser().parse(text).toString();
                case "JSON" -> jsonSchema(text);
                default -> text;
            };
        } catch (SchemaParseException | IOException e) {
            throw new Failure(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    /** A JSON Schema's compact text: a JSON object or a boolean, as the specification allows. */
    private static String jsonSchema(String text) throws IOException {
        JsonNode node = JSON.readTree(text);
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw new Failure(422, 42201, "Invalid schema: a JSON Schema is an object or a boolean, not "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return node.toString();
    }

    private void save() {
        if (file == null) {
            return;
        }
        ObjectNode root = JSON.createObjectNode().put("compatibility", globalLevel);
        ArrayNode all = root.putArray("schemas");
        schemas.forEach(s -> all.addObject().put("id", s.id()).put("type", s.type()).put("schema", s.schema()));
        ObjectNode subs = root.putObject("subjects");
        subjects.forEach((name, versions) -> {
            ArrayNode a = subs.putArray(name);
            versions.forEach(v -> a.addObject().put("version", v.version()).put("id", v.id())
                    .put("deleted", v.deleted()));
        });
        ObjectNode lv = root.putObject("levels");
        levels.forEach(lv::put);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, root.toString());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the schema registry's state in " + file, e);
        }
    }

    private void load() {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            globalLevel = root.path("compatibility").asText("NONE");
            for (JsonNode s : root.path("schemas")) {
                schemas.add(new Stored(s.path("id").asInt(), s.path("type").asText(), s.path("schema").asText()));
            }
            root.path("subjects").fields().forEachRemaining(e -> {
                List<Version> versions = new ArrayList<>();
                for (JsonNode v : e.getValue()) {
                    versions.add(new Version(v.path("version").asInt(), v.path("id").asInt(),
                            v.path("deleted").asBoolean()));
                }
                subjects.put(e.getKey(), versions);
            });
            root.path("levels").fields().forEachRemaining(e -> levels.put(e.getKey(), e.getValue().asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema registry's state in " + file, e);
        }
    }
}
