package ai.geniusrise.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks Kubernetes objects as the API server would: strictly against the API's OpenAPI
 * definitions (release 1.36, {@code kubernetes-openapi/definitions.json}: unknown fields, JSON
 * types, required fields), then the rules the API server's validation applies beyond the schema
 * (names, label keys and values, ports, references between fields, cron day-of-week 0-6, time
 * zone). Returns what is wrong, each with its JSON path.
 */
final class K8sSchemaCheck {

    private static final Map<String, String> API_VERSIONS = Map.of("ConfigMap", "v1", "Service", "v1",
            "Deployment", "apps/v1", "Job", "batch/v1", "CronJob", "batch/v1", "PodDisruptionBudget", "policy/v1",
            "ScaledObject", "keda.sh/v1alpha1", "TriggerAuthentication", "keda.sh/v1alpha1");
    /** KEDA's CRD schemas by kind ({@code keda-crd/}, see its README). */
    private static final Map<String, String> CRDS = Map.of("ScaledObject", "/keda-crd/keda.sh_scaledobjects.yaml",
            "TriggerAuthentication", "/keda-crd/keda.sh_triggerauthentications.yaml");
    /** The metadata keys of KEDA's kafka trigger (docs of the Apache Kafka scaler, KEDA 2.x). */
    static final Set<String> KAFKA_TRIGGER_METADATA = Set.of("bootstrapServers", "bootstrapServersFromEnv",
            "consumerGroup", "consumerGroupFromEnv", "topic", "topicFromEnv", "lagThreshold", "activationLagThreshold",
            "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag", "scaleToZeroOnInvalidOffset",
            "limitToPartitionsWithLag", "partitionLimitation", "version", "sasl", "tls", "unsafeSsl");
    /** The parameters a kafka trigger takes from a TriggerAuthentication. */
    static final Set<String> KAFKA_AUTH_PARAMETERS = Set.of("sasl", "username", "password", "tls", "ca", "cert",
            "key", "keyPassword", "keyEncoding", "oauthTokenEndpointUri", "scopes", "oauthExtensions",
            "awsRegion", "awsEndpoint", "saslAuthorizationIdentity");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private final JsonNode definitions;

