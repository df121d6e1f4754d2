package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.CronSchedule;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeleteServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeregisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deploys pipelines on Amazon ECS. Per task it renders a task definition
 * ({@code <task>.task-definition.json}: Fargate by default, {@code awsvpc}, CPU and memory from
 * {@code resources}, {@code awslogs}, secrets as Secrets Manager or SSM ARNs, task and execution
 * roles) and what runs it: a service for a streaming task ({@code <task>.service.json}), an
 * EventBridge Scheduler schedule for a batch task with a {@code schedule}
 * ({@code <task>.schedule.json}), or a one-shot {@code RunTask} ({@code <task>.run-task.json});
 * with {@code deploy.autoscale}, an Application Auto Scaling target and target-tracking policy
 * ({@code <task>.scalable-target.json}, {@code <task>.scaling-policy.json}; see {@link EcsScaling}).
 * The files are the API requests as {@code aws ecs register-task-definition --cli-input-json},
 * {@code aws ecs create-service}, {@code aws ecs run-task} and
 * {@code aws scheduler create-schedule} take them.
 *
 * <p>The container reads its pipeline file from the environment variable
 * {@code GENIUSRISE_PIPELINE_YAML} ({@code geniusrise run env:GENIUSRISE_PIPELINE_YAML}).
 *
 * <p>Clients are built from the SDK's default region and credential chains on first use, unless
 * given; rendering needs none. {@link #apply} removes the services (found by their tags
 * {@code geniusrise.ai/pipeline} and {@code app.kubernetes.io/managed-by}) and schedules (found
 * by name prefix and their description) that an earlier apply of the pipeline created for tasks
 * it no longer has, and deregisters their task definitions.
 */
public final class ECSManager implements TaskManager {

    /** The environment variable holding the task's pipeline file in the container. */
    public static final String PIPELINE_VARIABLE = "GENIUSRISE_PIPELINE_YAML";


    private static final int[][] FARGATE = {
            // cpu units, smallest memory, largest memory, memory step (MiB)
            {256, 512, 2048, 512}, {512, 1024, 4096, 1024}, {1024, 2048, 8192, 1024}, {2048, 4096, 16384, 1024},
            {4096, 8192, 30720, 1024}, {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192}};

    private final Supplier<EcsClient> ecsFactory;
    private final Supplier<SchedulerClient> schedulerFactory;
    private final Supplier<ApplicationAutoScalingClient> autoScalingFactory;
    private final boolean ownsClients;
    private final boolean ownsAutoScaling;
    private EcsClient ecs;
    private SchedulerClient scheduler;
    private ApplicationAutoScalingClient autoScaling;

    /** A manager whose clients use the SDK's default region and credentials, built on first use. */
    public ECSManager() {
        this.ecsFactory = EcsClient::create;
        this.schedulerFactory = SchedulerClient::create;
        this.autoScalingFactory = ApplicationAutoScalingClient::create;
        this.ownsClients = true;
        this.ownsAutoScaling = true;
    }

    /**
     * A manager using these clients, which the caller closes; an Application Auto Scaling client
     * (for {@code deploy.autoscale}) is built from the SDK's defaults when one is needed.
     */
    public ECSManager(EcsClient ecs, SchedulerClient scheduler) {
        this(ecs, scheduler, null);
    }

    /** A manager using these clients, which the caller closes ({@code autoScaling} may be null: see above). */
    public ECSManager(EcsClient ecs, SchedulerClient scheduler, ApplicationAutoScalingClient autoScaling) {
        Objects.requireNonNull(ecs, "ecs");
        Objects.requireNonNull(scheduler, "scheduler");
        this.ecsFactory = () -> ecs;
        this.schedulerFactory = () -> scheduler;
        this.autoScalingFactory = autoScaling != null ? () -> autoScaling : ApplicationAutoScalingClient::create;
        this.ownsClients = false;
        this.ownsAutoScaling = autoScaling == null;
    }

    @Override
    public String target() {
        return "ecs";
    }

    /** What one task becomes on ECS. */
    record Plan(DeployedTask task, RegisterTaskDefinitionRequest taskDefinition, CreateServiceRequest service,
                CreateScheduleRequest schedule, RunTaskRequest runTask, EcsScaling scaling) {

        /** The request that runs the task: a service, a schedule or a run. */
        SdkPojo runner() {
            return service != null ? service : schedule != null ? schedule : runTask;
        }

        String runnerFile() {
            return task.name() + (service != null ? ".service.json" : schedule != null ? ".schedule.json"
                    : ".run-task.json");
        }
    }

