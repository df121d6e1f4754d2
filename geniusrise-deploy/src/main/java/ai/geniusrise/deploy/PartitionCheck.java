package ai.geniusrise.deploy;

import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares each autoscaled task's {@code deploy.autoscale.max} with the partition count of its
 * input topic, asked of the task's own brokers from where {@code apply} runs (see
 * {@link TaskManager#checkPartitions}). A partition goes to one member of the consumer group in
 * every {@code ordering} ({@code key} and {@code none} raise what one member does, not how many
 * members get a partition), so replicas beyond {@code ceil(partitions / concurrency)} sit idle.
 */
final class PartitionCheck {

    private static final Pattern STAND_IN = Pattern.compile(Pattern.quote(DeployedTask.standIn("@"))
            .replace("@", "\\E([A-Za-z_][A-Za-z0-9_]*)\\Q"));

    private final Map<String, String> env;
    private final Duration timeout;
    private final Consumer<String> notes;

    PartitionCheck(Map<String, String> env, Duration timeout, Consumer<String> notes) {
        this.env = env;
        this.timeout = timeout;
        this.notes = notes;
    }

    /** {@code pipeline}, its tasks' {@code autoscale.max} (and {@code min}) lowered to what the partitions keep busy when {@code cap}. */
    Pipeline check(Pipeline pipeline, boolean cap) {
        List<TaskSpec> tasks = new ArrayList<>();
        for (TaskSpec task : pipeline.tasks()) {
            tasks.add(check(task, cap));
        }
        return new Pipeline(pipeline.name(), pipeline.file(), tasks, pipeline.warnings());
    }

    private TaskSpec check(TaskSpec task, boolean cap) {
        Object scale = task.deployment().target().get(DeploySettings.AUTOSCALE.name());
        if (!(scale instanceof Map<?, ?> written) || !(task.input() instanceof StreamingInputConfig input)
                || !(written.get(DeploySettings.AUTOSCALE_MAX.name()) instanceof Number max)) {
            return task;
        }
        String topic = input.topic();
        String skipped = "task '" + task.name() + "': deploy.autoscale.max not compared with the partitions of topic '"
                + topic + "': ";
        if (input.bootstrapServers() == null || input.bootstrapServers().isBlank()) {
            notes.accept("note: " + skipped + "the pipeline does not name its brokers (KAFKA_BOOTSTRAP_SERVERS reaches only the "
                    + "container)");
            return task;
        }
        Map<String, Object> props = new HashMap<>();
        Set<String> adminKeys = AdminClientConfig.configNames();
        List<String> secrets = new ArrayList<>();
        for (Map.Entry<String, String> p : input.properties().entrySet()) {
            if (!adminKeys.contains(p.getKey())) {
                continue;
            }
            StringBuilder value = new StringBuilder();
            Matcher m = STAND_IN.matcher(p.getValue());
            while (m.find()) {
                String secret = env.get(m.group(1));
                if (secret == null) {
                    notes.accept("note: " + skipped + m.group(1) + " (a secret its Kafka properties use) is not set here");
                    return task;
                }
                secrets.add(secret);
                m.appendReplacement(value, Matcher.quoteReplacement(secret));
            }
            m.appendTail(value);
            props.put(p.getKey(), value.toString());
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, input.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        int partitions;
        try (Admin admin = Admin.create(props)) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            partitions = d.partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notes.accept("note: " + skipped + "interrupted");
            return task;
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String cluster = "the Kafka cluster at " + input.bootstrapServers();
            String why;
            if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                why = cluster + " did not answer within " + timeout.toMillis() / 1000.0 + " s from here";
            } else if (cause instanceof UnknownTopicOrPartitionException) {
                why = "the topic does not exist on " + cluster;
            } else {
                // e.g. Admin.create's "Failed to create new KafkaAdminClient", whose cause says why
                // (no broker name resolves here)
                why = cluster + " could not be asked from here: " + root.getMessage();
            }
            for (String secret : secrets) {
                why = why.replace(secret, "***");
            }
            notes.accept("note: " + skipped + why);
            return task;
        }
        int members = Math.max(1, input.concurrency());
        int busy = Math.max(1, (partitions + members - 1) / members);
        if (max.intValue() <= busy) {
            return task;
        }
        String per = members == 1 ? "" : " (" + members + " consumers each, inputConfig.concurrency)";
        String warning = "warning: task '" + task.name() + "': deploy.autoscale.max is " + max + ", above the " + partitions
                + " partitions of topic '" + topic + "'" + per + ": replicas beyond " + busy + " would sit idle, since "
                + "a partition goes to one member of the consumer group (in every ordering: ordering: "
                + input.ordering().name().toLowerCase(java.util.Locale.ROOT) + " raises what a replica does, not how "
                + "many replicas get a partition)";
        if (!cap) {
            notes.accept(warning + "; KEDA caps at the partition count at run time");
            return task;
        }
        Map<String, Object> capped = new LinkedHashMap<>();
        written.forEach((k, v) -> capped.put(k.toString(), v));
        capped.put(DeploySettings.AUTOSCALE_MAX.name(), busy);
        String also = "";
        if (written.get(DeploySettings.AUTOSCALE_MIN.name()) instanceof Number min && min.intValue() > busy) {
            capped.put(DeploySettings.AUTOSCALE_MIN.name(), busy);
            also = " (and MinCapacity, from " + min + ")";
        }
        notes.accept(warning + "; on ECS the scalable target's MaxCapacity is set to " + busy + also);
        return TaskManager.withDeploySettings(task, Map.of(DeploySettings.AUTOSCALE.name(), capped));
    }
}