    K8sSchemaCheck() {
        try (InputStream in = K8sSchemaCheck.class.getResourceAsStream("/kubernetes-openapi/definitions.json")) {
            definitions = new ObjectMapper().readTree(in).get("definitions");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is wrong with {@code object} (a whole object: apiVersion, kind, metadata, spec). */
    List<String> violations(JsonNode object) {
        List<String> v = new ArrayList<>();
        String kind = object.path("kind").asText();
        if (!API_VERSIONS.containsKey(kind)) {
            v.add("kind '" + kind + "' is not one we check");
            return v;
        }
        if (!API_VERSIONS.get(kind).equals(object.path("apiVersion").asText())) {
            v.add("apiVersion: expected " + API_VERSIONS.get(kind) + " for " + kind);
        }
        if (CRDS.containsKey(kind)) {
            check(object, crdSchema(CRDS.get(kind)), kind, v);
            keda(kind, object, v);
            return v;
        }
        check(object, "V1" + kind, kind, v);
        beyondSchema(kind, object, v);
        return v;
    }

    private static JsonNode crdSchema(String resource) {
        try (InputStream in = K8sSchemaCheck.class.getResourceAsStream(resource)) {
            Object yaml = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder()
                    .build()).loadFromInputStream(in);
            return new ObjectMapper().valueToTree(yaml).path("schema").path("openAPIV3Schema");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** KEDA's rules beyond its schema, for what we generate: a kafka trigger and its authentication. */
    private static void keda(String kind, JsonNode o, List<String> v) {
        String name = o.path("metadata").path("name").asText();
        if (name.length() > 253 || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
            v.add(kind + ".metadata.name: '" + name + "' is not a valid name");
        }
        labels(o.path("metadata").path("labels"), kind + ".metadata.labels", v);
        JsonNode spec = o.path("spec");
        if (kind.equals("TriggerAuthentication")) {
            for (JsonNode ref : spec.path("secretTargetRef")) {
                if (!KAFKA_AUTH_PARAMETERS.contains(ref.path("parameter").asText())) {
                    v.add(kind + ".spec.secretTargetRef: parameter '" + ref.path("parameter").asText()
                            + "' is not one the kafka scaler reads");
                }
                if (!ref.path("name").asText().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
                        || !ref.path("key").asText().matches("[-._a-zA-Z0-9]+")) {
                    v.add(kind + ".spec.secretTargetRef: '" + ref.path("name").asText() + "/" + ref.path("key").asText()
                            + "' is not a Secret name and key");
                }
            }
            return;
        }
        int min = spec.path("minReplicaCount").asInt(0);
        int max = spec.path("maxReplicaCount").asInt(100);
        if (min < 0 || min > max) {
            v.add("ScaledObject.spec: minReplicaCount " + min + " must be from 0 to maxReplicaCount " + max);
        }
        for (JsonNode t : spec.path("triggers")) {
            if (!t.path("type").asText().equals("kafka")) {
                v.add("ScaledObject.spec.triggers.type: '" + t.path("type").asText() + "' is not the kafka scaler");
                continue;
            }
            JsonNode md = t.path("metadata");
            for (Iterator<String> it = md.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!KAFKA_TRIGGER_METADATA.contains(key)) {
                    v.add("ScaledObject.spec.triggers.metadata." + key + ": not a setting of the kafka scaler");
                }
            }
            for (String required : List.of("bootstrapServers", "consumerGroup", "topic")) {
                if (md.path(required).asText("").isBlank()) {
                    v.add("ScaledObject.spec.triggers.metadata." + required + ": required by the kafka scaler");
                }
            }
            if (!md.path("lagThreshold").asText("10").matches("[1-9][0-9]*")) {
                v.add("ScaledObject.spec.triggers.metadata.lagThreshold: expected a positive whole number");
            }
            if (md.has("offsetResetPolicy") && !Set.of("earliest", "latest").contains(md.get("offsetResetPolicy").asText())) {
                v.add("ScaledObject.spec.triggers.metadata.offsetResetPolicy: expected earliest or latest");
            }
            if (md.has("sasl") && !Set.of("none", "plaintext", "scram_sha256", "scram_sha512", "oauthbearer", "gssapi")
                    .contains(md.get("sasl").asText())) {
                v.add("ScaledObject.spec.triggers.metadata.sasl: unknown mechanism");
            }
            if (md.has("tls") && !Set.of("enable", "disable").contains(md.get("tls").asText())) {
                v.add("ScaledObject.spec.triggers.metadata.tls: expected enable or disable");
            }
        }
    }

    private void check(JsonNode value, String definition, String path, List<String> v) {
        JsonNode schema = definitions.get(definition);
        if (schema == null) {
            throw new IllegalStateException("no definition " + definition);
        }
        check(value, schema, path, v);
    }

    private void check(JsonNode value, JsonNode schema, String path, List<String> v) {
        if (schema.has("$ref")) {
            check(value, schema.get("$ref").asText().substring("#/definitions/".length()), path, v);
            return;
        }
        if (value.isNull() || schema.path("x-abridged").asBoolean()) {
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode e : schema.get("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                v.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isTextual() && !value.isIntegralNumber()) {
                v.add(path + ": expected an integer or a string");
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "" -> {
                // any
            }
            case "string" -> {
                if (!value.isTextual()) {
                    v.add(path + ": expected a string, got " + value.getNodeType());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    v.add(path + ": expected an integer, got " + value.getNodeType() + " " + value);
                } else if ("int32".equals(schema.path("format").asText()) && !value.canConvertToInt()) {
                    v.add(path + ": " + value + " is out of int32's range");
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    v.add(path + ": expected a number, got " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    v.add(path + ": expected a boolean, got " + value.getNodeType());
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    v.add(path + ": expected an array, got " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), schema.get("items"), path + "[" + i + "]", v);
                }
            }
            case "object" -> {
                if (!value.isObject()) {
                    v.add(path + ": expected an object, got " + value.getNodeType());
                    return;
                }
                JsonNode properties = schema.get("properties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (properties != null) {
                        if (!properties.has(f.getKey())) {
                            v.add(path + "." + f.getKey() + ": unknown field");
                        } else {
                            check(f.getValue(), properties.get(f.getKey()), path + "." + f.getKey(), v);
                        }
                    } else if (schema.has("additionalProperties")) {
                        check(f.getValue(), schema.get("additionalProperties"), path + "." + f.getKey(), v);
                    }
                }
                for (JsonNode required : schema.path("required")) {
                    if (value.path(required.asText()).isMissingNode() || value.get(required.asText()).isNull()) {
                        v.add(path + "." + required.asText() + ": required");
                    }
                }
            }
            default -> throw new IllegalStateException("type " + type);
        }
    }

    // ------------------------------------------------------------ beyond the schema

    private static void beyondSchema(String kind, JsonNode o, List<String> v) {
        JsonNode meta = o.path("metadata");
        String name = meta.path("name").asText();
        int max = kind.equals("CronJob") ? 52 : kind.equals("Service") ? 63 : 253;
        boolean nameOk = kind.equals("Service") ? name.length() <= 63 && name.matches("[a-z]([-a-z0-9]*[a-z0-9])?")
                : name.length() <= max && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
        if (!nameOk) {
            v.add(kind + ".metadata.name: '" + name + "' is not a valid " + kind + " name");
        }
        if (meta.has("namespace") && !isLabel(meta.get("namespace").asText())) {
            v.add(kind + ".metadata.namespace: not a DNS-1123 label");
        }
        labels(meta.path("labels"), kind + ".metadata.labels", v);
        keys(meta.path("annotations"), kind + ".metadata.annotations", v);
        JsonNode spec = o.path("spec");
        switch (kind) {
            case "Deployment" -> {
                selectorMatches(spec.path("selector"), spec.path("template"), kind, v);
                pod(spec.path("template"), kind + ".spec.template", true, v);
            }
            case "Job" -> pod(spec.path("template"), kind + ".spec.template", false, v);
            case "CronJob" -> {
                labels(spec.path("jobTemplate").path("metadata").path("labels"), "CronJob.spec.jobTemplate.metadata"
                        + ".labels", v);
                pod(spec.path("jobTemplate").path("spec").path("template"), "CronJob.spec.jobTemplate.spec.template",
                        false, v);
                String[] fields = spec.path("schedule").asText().trim().split("\\s+");
                if (fields.length == 5 && fields[4].matches(".*\\b7\\b.*")) {
                    v.add("CronJob.spec.schedule: day-of-week 7 is out of Kubernetes' range 0-6");
                }
                if (spec.has("timeZone")) {
                    try {
                        ZoneId.of(spec.get("timeZone").asText());
                    } catch (DateTimeException e) {
                        v.add("CronJob.spec.timeZone: unknown time zone");
                    }
                }
            }
            case "Service" -> {
                for (JsonNode p : spec.path("ports")) {
                    port(p.path("port"), "Service.spec.ports.port", v);
                    portName(p.path("name").asText(), "Service.spec.ports.name", v);
                }
            }
            case "PodDisruptionBudget" -> labels(spec.path("selector").path("matchLabels"),
                    "PodDisruptionBudget.spec.selector.matchLabels", v);
            default -> {
            }
        }
    }

    private static void pod(JsonNode template, String path, boolean always, List<String> v) {
        labels(template.path("metadata").path("labels"), path + ".metadata.labels", v);
        keys(template.path("metadata").path("annotations"), path + ".metadata.annotations", v);
        JsonNode spec = template.path("spec");
        String restart = spec.path("restartPolicy").asText("Always");
        if (always ? !restart.equals("Always") : restart.equals("Always")) {
            v.add(path + ".spec.restartPolicy: " + restart + " is not allowed here");
        }
        Set<String> volumes = new HashSet<>();
        for (JsonNode vol : spec.path("volumes")) {
            if (!isLabel(vol.path("name").asText()) || !volumes.add(vol.path("name").asText())) {
                v.add(path + ".spec.volumes: name '" + vol.path("name").asText() + "' invalid or repeated");
            }
        }
        Set<String> containerNames = new HashSet<>();
        for (JsonNode c : spec.path("containers")) {
            String at = path + ".spec.containers[" + c.path("name").asText() + "]";
            if (!isLabel(c.path("name").asText()) || !containerNames.add(c.path("name").asText())) {
                v.add(at + ".name: invalid or repeated");
            }
            String policy = c.path("imagePullPolicy").asText("IfNotPresent");
            if (!Set.of("Always", "IfNotPresent", "Never").contains(policy)) {
                v.add(at + ".imagePullPolicy: unsupported value '" + policy + "'");
            }
            Set<Integer> numbers = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (JsonNode p : c.path("ports")) {
                port(p.path("containerPort"), at + ".ports.containerPort", v);
                if (!numbers.add(p.path("containerPort").asInt())) {
                    v.add(at + ".ports: containerPort " + p.path("containerPort").asInt() + " is listed twice "
                            + "(two servers cannot bind it)");
                }
                if (p.has("name")) {
                    portName(p.get("name").asText(), at + ".ports.name", v);
                    if (!names.add(p.get("name").asText())) {
                        v.add(at + ".ports.name: '" + p.get("name").asText() + "' repeated");
                    }
                }
            }
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                JsonNode port = c.path(probe).path("httpGet").path("port");
                if (port.isTextual() && !names.contains(port.asText())) {
                    v.add(at + "." + probe + ".httpGet.port: names no port of the container");
                }
            }
            for (JsonNode e : c.path("env")) {
                if (!ENV_NAME.matcher(e.path("name").asText()).matches()) {
                    v.add(at + ".env: invalid name '" + e.path("name").asText() + "'");
                }
                if (e.has("value") && e.has("valueFrom")) {
                    v.add(at + ".env." + e.path("name").asText() + ": value and valueFrom both set");
                }
            }
            for (JsonNode m : c.path("volumeMounts")) {
                if (!volumes.contains(m.path("name").asText())) {
                    v.add(at + ".volumeMounts: '" + m.path("name").asText() + "' is no volume of the pod");
                }
            }
            JsonNode limits = c.path("resources").path("limits");
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("resources").path("requests").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                if (limits.has(r.getKey()) && !limits.get(r.getKey()).asText().equals(r.getValue().asText())
                        && !r.getKey().equals("cpu")) {
                    v.add(at + ".resources: request of " + r.getKey() + " differs from its limit");
                }
            }
        }
    }

