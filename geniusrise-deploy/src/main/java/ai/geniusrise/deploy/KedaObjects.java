package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What KEDA needs to scale a task's {@code Deployment} on its consumer lag: a {@code ScaledObject}
 * (keda.sh/v1alpha1) with a {@code kafka} trigger on the task's brokers, consumer group and topic,
 * {@code lagThreshold} = {@code lagPerReplica}, and, when the task signs in with SASL, a
 * {@code TriggerAuthentication} whose {@code secretTargetRef} names the very Secret keys the pod's
 * environment is given ({@code secrets:}). No secret value is written. KEDA computes replicas =
 * ceil(total lag / lagThreshold) between min and max, and never more than the topic's partitions
 * ({@code allowIdleConsumers} is left false).
 */
final class KedaObjects {

    static final String API_VERSION = "keda.sh/v1alpha1";
    /** {@code username="..."} and {@code password="..."} in {@code sasl.jaas.config}. */
    private static final Pattern JAAS_OPTION = Pattern.compile("\\b(username|password)\\s*=\\s*\"([^\"]*)\"");
    private static final Map<String, String> SASL = Map.of("PLAIN", "plaintext", "SCRAM-SHA-256", "scram_sha256",
            "SCRAM-SHA-512", "scram_sha512");

    /** The kinds generated, for finding what an earlier apply created. */
    static final List<String> KINDS = List.of("ScaledObject", "TriggerAuthentication");

    private KedaObjects() {
    }

    /** Where the API serves {@code kind} of KEDA (no discovery needed). */
    static ResourceDefinitionContext context(String kind) {
        return new ResourceDefinitionContext.Builder().withGroup("keda.sh").withVersion("v1alpha1").withKind(kind)
                .withPlural(kind.toLowerCase(Locale.ROOT) + "s").withNamespaced(true).build();
    }

    /** The TriggerAuthentication (when the task uses SASL) and the ScaledObject of {@code task}. */
    static List<GenericKubernetesResource> of(DeployedTask task, Autoscale scale, String deployment, ObjectMeta meta) {
        var in = scale.input();
        String bootstrap = in.bootstrapServers();
        if (bootstrap == null || bootstrap.isBlank()) {
            throw task.options().error(DeploySettings.AUTOSCALE, "needs the brokers written in the pipeline "
                    + "(config.inputConfig.bootstrapServers or defaults.kafka.bootstrapServers): KEDA reads the lag "
                    + "from Kafka itself, and KAFKA_BOOTSTRAP_SERVERS reaches only the container");
        }
        Map<String, String> props = in.properties();
        String protocol = props.getOrDefault("security.protocol", "PLAINTEXT").trim().toUpperCase(Locale.ROOT);
        for (String key : props.keySet()) {
            if (key.startsWith("ssl.keystore.") || key.startsWith("ssl.truststore.")) {
                throw unsupported(task, key, "KEDA takes certificates as PEM from a Secret, not as a JKS or "
                        + "PKCS12 store file; scale this task with replicas, or use a CA every image trusts");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("bootstrapServers", bootstrap.trim());
        metadata.put("consumerGroup", scale.consumerGroup(task));
        metadata.put("topic", in.topic());
        metadata.put("lagThreshold", Integer.toString(scale.lagPerReplica()));
        String reset = props.getOrDefault("auto.offset.reset", "earliest").trim();
        if (reset.equals("earliest") || reset.equals("latest")) {
            metadata.put("offsetResetPolicy", reset);
        }
        List<Map<String, Object>> secretRefs = new ArrayList<>();
        if (protocol.startsWith("SASL_")) {
            String mechanism = props.getOrDefault("sasl.mechanism", "GSSAPI").trim().toUpperCase(Locale.ROOT);
            String sasl = SASL.get(mechanism);
            if (sasl == null) {
                throw unsupported(task, "sasl.mechanism", "KEDA's trigger is generated for PLAIN, SCRAM-SHA-256 and "
                        + "SCRAM-SHA-512, not " + mechanism);
            }
            metadata.put("sasl", sasl);
            Matcher m = JAAS_OPTION.matcher(props.getOrDefault("sasl.jaas.config", ""));
            while (m.find()) {
                secretRefs.add(secretRef(task, m.group(1), m.group(2)));
            }
            if (secretRefs.size() != 2) {
                throw unsupported(task, "sasl.jaas.config", "KEDA needs the SASL username and password, and "
                        + "neither is found as username=\"...\" password=\"...\"");
            }
        }
        if (protocol.endsWith("SSL")) {
            metadata.put("tls", "enable");
        }
        List<GenericKubernetesResource> objects = new ArrayList<>();
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("type", "kafka");
        trigger.put("metadata", metadata);
        if (!secretRefs.isEmpty()) {
            objects.add(new GenericKubernetesResourceBuilder().withApiVersion(API_VERSION)
                    .withKind("TriggerAuthentication").withMetadata(meta)
                    .addToAdditionalProperties("spec", Map.of("secretTargetRef", secretRefs)).build());
            trigger.put("authenticationRef", Map.of("name", meta.getName()));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("apiVersion", "apps/v1");
        target.put("kind", "Deployment");
        target.put("name", deployment);
        spec.put("scaleTargetRef", target);
        spec.put("minReplicaCount", scale.min());
        spec.put("maxReplicaCount", scale.max());
        spec.put("triggers", List.of(trigger));
        objects.add(new GenericKubernetesResourceBuilder().withApiVersion(API_VERSION).withKind("ScaledObject")
                .withMetadata(meta).addToAdditionalProperties("spec", spec).build());
        return objects;
    }

    /**
     * {@code parameter}'s value in the JAAS config, a stand-in for a secret variable, as the Secret
     * key the pod's variable comes from.
     */
    private static Map<String, Object> secretRef(DeployedTask task, String parameter, String value) {
        Matcher standIn = DeployedTask.STAND_IN.matcher(value);
        String ref = standIn.matches() ? task.secrets().get(standIn.group(1)) : null;
        if (ref == null) {
            throw unsupported(task, "sasl.jaas.config", "KEDA reads the SASL " + parameter + " from a Secret (a "
                    + "TriggerAuthentication), but it is written in the file: write " + parameter + "=\"${KAFKA_"
                    + parameter.toUpperCase(Locale.ROOT) + "}\" and give the variable under secrets:");
        }
        String[] parts = ref.split("/", 2);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("parameter", parameter);
        out.put("name", parts[0]);
        out.put("key", parts.length > 1 ? parts[1] : "");
        return out;
    }

    private static ConfigException unsupported(DeployedTask task, String property, String why) {
        return task.spec().locate(new ConfigException("config.inputConfig.properties." + property,
                "cannot be given to KEDA for deploy.autoscale: " + why));
    }
}
