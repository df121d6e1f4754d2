package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.DeployTarget;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The settings of {@code deploy:}, declared once: those every target reads, then Kubernetes' and
 * ECS's. The pipeline parser checks a file against them (through the {@link DeployTarget}s
 * {@link K8sTarget} and {@link EcsTarget}), the managers read their typed values through
 * {@link DeployOptions}, and the tables of {@code docs/deploy.md} are generated from them.
 */
public final class DeploySettings {

    static final Pattern CLUSTER_ARN = Pattern.compile("arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\\d{12}):cluster/(.+)");
    private static final String IAM_ROLE = "arn:aws[a-z-]*:iam::\\d{12}:role/.+";

    private DeploySettings() {
    }

    // ---------------------------------------------------------------- every target

    public static final Setting<String> TARGET = Setting.string("target", "Where the task is deployed: k8s or ecs "
            + "(`generate --target` and `apply --target` override it).").withDefaultDescribed("k8s");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("httpPort", 1, 65_535,
            "Port of the health and metrics server in the container.")
            .withDefaultDescribed("8080 (8081 for a spout listening on 8080)");
    public static final Setting<Integer> MAX_RAM_PERCENTAGE = Setting.integer("maxRAMPercentage", 10, 95,
            "JVM heap as a share of the container's memory limit (-XX:MaxRAMPercentage).").withDefault(75);
    public static final Setting<String> TIME_ZONE = Setting.string("timeZone", "Time zone of the cron schedule.")
            .check(DeploySettings::isTimeZone, "a time zone of the tz database, such as Etc/UTC or Europe/Berlin")
            .withDefault("Etc/UTC");
    public static final Setting<Integer> STARTUP_SECONDS = Setting.integer("startupSeconds", 10, 3600,
            "How long a slow start may take before the probes count.").withDefault(120);

    static final Setting<Integer> AUTOSCALE_MIN = Setting.integer("min", 0, 1000,
            "Fewest replicas; 0 (Kubernetes only) stops the task while its input has no lag.").withDefault(1);
    static final Setting<Integer> AUTOSCALE_MAX = Setting.integer("max", 1, 1000,
            "Most replicas; those beyond the topic's partition count would sit idle.").required();
    static final Setting<Integer> AUTOSCALE_LAG = Setting.integer("lagPerReplica", 1, Integer.MAX_VALUE,
            "Records of consumer lag one replica is given: replicas = total lag / lagPerReplica.").required();
    static final SettingsDef AUTOSCALE_FIELDS = SettingsDef.of("deploy.autoscale", AUTOSCALE_MIN, AUTOSCALE_MAX,
            AUTOSCALE_LAG).withRule(s -> {
                if (s.get(AUTOSCALE_MIN) > s.get(AUTOSCALE_MAX)) {
                    throw s.error(AUTOSCALE_MIN, "is " + s.get(AUTOSCALE_MIN) + ", above max " + s.get(AUTOSCALE_MAX)
                            + ": expected min <= max");
                }
            });
    static final Setting<Settings> AUTOSCALE = Setting.group("autoscale", AUTOSCALE_FIELDS,
            "Scale a bolt reading a Kafka topic on its consumer lag: a KEDA ScaledObject on k8s, Application Auto "
                    + "Scaling on ECS.").withDefaultDescribed("off: replicas");

    static final SettingsDef COMMON = SettingsDef.of("deploy settings", TARGET, HTTP_PORT, MAX_RAM_PERCENTAGE,
            TIME_ZONE, STARTUP_SECONDS, AUTOSCALE);

    // ---------------------------------------------------------------- Kubernetes