    @Override
    public List<DeploymentFile> render(Pipeline pipeline) {
        List<DeploymentFile> files = new ArrayList<>();
        for (List<DeploymentFile> some : DeployedTask.inOrder(plans(pipeline), plan -> {
            List<DeploymentFile> out = new ArrayList<>(List.of(
                    new DeploymentFile(plan.task().name() + ".task-definition.json", AwsJson.text(plan.taskDefinition())),
                    new DeploymentFile(plan.runnerFile(), AwsJson.text(plan.runner()))));
            if (plan.scaling() != null) {
                out.add(new DeploymentFile(plan.task().name() + ".scalable-target.json",
                        AwsJson.text(plan.scaling().target())));
                out.add(new DeploymentFile(plan.task().name() + ".scaling-policy.json",
                        AwsJson.text(plan.scaling().policy())));
            }
            return out;
        })) {
            files.addAll(some);
        }
        return files;
    }

    /**
     * Checks the values of {@code pipeline}'s tasks as {@link #render} does, without requiring what
     * a deployment may still get from the command line ({@code --deploy}: cluster, subnets, roles,
     * region, account) nor what only a deployment needs ({@link DeployedTask#of(Pipeline, boolean)}).
     *
     * @throws ConfigException located at the value at fault
     */
    void checkValues(Pipeline pipeline) {
        List<TaskSpec> tasks = pipeline.tasks().stream().map(ECSManager::withStandIns).toList();
        DeployedTask.inOrder(DeployedTask.of(new Pipeline(pipeline.name(), pipeline.file(), tasks,
                pipeline.warnings()), false), this::plan);
    }

    /** {@code task} with stand-ins for the settings a deployment requires that it leaves out. */
    private static TaskSpec withStandIns(TaskSpec task) {
        Map<String, Object> written = task.deployment().target();
        Map<String, Object> standIns = new LinkedHashMap<>();
        standIns.put(DeploySettings.CLUSTER.name(), "arn:aws:ecs:us-east-1:000000000000:cluster/stand-in");
        standIns.put(DeploySettings.SUBNETS.name(), List.of("subnet-00000000"));
        standIns.put(DeploySettings.EXECUTION_ROLE_ARN.name(), "arn:aws:iam::000000000000:role/stand-in");
        standIns.put(DeploySettings.SCHEDULER_ROLE_ARN.name(), "arn:aws:iam::000000000000:role/stand-in");
        standIns.put(DeploySettings.REGION.name(), "us-east-1");
        standIns.put(DeploySettings.ACCOUNT_ID.name(), "000000000000");
        standIns.keySet().removeIf(k -> written.get(k) != null);
        return TaskManager.withDeploySettings(task, standIns);
    }

    /** The plan of every task, in file order. */
    List<Plan> plans(Pipeline pipeline) {
        return DeployedTask.inOrder(DeployedTask.of(pipeline), this::plan);
    }