    private static void selectorMatches(JsonNode selector, JsonNode template, String kind, List<String> v) {
        JsonNode labels = template.path("metadata").path("labels");
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                v.add(kind + ".spec.selector: does not match the template's labels (" + e.getKey() + ")");
            }
        }
    }

    private static boolean isLabel(String s) {
        return s.length() <= 63 && LABEL.matcher(s).matches();
    }

    private static void keys(JsonNode map, String path, List<String> v) {
        for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            int slash = key.indexOf('/');
            String prefix = slash < 0 ? null : key.substring(0, slash);
            String name = slash < 0 ? key : key.substring(slash + 1);
            boolean prefixOk = prefix == null || prefix.length() <= 253 && prefix.matches(
                    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
            if (!prefixOk || name.length() > 63 || !NAME_PART.matcher(name).matches()) {
                v.add(path + ": invalid key '" + key + "'");
            }
        }
    }

    private static void labels(JsonNode map, String path, List<String> v) {
        keys(map, path, v);
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = e.getValue().asText();
            if (value.length() > 63 || !value.isEmpty() && !NAME_PART.matcher(value).matches()) {
                v.add(path + "." + e.getKey() + ": invalid label value '" + value + "'");
            }
        }
    }

    private static void port(JsonNode port, String path, List<String> v) {
        if (!port.isInt() || port.asInt() < 1 || port.asInt() > 65_535) {
            v.add(path + ": " + port + " is not a port (1-65535)");
        }
    }

    private static void portName(String name, String path, List<String> v) {
        // IANA_SVC_NAME: at most 15, lower-case letters, digits, '-', at least one letter, no '--'
        if (name.length() > 15 || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || !name.matches(".*[a-z].*")
                || name.contains("--")) {
            v.add(path + ": '" + name + "' is not an IANA service name");
        }
    }
}