    public static final Setting<String> NAMESPACE = Setting.string("namespace", "Namespace of the task's objects.")
            .validate(K8sNames::dns1123Label).withDefaultDescribed("the client's current namespace");
    public static final Setting<String> SERVICE_ACCOUNT = Setting.string("serviceAccount", "Service account of the pods.")
            .validate(K8sNames::dns1123Subdomain).withDefaultDescribed("none: the namespace's default");
    public static final Setting<Map<String, String>> NODE_SELECTOR = Setting.map("nodeSelector",
            "Labels the pods' nodes must have.").validate(labels(true)).withDefault(Map.of())
            .withDefaultDescribed("none");
    public static final Setting<Map<String, String>> LABELS = Setting.map("labels",
            "More labels on every object (ours win on conflict).").validate(labels(true)).withDefault(Map.of())
            .withDefaultDescribed("none");
    public static final Setting<Map<String, String>> ANNOTATIONS = Setting.map("annotations",
            "Annotations on the pods.").validate(labels(false)).withDefault(Map.of()).withDefaultDescribed("none");
    public static final Setting<String> IMAGE_PULL_POLICY = Setting.oneOf("imagePullPolicy",
            List.of("Always", "IfNotPresent", "Never"), "When the kubelet pulls the image.")
            .withDefaultDescribed("Kubernetes' default");
    public static final Setting<Integer> BACKOFF_LIMIT = Setting.integer("backoffLimit", 0, Integer.MAX_VALUE,
            "Retries of a failed batch Job pod.").withDefault(3);
    public static final Setting<Integer> TTL_SECONDS_AFTER_FINISHED = Setting.integer("ttlSecondsAfterFinished", 0,
            Integer.MAX_VALUE, "A finished run-once Job is deleted after this many seconds.").withDefault(86_400);
    public static final Setting<Integer> SUCCESSFUL_JOBS_HISTORY_LIMIT = Setting.integer("successfulJobsHistoryLimit", 0,
            Integer.MAX_VALUE, "Finished Jobs a CronJob keeps.").withDefault(3);
    public static final Setting<Integer> FAILED_JOBS_HISTORY_LIMIT = Setting.integer("failedJobsHistoryLimit", 0,
            Integer.MAX_VALUE, "Failed Jobs a CronJob keeps.").withDefault(1);
    public static final Setting<Integer> ACTIVE_DEADLINE_SECONDS = Setting.integer("activeDeadlineSeconds", 1,
            Integer.MAX_VALUE, "A batch Job running longer is stopped.").withDefault(21_600);
    public static final Setting<Boolean> READ_ONLY_ROOT_FILESYSTEM = Setting.bool("readOnlyRootFilesystem",
            "The container's root file system is read-only (/tmp is an emptyDir).").withDefault(true);
    public static final Setting<Boolean> AUTOMOUNT_SERVICE_ACCOUNT_TOKEN = Setting.bool("automountServiceAccountToken",
            "Mount the service account's API token in the pods.").withDefault(false);
    public static final Setting<Integer> RUN_AS_USER = Setting.integer("runAsUser", 1, Integer.MAX_VALUE,
            "User id the container runs as (never root).").withDefaultDescribed("the image's user");
    public static final Setting<Boolean> POD_DISRUPTION_BUDGET = Setting.bool("podDisruptionBudget",
            "A PodDisruptionBudget for a streaming task of more than one replica.").withDefault(true);

    static final SettingsDef K8S = COMMON.with(NAMESPACE, SERVICE_ACCOUNT, NODE_SELECTOR, LABELS, ANNOTATIONS,
            IMAGE_PULL_POLICY, BACKOFF_LIMIT, TTL_SECONDS_AFTER_FINISHED, SUCCESSFUL_JOBS_HISTORY_LIMIT,
            FAILED_JOBS_HISTORY_LIMIT, ACTIVE_DEADLINE_SECONDS, READ_ONLY_ROOT_FILESYSTEM,
            AUTOMOUNT_SERVICE_ACCOUNT_TOKEN, RUN_AS_USER, POD_DISRUPTION_BUDGET)
            .ownedBy("deploy settings of target k8s");

    // ---------------------------------------------------------------- ECS