    private Plan plan(DeployedTask task) {
        DeployOptions o = task.options();
        String cluster = require(task, DeploySettings.CLUSTER, "the ECS cluster's name or ARN");
        Matcher arn = DeploySettings.CLUSTER_ARN.matcher(cluster);
        String partition = arn.matches() ? arn.group(1) : "aws";
        String region = o.isSet(DeploySettings.REGION) ? o.get(DeploySettings.REGION) : arn.matches() ? arn.group(2) : null;
        if (region == null) {
            throw o.error(DeploySettings.REGION, "is required for ECS (the awslogs region): set deploy.region, or give the "
                    + "cluster as an ARN");
        }
        String account = o.isSet(DeploySettings.ACCOUNT_ID) ? o.get(DeploySettings.ACCOUNT_ID)
                : arn.matches() ? arn.group(3) : null;
        String family = task.objectName(255);
        LaunchType launchType = launchType(task);
        boolean fargate = launchType == LaunchType.FARGATE;
        String executionRole = require(task, DeploySettings.EXECUTION_ROLE_ARN,
                "the IAM role ECS uses to pull the image, write logs and read secrets");
        List<String> subnets = o.get(DeploySettings.SUBNETS);
        if (subnets.isEmpty()) {
            throw o.error(DeploySettings.SUBNETS, "is required for ECS (awsvpc networking): the subnets the tasks run in");
        }
        Integer parallelism = task.spec().deployment().parallelism();
        if (parallelism != null && parallelism > 1) {
            throw task.spec().locate(new ConfigException("parallelism", "is not supported on ECS, whose tasks get "
                    + "no index to take their shard by; deploy this task on k8s (an Indexed Job)"));
        }

        Autoscale scale = Autoscale.of(task);
        if (scale != null) {
            DeploySettings.checkEcsAutoscale(o.autoscale(), o::error);
        }
        int[] size = size(task, fargate);
        List<KeyValuePair> environment = new ArrayList<>();
        environment.add(KeyValuePair.builder().name(PIPELINE_VARIABLE).value(task.document()).build());
        if (task.javaToolOptions() != null) {
            environment.add(KeyValuePair.builder().name("JAVA_TOOL_OPTIONS").value(task.javaToolOptions()).build());
        }
        if (scale != null) {
            // the lag the scaling policy tracks, as EMF log lines the awslogs driver takes to CloudWatch
            environment.add(KeyValuePair.builder().name(ai.geniusrise.core.runtime.TaskRunner.LAG_METRIC_ENV)
                    .value(EcsScaling.LAG_METRIC_INTERVAL).build());
        }
        List<Secret> secrets = new ArrayList<>();
        Map<String, String> secretArns = new LinkedHashMap<>();
        task.secrets().forEach((k, ref) -> secretArns.put(k, secretArn(task, k, ref, partition, region, account)));
        task.env().forEach((k, v) -> {
            Matcher standIn = DeployedTask.STAND_IN.matcher(v);
            if (standIn.matches()) {
                // ECS cannot compose a value from a secret: the variable gets the same secret
                secretArns.put(k, secretArns.get(standIn.group(1)));
            } else if (standIn.find()) {
                throw task.spec().locate(new ConfigException("env." + k, "composes secret variable "
                        + standIn.group(1) + " into a value, which ECS cannot do (it passes a secret only whole); "
                        + "write the whole value as ${" + standIn.group(1) + "}, or compose it in the task's "
                        + "configuration, which the container expands"));
            } else {
                environment.add(KeyValuePair.builder().name(k).value(v).build());
            }
        });
        new java.util.TreeMap<>(secretArns).forEach((k, ref) -> secrets.add(Secret.builder().name(k).valueFrom(ref)
                .build()));
        List<PortMapping> ports = new ArrayList<>();
        ports.add(PortMapping.builder().name("http").containerPort(task.httpPort()).protocol(TransportProtocol.TCP).build());
        if (task.listenPort() != null) {
            ports.add(PortMapping.builder().name("listen").containerPort(task.listenPort())
                    .protocol(TransportProtocol.TCP).build());
        }
        Map<String, String> logOptions = new LinkedHashMap<>();
        logOptions.put("awslogs-group", o.isSet(DeploySettings.LOG_GROUP) ? o.get(DeploySettings.LOG_GROUP)
                : "/geniusrise/" + task.pipeline());
        logOptions.put("awslogs-region", region);
        logOptions.put("awslogs-stream-prefix", task.name());
        logOptions.put("awslogs-create-group", "true");
        ContainerDefinition.Builder container = ContainerDefinition.builder()
                .name(task.name())
                .image(task.image())
                .essential(true)
                .command(task.args("env:" + PIPELINE_VARIABLE))
                .portMappings(ports)
                .environment(environment)
                .logConfiguration(LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).options(logOptions).build())
                .stopTimeout(45);
        if (!secrets.isEmpty()) {
            container.secrets(secrets);
        }
        Integer ephemeral = extendedResources(task, fargate, container);
        if (task.streaming()) {
            container.healthCheck(HealthCheck.builder()
                    .command("CMD-SHELL", "curl -fsS http://localhost:" + task.httpPort() + "/healthz || exit 1")
                    .interval(10).timeout(5).retries(3).startPeriod(Math.min(300, task.startupSeconds())).build());
        }
        RegisterTaskDefinitionRequest.Builder td = RegisterTaskDefinitionRequest.builder()
                .family(family)
                .taskRoleArn(o.get(DeploySettings.TASK_ROLE_ARN))
                .executionRoleArn(executionRole)
                .networkMode(NetworkMode.AWSVPC)
                .containerDefinitions(container.build())
                .cpu(Integer.toString(size[0]))
                .memory(Integer.toString(size[1]))
                .tags(tags(task));
        if (ephemeral != null) {
            td.ephemeralStorage(e -> e.sizeInGiB(ephemeral));
        }
        if (fargate) {
            td.requiresCompatibilities(Compatibility.FARGATE);
        } else {
            td.requiresCompatibilities(Compatibility.EC2);
        }

