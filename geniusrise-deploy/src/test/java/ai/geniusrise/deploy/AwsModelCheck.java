package ai.geniusrise.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.GZIPInputStream;

/**
 * Checks a request, as JSON, against an AWS service model (botocore's {@code service-2.json},
 * vendored under {@code aws-models/}): unknown members, JSON types, required members, enum
 * values, lengths of strings, lists and maps, ranges of numbers, and patterns. What the API's
 * own validation refuses before anything else.
 */
final class AwsModelCheck {

    private final JsonNode model;

    private AwsModelCheck(String resource) {
        try (InputStream in = new GZIPInputStream(AwsModelCheck.class.getResourceAsStream("/aws-models/" + resource))) {
            model = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AwsModelCheck ecs() {
        return new AwsModelCheck("ecs-2014-11-13.service-2.json.gz");
    }

    static AwsModelCheck applicationAutoScaling() {
        return new AwsModelCheck("application-autoscaling-2016-02-06.service-2.json.gz");
    }

    static AwsModelCheck scheduler() {
        return new AwsModelCheck("scheduler-2021-06-30.service-2.json.gz");
    }

    /** What is wrong with {@code request} as the input of {@code operation} (such as {@code CreateService}). */
    List<String> violations(String operation, JsonNode request) {
        JsonNode op = model.path("operations").path(operation);
        if (op.isMissingNode()) {
            throw new IllegalArgumentException("no operation " + operation);
        }
        List<String> v = new ArrayList<>();
        check(request, op.path("input").path("shape").asText(), operation, v);
        return v;
    }

    private void check(JsonNode value, String shapeName, String path, List<String> v) {
        JsonNode shape = model.path("shapes").path(shapeName);
        String type = shape.path("type").asText();
        switch (type) {
            case "structure" -> {
                if (!value.isObject()) {
                    v.add(path + ": expected an object (" + shapeName + ")");
                    return;
                }
                JsonNode members = shape.path("members");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!members.has(f.getKey())) {
                        v.add(path + "." + f.getKey() + ": unknown member of " + shapeName);
                    } else {
                        check(f.getValue(), members.get(f.getKey()).path("shape").asText(), path + "." + f.getKey(), v);
                    }
                }
                for (JsonNode required : shape.path("required")) {
                    if (!value.has(required.asText())) {
                        v.add(path + "." + required.asText() + ": required by " + shapeName);
                    }
                }
            }
            case "list" -> {
                if (!value.isArray()) {
                    v.add(path + ": expected a list (" + shapeName + ")");
                    return;
                }
                length(value.size(), shape, path, v);
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), shape.path("member").path("shape").asText(), path + "[" + i + "]", v);
                }
            }
            case "map" -> {
                if (!value.isObject()) {
                    v.add(path + ": expected a map (" + shapeName + ")");
                    return;
                }
                length(value.size(), shape, path, v);
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    check(new ObjectMapper().getNodeFactory().textNode(f.getKey()),
                            shape.path("key").path("shape").asText(), path + "{" + f.getKey() + "}", v);
                    check(f.getValue(), shape.path("value").path("shape").asText(), path + "." + f.getKey(), v);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    v.add(path + ": expected a string (" + shapeName + ")");
                    return;
                }
                String s = value.asText();
                length(s.length(), shape, path, v);
                if (shape.has("enum")) {
                    boolean known = false;
                    for (JsonNode e : shape.get("enum")) {
                        known |= e.asText().equals(s);
                    }
                    if (!known) {
                        v.add(path + ": '" + s + "' is not one of " + shape.get("enum"));
                    }
                }
                if (shape.has("pattern")) {
                    try {
                        if (!Pattern.compile(shape.get("pattern").asText()).matcher(s).find()) {
                            v.add(path + ": '" + s + "' does not match " + shape.get("pattern").asText());
                        }
                    } catch (PatternSyntaxException e) {
                        // a pattern Java cannot read: not checked
                    }
                }
            }
            case "integer", "long" -> {
                if (!value.isIntegralNumber()) {
                    v.add(path + ": expected an integer (" + shapeName + ")");
                    return;
                }
                if (shape.has("min") && value.asLong() < shape.get("min").asLong()
                        || shape.has("max") && value.asLong() > shape.get("max").asLong()) {
                    v.add(path + ": " + value + " is outside " + shape.path("min") + ".." + shape.path("max"));
                }
            }
            case "double", "float" -> {
                if (!value.isNumber()) {
                    v.add(path + ": expected a number (" + shapeName + ")");
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    v.add(path + ": expected a boolean (" + shapeName + ")");
                }
            }
            case "timestamp" -> {
                if (!value.isNumber() && !value.isTextual()) {
                    v.add(path + ": expected a timestamp (" + shapeName + ")");
                }
            }
            case "blob" -> {
                if (!value.isTextual()) {
                    v.add(path + ": expected base64 text (" + shapeName + ")");
                }
            }
            default -> throw new IllegalStateException("shape " + shapeName + " of type " + type);
        }
    }

    private static void length(int n, JsonNode shape, String path, List<String> v) {
        if (shape.has("min") && n < shape.get("min").asInt() || shape.has("max") && n > shape.get("max").asInt()) {
            v.add(path + ": length " + n + " is outside " + shape.path("min") + ".." + shape.path("max"));
        }
    }
}