    public static final Setting<String> CLUSTER = Setting.string("cluster",
                    "The ECS cluster's name or ARN (an ARN for a scheduled task).")
            .check(c -> c.matches("[A-Za-z0-9_-]{1,255}") || CLUSTER_ARN.matcher(c).matches(),
                    "a cluster name (letters, digits, _ and -) or an ARN arn:aws:ecs:REGION:ACCOUNT:cluster/NAME");
    public static final Setting<String> REGION = Setting.string("region", "AWS region of the cluster and of the logs.")
            .check(r -> r.matches("[a-z]{2}(-[a-z0-9]+)+-\\d+"), "an AWS region such as eu-west-1")
            .withDefaultDescribed("the cluster ARN's");
    public static final Setting<String> ACCOUNT_ID = Setting.string("accountId", "AWS account id (12 digits).")
            .check(a -> a.matches("\\d{12}"), "an AWS account id of 12 digits")
            .withDefaultDescribed("the cluster ARN's");
    public static final Setting<String> LAUNCH_TYPE = Setting.oneOf("launchType", List.of("FARGATE", "EC2"),
            "Launch type of the tasks.").withDefault("FARGATE");
    public static final Setting<List<String>> SUBNETS = Setting.list("subnets",
            "Subnets the tasks run in (awsvpc networking); required to deploy.").withDefault(List.of())
            .withDefaultDescribed("(required to deploy)");
    public static final Setting<List<String>> SECURITY_GROUPS = Setting.list("securityGroups",
            "Security groups of the tasks.").withDefault(List.of()).withDefaultDescribed("the VPC's default group");
    public static final Setting<Boolean> ASSIGN_PUBLIC_IP = Setting.bool("assignPublicIp",
            "Give Fargate tasks a public address.").withDefault(false);
    public static final Setting<String> TASK_ROLE_ARN = Setting.string("taskRoleArn",
            "IAM role the task's code runs as (S3, DynamoDB access).").check(a -> a.matches(IAM_ROLE),
            "an IAM role ARN arn:aws:iam::ACCOUNT:role/NAME");
    public static final Setting<String> EXECUTION_ROLE_ARN = Setting.string("executionRoleArn",
            "IAM role ECS uses to pull the image, write logs and read secrets; required to deploy.")
            .check(a -> a.matches(IAM_ROLE), "an IAM role ARN arn:aws:iam::ACCOUNT:role/NAME");
    public static final Setting<String> LOG_GROUP = Setting.string("logGroup", "CloudWatch Logs group of the tasks.")
            .withDefaultDescribed("/geniusrise/<pipeline>");
    public static final Setting<String> SCHEDULER_ROLE_ARN = Setting.string("schedulerRoleArn",
            "IAM role EventBridge Scheduler assumes to run a scheduled task; required for one.")
            .check(a -> a.matches(IAM_ROLE), "an IAM role ARN arn:aws:iam::ACCOUNT:role/NAME");
    public static final Setting<String> TARGET_GROUP_ARN = Setting.string("targetGroupArn",
            "Load balancer target group of a listening spout.")
            .check(a -> a.matches("arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:targetgroup/.+"),
                    "a target group ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID)");
    public static final Setting<String> SERVICE_CONNECT_NAMESPACE = Setting.string("serviceConnectNamespace",
            "Service Connect namespace a listening spout is reachable in.");

    static final SettingsDef ECS = COMMON.with(CLUSTER, REGION, ACCOUNT_ID, LAUNCH_TYPE, SUBNETS, SECURITY_GROUPS,
            ASSIGN_PUBLIC_IP, TASK_ROLE_ARN, EXECUTION_ROLE_ARN, LOG_GROUP, SCHEDULER_ROLE_ARN, TARGET_GROUP_ARN,
            SERVICE_CONNECT_NAMESPACE).ownedBy("deploy settings of target ecs")
            .withRule(s -> {
                if (s.get(ASSIGN_PUBLIC_IP) && !"FARGATE".equals(s.get(LAUNCH_TYPE))) {
                    throw s.error(ASSIGN_PUBLIC_IP, "is for Fargate only: ECS refuses ENABLED for launch type EC2, "
                            + "whose tasks in public subnets need a NAT or an instance with a public address");
                }
            });