        boolean publicIp = o.get(DeploySettings.ASSIGN_PUBLIC_IP);
        if (publicIp && !fargate) {
            throw o.error(DeploySettings.ASSIGN_PUBLIC_IP, "is for Fargate only: ECS refuses ENABLED for launch type EC2, whose tasks "
                    + "in public subnets need a NAT or an instance with a public address");
        }
        List<String> securityGroups = o.get(DeploySettings.SECURITY_GROUPS);
        AwsVpcConfiguration.Builder vpc = AwsVpcConfiguration.builder().subnets(subnets)
                .assignPublicIp(publicIp ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED);
        if (!securityGroups.isEmpty()) {
            vpc.securityGroups(securityGroups);    // else the VPC's default group applies
        }
        NetworkConfiguration network = NetworkConfiguration.builder().awsvpcConfiguration(vpc.build()).build();
        CreateServiceRequest service = null;
        CreateScheduleRequest schedule = null;
        RunTaskRequest run = null;
        EcsScaling scaling = null;
        if (task.streaming()) {
            Integer replicas = task.spec().deployment().replicas();
            CreateServiceRequest.Builder serviceRequest = CreateServiceRequest.builder();
            reachable(task, serviceRequest);
            service = serviceRequest
                    .cluster(cluster)
                    .serviceName(task.objectName(255))
                    .taskDefinition(family)
                    .desiredCount(scale != null ? scale.min() : replicas == null ? 1 : replicas)
                    .launchType(launchType)
                    .networkConfiguration(network)
                    .deploymentConfiguration(b -> b.minimumHealthyPercent(100).maximumPercent(200)
                            .deploymentCircuitBreaker(c -> c.enable(true).rollback(true)))
                    .enableECSManagedTags(true)
                    .propagateTags(PropagateTags.SERVICE)
                    .tags(tags(task))
                    .build();
            if (scale != null) {
                scaling = EcsScaling.of(task, scale, arn.matches() ? arn.group(4) : cluster, service.serviceName());
            }
        } else if (task.scheduled()) {
            if (!arn.matches() || account == null) {
                throw o.error(DeploySettings.CLUSTER, "must be an ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME) for a scheduled "
                        + "task: EventBridge Scheduler targets the cluster by ARN");
            }
            String roleArn = require(task, DeploySettings.SCHEDULER_ROLE_ARN, "the IAM role EventBridge Scheduler assumes to run the task");
            software.amazon.awssdk.services.scheduler.model.NetworkConfiguration schedulerNetwork =
                    software.amazon.awssdk.services.scheduler.model.NetworkConfiguration.builder()
                            .awsvpcConfiguration(a -> {
                                a.subnets(subnets).assignPublicIp(publicIp ? "ENABLED" : "DISABLED");
                                if (!securityGroups.isEmpty()) {
                                    a.securityGroups(securityGroups);   // Scheduler takes 1 to 5, or none
                                }
                            })
                            .build();
            String name = task.objectName(64);
            schedule = CreateScheduleRequest.builder()
                    .name(name)
                    .scheduleExpression(awsCron(task))
                    .scheduleExpressionTimezone(task.timeZone())
                    .flexibleTimeWindow(f -> f.mode(FlexibleTimeWindowMode.OFF))
                    .state(ScheduleState.ENABLED)
                    .description("geniusrise pipeline " + task.pipeline() + ", task " + task.name())
                    .clientToken(DeployedTask.shorten(name, 64))
                    .target(t -> t.arn(cluster).roleArn(roleArn).ecsParameters(e -> e
                            .taskDefinitionArn("arn:" + partition + ":ecs:" + region + ":" + account
                                    + ":task-definition/" + family)
                            .launchType(launchType.toString())
                            .networkConfiguration(schedulerNetwork)
                            .taskCount(1)
                            .enableECSManagedTags(true)
                            .propagateTags("TASK_DEFINITION")))
                    .build();
        } else {
            run = RunTaskRequest.builder()
                    .cluster(cluster)
                    .taskDefinition(family)
                    .count(1)
                    .launchType(launchType)
                    .networkConfiguration(network)
                    .startedBy(DeployedTask.shorten(task.objectName(255), 36))
                    .enableECSManagedTags(true)
                    .propagateTags(PropagateTags.TASK_DEFINITION)
                    .build();
        }
        return new Plan(task, td.build(), service, schedule, run, scaling);
    }

    /**
     * Makes a listening spout reachable: behind a load balancer's target group
     * ({@code deploy.targetGroupArn}) and/or by name in a Service Connect namespace
     * ({@code deploy.serviceConnectNamespace}, the name {@code <task>}, the listen port).
     */
    private static void reachable(DeployedTask task, CreateServiceRequest.Builder service) {
        DeployOptions o = task.options();
        String targetGroup = o.get(DeploySettings.TARGET_GROUP_ARN);
        String namespace = o.get(DeploySettings.SERVICE_CONNECT_NAMESPACE);
        for (Setting<String> key : List.of(DeploySettings.TARGET_GROUP_ARN, DeploySettings.SERVICE_CONNECT_NAMESPACE)) {
            if (o.isSet(key) && task.listenPort() == null) {
                throw o.error(key, "is for a spout that listens (http://0.0.0.0:PORT/... or tcp://0.0.0.0:PORT); "
                        + "task '" + task.name() + "' listens on no port");
            }
        }
        if (targetGroup != null) {
            service.loadBalancers(b -> b.targetGroupArn(targetGroup).containerName(task.name())
                    .containerPort(task.listenPort()));
        }
        if (namespace != null) {
            service.serviceConnectConfiguration(c -> c.enabled(true).namespace(namespace).services(s -> s
                    .portName("listen").discoveryName(task.name())
                    .clientAliases(a -> a.port(task.listenPort()).dnsName(task.name()))));
        }
    }

    private static String require(DeployedTask task, Setting<String> key, String what) {
        String value = task.options().get(key);
        if (value == null) {
            throw task.options().error(key, "is required to deploy task '" + task.name() + "' on ECS: " + what
                    + "; set deploy." + key.name() + " in the file, or --deploy " + key.name()
                    + "=... on the command line");
        }
        return value;
    }

    private static LaunchType launchType(DeployedTask task) {
        return LaunchType.fromValue(task.options().get(DeploySettings.LAUNCH_TYPE));
    }

    private static List<Tag> tags(DeployedTask task) {
        return List.of(Tag.builder().key(DeployedTask.PIPELINE_LABEL).value(task.pipeline()).build(),
                Tag.builder().key(DeployedTask.TASK_LABEL).value(task.name()).build(),
                Tag.builder().key(DeployedTask.MANAGED_BY_LABEL).value(DeployedTask.MANAGER).build());
    }

    private static String secretArn(DeployedTask task, String variable, String ref, String partition, String region,
                                    String account) {
        if (ref.startsWith("arn:")) {
            if (!ref.matches("arn:aws[a-z-]*:(secretsmanager|ssm):.+")) {
                throw task.spec().locate(new ConfigException("secrets." + variable, "expected a Secrets Manager or SSM "
                        + "parameter ARN, got '" + ref + "'"));
            }
            return ref;
        }
        String[] parts = ref.split("/", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw task.spec().locate(new ConfigException("secrets." + variable, "expected secret-name/key or a "
                    + "Secrets Manager or SSM parameter ARN, got '" + ref + "'"));
        }
        if (account == null) {
            throw task.options().error("accountId", "is required to turn the secret reference '" + ref + "' into a "
                    + "Secrets Manager ARN: set deploy.accountId, give the cluster as an ARN, or write the secret's ARN");
        }
        return "arn:" + partition + ":secretsmanager:" + region + ":" + account + ":secret:" + parts[0] + ":"
                + parts[1] + "::";
    }

    /**
     * Resources beyond cpu and memory: {@code nvidia.com/gpu} becomes the container's GPU
     * requirement (EC2 only: Fargate has no GPUs), {@code ephemeral-storage} the task's ephemeral
     * storage (Fargate only, 21 to 200 GiB; up to 20 GiB is Fargate's default and is left out).
     *
     * @return the ephemeral storage in GiB to set, or {@code null}
     */
    private static Integer extendedResources(DeployedTask task, boolean fargate, ContainerDefinition.Builder container) {
        Integer ephemeral = null;
        for (Map.Entry<String, String> r : new java.util.TreeMap<>(task.spec().deployment().resources()).entrySet()) {
            String key = r.getKey();
            String value = r.getValue().trim();
            if (key.equals("cpu") || key.equals("memory")) {
                continue;
            }
            if (key.equals("nvidia.com/gpu")) {
                if (fargate) {
                    throw task.spec().locate(new ConfigException("resources." + key, "Fargate has no GPUs: set "
                            + "deploy.launchType: EC2 (a cluster with GPU instances), or deploy this task on k8s"));
                }
                if (!value.matches("[1-9][0-9]*")) {
                    throw task.spec().locate(new ConfigException("resources." + key, "expected a whole number of "
                            + "GPUs, got '" + value + "'"));
                }
                container.resourceRequirements(b -> b.type("GPU").value(value));
            } else if (key.equals("ephemeral-storage")) {
                if (!fargate) {
                    throw task.spec().locate(new ConfigException("resources." + key, "ECS sets ephemeral storage for "
                            + "Fargate tasks only; on EC2 it is the instance's disk: remove it"));
                }
                int gib = (memoryMiB(task, value, "resources." + key) + 1023) / 1024;
                if (gib > 200) {
                    throw task.spec().locate(new ConfigException("resources." + key, "Fargate offers at most 200 GiB "
                            + "of ephemeral storage, got " + value));
                }
                ephemeral = gib > 20 ? gib : null;
            } else {
                throw task.spec().locate(new ConfigException("resources." + key, "ECS has no resource '" + key
                        + "': expected cpu, memory, ephemeral-storage or nvidia.com/gpu"));
            }
        }
        return ephemeral;
    }

    /** CPU units and memory MiB: Fargate's nearest valid pair at or above the task's resources. */
    private static int[] size(DeployedTask task, boolean fargate) {
        Map<String, String> resources = task.spec().deployment().resources();
        int cpu = resources.containsKey("cpu") ? cpuUnits(task, resources.get("cpu")) : 256;
        int memory = resources.containsKey("memory") ? memoryMiB(task, resources.get("memory"), "resources.memory")
                : 512;
        if (!fargate) {
            return new int[] {cpu, memory};
        }
        for (int[] row : FARGATE) {
            if (row[0] >= cpu && memory <= row[2]) {
                int m = Math.max(memory, row[1]);
                m = (m - row[1] + row[3] - 1) / row[3] * row[3] + row[1];
                return new int[] {row[0], m};
            }
        }
        throw task.spec().locate(new ConfigException("resources", "cpu " + resources.get("cpu") + " with memory "
                + resources.get("memory") + " exceeds what Fargate offers (16 vCPU, 120 GiB)"));
    }

    private static int cpuUnits(DeployedTask task, String cpu) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)").matcher(cpu.trim());
        if (!m.matches()) {
            throw task.spec().locate(new ConfigException("resources.cpu", "expected CPUs such as 250m, 0.5 or 2, got '"
                    + cpu + "'"));
        }
        double cores = Double.parseDouble(m.group(1)) / (m.group(2).isEmpty() ? 1 : 1000);
        return (int) Math.ceil(cores * 1024);
    }

    private static int memoryMiB(DeployedTask task, String memory, String path) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi|M|G)").matcher(memory.trim());
        if (!m.matches()) {
            throw task.spec().locate(new ConfigException(path, "expected a size such as 512Mi or 2Gi, got '"
                    + memory + "'"));
        }
        long n = Long.parseLong(m.group(1));
        double mib = switch (m.group(2)) {
            case "Gi" -> n * 1024.0;
            case "G" -> n * 1e9 / 1048576.0;
            case "M" -> n * 1e6 / 1048576.0;
            default -> n;
        };
        return (int) Math.ceil(mib);
    }

    /** The task's five-field cron as EventBridge's six-field {@code cron(...)}. */
    static String awsCron(DeployedTask task) {
        CronSchedule cron = task.spec().deployment().schedule();
        List<String> f = cron.fields();
        String dom = f.get(2);
        String dow = cron.daysOfWeek();
        if (dow.equals("*")) {
            dow = "?";
        } else if (dom.equals("*")) {
            dom = "?";
            dow = awsDays(dow);
        } else {
            throw task.spec().locate(new ConfigException("schedule", "'" + cron + "' sets both day-of-month and "
                    + "day-of-week, which EventBridge Scheduler cannot express; set one of them to *"));
        }
        return "cron(" + f.get(0) + " " + f.get(1) + " " + dom + " " + f.get(3) + " " + dow + " *)";
    }

    /** Cron's days 0-7 (0 and 7 are Sunday) as EventBridge's 1-7 (1 is Sunday); names are kept. */
    private static String awsDays(String field) {
        Matcher m = Pattern.compile("(?<![/\\d])(\\d)").matcher(field);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int d = Integer.parseInt(m.group(1));
            m.appendReplacement(sb, Integer.toString(d % 7 + 1));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    // ---------------------------------------------------------------- the API

    private EcsClient ecs() {
        if (ecs == null) {
            ecs = ecsFactory.get();
        }
        return ecs;
    }

    private ApplicationAutoScalingClient autoScaling() {
        if (autoScaling == null) {
            autoScaling = autoScalingFactory.get();
        }
        return autoScaling;
    }

    private SchedulerClient scheduler() {
        if (scheduler == null) {
            scheduler = schedulerFactory.get();
        }
        return scheduler;
    }

    @Override
    public List<Change> apply(Pipeline pipeline, boolean dryRun) {
        List<Change> changes = new ArrayList<>();
        for (Plan plan : plans(pipeline)) {
            String family = plan.taskDefinition().family();
            if (!dryRun) {
                ecs().registerTaskDefinition(plan.taskDefinition());
            }
            changes.add(new Change(dryRun ? Change.Action.WOULD_APPLY : Change.Action.APPLIED, "TaskDefinition", family));
            if (plan.service() != null) {
                CreateServiceRequest s = plan.service();
                if (!dryRun) {
                    if (serviceActive(s.cluster(), s.serviceName())) {
                        // an autoscaled service keeps the count its scaler set
                        UpdateServiceRequest.Builder update = UpdateServiceRequest.builder().cluster(s.cluster())
                                .service(s.serviceName()).taskDefinition(s.taskDefinition())
                                .desiredCount(plan.scaling() != null ? null : s.desiredCount())
                                .networkConfiguration(s.networkConfiguration())
                                .deploymentConfiguration(s.deploymentConfiguration())
                                .serviceConnectConfiguration(s.serviceConnectConfiguration());
                        if (s.hasLoadBalancers()) {
                            update.loadBalancers(s.loadBalancers());
                        }
                        ecs().updateService(update.build());
                    } else {
                        ecs().createService(s);
                    }
                }
                changes.add(new Change(dryRun ? Change.Action.WOULD_APPLY : Change.Action.APPLIED, "Service",
                        s.cluster() + "/" + s.serviceName()));
                if (plan.scaling() != null) {
                    if (!dryRun) {
                        autoScaling().registerScalableTarget(plan.scaling().target());
                        autoScaling().putScalingPolicy(plan.scaling().policy());
                    }
                    changes.add(new Change(dryRun ? Change.Action.WOULD_APPLY : Change.Action.APPLIED,
                            "ScalableTarget", plan.scaling().target().resourceId()));
                    changes.add(new Change(dryRun ? Change.Action.WOULD_APPLY : Change.Action.APPLIED,
                            "ScalingPolicy", plan.scaling().policy().policyName()));
                }
            } else if (plan.schedule() != null) {
                CreateScheduleRequest s = plan.schedule();
                if (!dryRun) {
                    if (schedule(s.name()) != null) {
                        scheduler().updateSchedule(UpdateScheduleRequest.builder().name(s.name())
                                .scheduleExpression(s.scheduleExpression())
                                .scheduleExpressionTimezone(s.scheduleExpressionTimezone())
                                .flexibleTimeWindow(s.flexibleTimeWindow()).state(s.state())
                                .description(s.description())
                                .target(s.target()).build());
                    } else {
                        scheduler().createSchedule(s);
                    }
                }
                changes.add(new Change(dryRun ? Change.Action.WOULD_APPLY : Change.Action.APPLIED, "Schedule",
                        s.name()));
            } else {
                RunTaskRequest r = plan.runTask();
                if (!dryRun) {
                    ecs().runTask(r);
                }
                changes.add(new Change(dryRun ? Change.Action.WOULD_APPLY : Change.Action.STARTED, "Task",
                        r.cluster() + "/" + r.taskDefinition()));
            }
        }
        changes.addAll(prune(pipeline.name(), plans(pipeline), dryRun));
        return changes;
    }

    /**
     * Removes the services (found by their tags) and schedules (found by their description) an
     * earlier apply of this pipeline created for tasks it no longer has, with their task
     * definitions.
     */
    private List<Change> prune(String pipelineName, List<Plan> plans, boolean dryRun) {
        Set<String> clusters = new LinkedHashSet<>();
        Set<String> services = new HashSet<>();
        Set<String> schedules = new HashSet<>();
        for (Plan plan : plans) {
            if (plan.service() != null) {
                clusters.add(plan.service().cluster());
                services.add(plan.service().serviceName());
            } else if (plan.schedule() != null) {
                clusters.add(plan.schedule().target().arn());
                schedules.add(plan.schedule().name());
            } else {
                clusters.add(plan.runTask().cluster());
            }
        }
        Change.Action action = dryRun ? Change.Action.WOULD_PRUNE : Change.Action.PRUNED;
        List<Change> changes = new ArrayList<>();
        for (String cluster : clusters) {
            List<String> arns = new ArrayList<>();
            ecs().listServicesPaginator(b -> b.cluster(cluster)).serviceArns().forEach(arns::add);
            for (int i = 0; i < arns.size(); i += 10) {
                List<String> batch = arns.subList(i, Math.min(arns.size(), i + 10));
                for (var service : ecs().describeServices(b -> b.cluster(cluster).services(batch)
                        .include(ServiceField.TAGS)).services()) {
                    Map<String, String> tags = new HashMap<>();
                    service.tags().forEach(t -> tags.put(t.key(), t.value()));
                    if ("ACTIVE".equals(service.status()) && pipelineName.equals(tags.get(DeployedTask.PIPELINE_LABEL))
                            && DeployedTask.MANAGER.equals(tags.get(DeployedTask.MANAGED_BY_LABEL))
                            && !services.contains(service.serviceName())) {
                        if (!dryRun) {
                            // its scaling, if autoscaled: Application Auto Scaling keeps a target past its service
                            Matcher clusterArn = DeploySettings.CLUSTER_ARN.matcher(cluster);
                            String resource = "service/" + (clusterArn.matches() ? clusterArn.group(4) : cluster) + "/"
                                    + service.serviceName();
                            if (deregisterScalableTarget(RegisterScalableTargetRequest.builder()
                                    .serviceNamespace("ecs").resourceId(resource)
                                    .scalableDimension("ecs:service:DesiredCount").build())) {
                                changes.add(new Change(action, "ScalableTarget", resource));
                            }
                            ecs().deleteService(DeleteServiceRequest.builder().cluster(cluster)
                                    .service(service.serviceName()).force(true).build());
                        }
                        changes.add(new Change(action, "Service", cluster + "/" + service.serviceName()));
                        changes.addAll(deregister(family(service.taskDefinition()), dryRun, action));
                    }
                }
            }
        }
        String description = "geniusrise pipeline " + pipelineName + ", task ";
        for (var summary : scheduler().listSchedulesPaginator(b -> b.namePrefix(pipelineName + "-")).schedules()) {
            if (schedules.contains(summary.name())) {
                continue;
            }
            GetScheduleResponse old = schedule(summary.name());
            if (old != null && old.description() != null && old.description().startsWith(description)) {
                if (!dryRun) {
                    scheduler().deleteSchedule(b -> b.name(summary.name()));
                }
                changes.add(new Change(action, "Schedule", summary.name()));
                changes.addAll(deregister(family(old.target().ecsParameters().taskDefinitionArn()), dryRun, action));
            }
        }
        return changes;
    }

    /** The family of a task definition ARN ({@code ...:task-definition/family[:revision]}). */
    private static String family(String taskDefinitionArn) {
        String tail = taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
        int colon = tail.indexOf(':');
        return colon < 0 ? tail : tail.substring(0, colon);
    }

    /** Deregisters every ACTIVE revision of exactly {@code family}. */
    private List<Change> deregister(String family, boolean dryRun, Change.Action action) {
        List<Change> changes = new ArrayList<>();
        for (String arn : ecs().listTaskDefinitions(b -> b.familyPrefix(family).status(TaskDefinitionStatus.ACTIVE))
                .taskDefinitionArns()) {
            if (arn.matches(".*:task-definition/" + Pattern.quote(family) + ":\\d+")) {
                if (!dryRun) {
                    ecs().deregisterTaskDefinition(DeregisterTaskDefinitionRequest.builder().taskDefinition(arn).build());
                }
                changes.add(new Change(action, "TaskDefinition", arn));
            }
        }
        return changes;
    }

    /** Removes a scalable target and its policies; false when there is none. */
    private boolean deregisterScalableTarget(RegisterScalableTargetRequest target) {
        try {
            autoScaling().deregisterScalableTarget(b -> b.serviceNamespace(target.serviceNamespace())
                    .resourceId(target.resourceId()).scalableDimension(target.scalableDimension()));
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }

    private boolean serviceActive(String cluster, String name) {
        DescribeServicesResponse r = ecs().describeServices(b -> b.cluster(cluster).services(name));
        return r.services().stream().anyMatch(s -> s.serviceName().equals(name) && "ACTIVE".equals(s.status()));
    }

    private GetScheduleResponse schedule(String name) {
        try {
            return scheduler().getSchedule(b -> b.name(name));
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    @Override
    public List<TaskStatus> status(Pipeline pipeline) {
        List<TaskStatus> out = new ArrayList<>();
        for (Plan plan : plans(pipeline)) {
            String task = plan.task().name();
            if (plan.service() != null) {
                CreateServiceRequest s = plan.service();
                var found = ecs().describeServices(b -> b.cluster(s.cluster()).services(s.serviceName())).services()
                        .stream().filter(x -> "ACTIVE".equals(x.status())).findFirst();
                out.add(found.map(x -> new TaskStatus(task, "Service", s.serviceName(), true,
                                x.runningCount() + "/" + x.desiredCount() + " running, " + x.pendingCount() + " pending"))
                        .orElseGet(() -> new TaskStatus(task, "Service", s.serviceName(), false, "not deployed")));
            } else if (plan.schedule() != null) {
                GetScheduleResponse s = schedule(plan.schedule().name());
                out.add(s == null ? new TaskStatus(task, "Schedule", plan.schedule().name(), false, "not deployed")
                        : new TaskStatus(task, "Schedule", s.name(), true, s.stateAsString() + ", "
                        + s.scheduleExpression() + " " + s.scheduleExpressionTimezone()));
            } else {
                RunTaskRequest r = plan.runTask();
                int running = ecs().listTasks(b -> b.cluster(r.cluster()).startedBy(r.startedBy())).taskArns().size();
                int stopped = ecs().listTasks(b -> b.cluster(r.cluster()).startedBy(r.startedBy())
                        .desiredStatus("STOPPED")).taskArns().size();
                out.add(new TaskStatus(task, "Task", r.startedBy(), running + stopped > 0,
                        running + " running, " + stopped + " stopped"));
            }
        }
        return out;
    }

    @Override
    public List<Change> delete(Pipeline pipeline) {
        List<Change> changes = new ArrayList<>();
        for (Plan plan : plans(pipeline)) {
            if (plan.service() != null) {
                CreateServiceRequest s = plan.service();
                if (plan.scaling() != null && deregisterScalableTarget(plan.scaling().target())) {
                    changes.add(new Change(Change.Action.DELETED, "ScalableTarget",
                            plan.scaling().target().resourceId()));
                }
                if (serviceActive(s.cluster(), s.serviceName())) {
                    ecs().deleteService(DeleteServiceRequest.builder().cluster(s.cluster()).service(s.serviceName())
                            .force(true).build());
                    changes.add(new Change(Change.Action.DELETED, "Service", s.cluster() + "/" + s.serviceName()));
                }
            } else if (plan.schedule() != null && schedule(plan.schedule().name()) != null) {
                scheduler().deleteSchedule(b -> b.name(plan.schedule().name()));
                changes.add(new Change(Change.Action.DELETED, "Schedule", plan.schedule().name()));
            }
            changes.addAll(deregister(plan.taskDefinition().family(), false, Change.Action.DELETED));
        }
        return changes;
    }

    @Override
    public void close() {
        if (ownsClients) {
            if (ecs != null) {
                ecs.close();
            }
            if (scheduler != null) {
                scheduler.close();
            }
        }
        if (ownsAutoScaling && autoScaling != null) {
            autoScaling.close();
        }
        ecs = null;
        scheduler = null;
        autoScaling = null;
    }
}