    /**
     * The rules of {@code deploy.autoscale} that hold on every target: a bolt reading a Kafka topic
     * (a batch task ends by itself, a spout's input is not a consumer group), and no {@code replicas}
     * beside it (the scaler sets the count).
     */
    static void checkAutoscale(TaskSpec task, Settings settings) {
        if (!settings.isSet(AUTOSCALE)) {
            return;
        }
        if (!task.streaming()) {
            throw settings.error(AUTOSCALE, "is for a bolt reading a Kafka topic, which runs until stopped; task '"
                    + task.name() + "' reads a batch input and ends by itself: share its objects between pods with "
                    + "parallelism instead");
        }
        if (task.kind() != TaskSpec.Kind.BOLT) {
            throw settings.error(AUTOSCALE, "is for a bolt reading a Kafka topic, whose consumer lag the scaler "
                    + "follows; task '" + task.name() + "' is a spout, whose input is an external source that no "
                    + "consumer group reads: remove the key");
        }
        Integer replicas = task.deployment().replicas();
        if (replicas != null) {
            throw settings.error(AUTOSCALE, "cannot be combined with replicas: " + replicas + " in task '"
                    + task.name() + "': the scaler sets the number of replicas between min and max; remove replicas");
        }
    }

    /**
     * What ECS adds to {@code deploy.autoscale}: one replica at least; {@code error} makes the
     * exception for a key under {@code autoscale} (such as {@code min}) with its problem.
     */
    static void checkEcsAutoscale(Settings autoscale, java.util.function.BiFunction<String, String,
            ConfigException> error) {
        if (autoscale.get(AUTOSCALE_MIN) == 0) {
            throw error.apply("autoscale." + AUTOSCALE_MIN.name(), "is 0, which ECS cannot scale up from: the lag "
                    + "the scaling policy tracks is published by the running tasks, so with none running nothing "
                    + "would start one again; use min: 1 (on k8s, KEDA reads Kafka itself and allows 0)");
        }
    }

    private static boolean isTimeZone(String zone) {
        try {
            ZoneId.of(zone);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** The problem of the first key (and, for labels, value) Kubernetes would refuse, or {@code null}. */
    private static Function<Map<String, String>, String> labels(boolean checkValues) {
        return map -> {
            for (Map.Entry<String, String> e : map.entrySet()) {
                String problem = K8sNames.qualifiedName(e.getKey());
                if (problem != null) {
                    return problem;
                }
                problem = checkValues ? K8sNames.labelValue(e.getValue()) : null;
                if (problem != null) {
                    return "key '" + e.getKey() + "': " + problem;
                }
            }
            return null;
        };
    }

    /** Serves {@code deploy.target: k8s}; for {@link java.util.ServiceLoader}. */
    public static final class K8sTarget implements DeployTarget {
        /** For ServiceLoader. */
        public K8sTarget() {
        }

        @Override
        public String target() {
            return "k8s";
        }

        @Override
        public SettingsDef settings() {
            return K8S;
        }

        @Override
        public void check(TaskSpec task, Settings settings) {
            checkAutoscale(task, settings);
        }
    }

    /** Serves {@code deploy.target: ecs}; for {@link java.util.ServiceLoader}. */
    public static final class EcsTarget implements DeployTarget {
        /** For ServiceLoader. */
        public EcsTarget() {
        }

        @Override
        public String target() {
            return "ecs";
        }

        @Override
        public SettingsDef settings() {
            return ECS;
        }

        /**
         * A scheduled task's cluster is an ARN: EventBridge Scheduler targets the cluster by ARN; an
         * autoscaled task keeps one replica at least. Checked when {@code deploy.target} names ECS.
         */
        @Override
        public void check(TaskSpec task, Settings settings) {
            checkAutoscale(task, settings);
            if (!"ecs".equals(settings.get(TARGET))) {
                return;
            }
            String cluster = settings.get(CLUSTER);
            if (cluster != null && task.deployment().schedule() != null
                    && !CLUSTER_ARN.matcher(cluster).matches()) {
                throw settings.error(CLUSTER, "must be an ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME) for a "
                        + "scheduled task: EventBridge Scheduler targets the cluster by ARN");
            }
            if (settings.isSet(AUTOSCALE)) {
                checkEcsAutoscale(settings.get(AUTOSCALE), (key, problem) -> {
                    String at = settings.error(AUTOSCALE, problem).path();
                    return new ConfigException(at.substring(0, at.length() - AUTOSCALE.name().length()) + key, problem);
                });
            }
        }
    }
}
