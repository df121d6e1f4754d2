package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.CronSchedule;
import ai.geniusrise.core.pipeline.Pipeline;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Deploys pipelines on Kubernetes. Per task it renders what a Kubernetes engineer would write:
 * a {@code ConfigMap} holding the task's pipeline file, and a {@code Deployment} (streaming
 * tasks), a {@code CronJob} (batch tasks with a {@code schedule}) or a {@code Job} (other batch
 * tasks; an Indexed Job with {@code parallelism}), plus a {@code Service} for a streaming spout
 * that listens on a port and a {@code PodDisruptionBudget} for a streaming task with more than one
 * replica, and for {@code deploy.autoscale} a KEDA {@code ScaledObject} (with a
 * {@code TriggerAuthentication} when the task signs in with SASL; see {@link KedaObjects}). Pods are admitted under Pod Security "restricted"; every name, label and port follows
 * the API server's rules, or rendering fails located in the pipeline file. Files are plain YAML that {@code kubectl apply -f} takes; the objects
 * are described in {@code docs/deploy.md}.
 *
 * <p>{@link #apply} uses server-side apply with the field manager {@code geniusrise} and prunes
 * the objects an earlier apply of the same pipeline created (found by the labels
 * {@code geniusrise.ai/pipeline} and {@code app.kubernetes.io/managed-by: geniusrise}) that the
 * pipeline no longer has. {@link #delete} removes exactly the objects with those labels.
 *
 * <p>The client is built from the usual places (kube config, in-cluster service account, the
 * {@code KUBECONFIG} variable) on first use, unless one is given; rendering needs none.
 */
public final class K8sManager implements TaskManager {

    /** The field manager of server-side apply. */
    public static final String FIELD_MANAGER = "geniusrise";

    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    /** Kubernetes' quantity grammar: a decimal number and a binary, decimal or exponent suffix. */
    private static final Pattern QUANTITY = Pattern.compile(
            "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\\d+)?");
    private static final List<Class<? extends HasMetadata>> KINDS = List.of(Deployment.class, CronJob.class,
            Job.class, Service.class, ConfigMap.class, PodDisruptionBudget.class);

    private final Supplier<KubernetesClient> clientFactory;
    private final boolean ownsClient;
    private final ManifestYaml yaml = new ManifestYaml();
    private Clock clock = Clock.systemUTC();
    private KubernetesClient client;

    /** A manager whose client is built from the default configuration on first use. */
    public K8sManager() {
        this.clientFactory = () -> new KubernetesClientBuilder().build();
        this.ownsClient = true;
    }

    /** A manager using {@code client}, which the caller closes. */
    public K8sManager(KubernetesClient client) {
        Objects.requireNonNull(client, "client");
        this.clientFactory = () -> client;
        this.ownsClient = false;
    }

    /** This manager with {@code now} as the time status computes a CronJob's next run from (for tests). */
    K8sManager at(Clock now) {
        this.clock = now;
        return this;
    }

    @Override
    public String target() {
        return "k8s";
    }

    @Override
    public List<DeploymentFile> render(Pipeline pipeline) {
        return DeployedTask.inOrder(DeployedTask.of(pipeline), task -> {
            StringBuilder text = new StringBuilder();
            for (HasMetadata object : objects(task)) {
                text.append(yaml.write(object));
            }
            return new DeploymentFile(task.name() + ".yaml", text.toString());
        });
    }

    /**
     * Checks the values of {@code pipeline}'s tasks as {@link #render} does, without requiring what
     * only a deployment needs ({@link DeployedTask#of(Pipeline, boolean)}).
     *
     * @throws ConfigException located at the value at fault
     */
    void checkValues(Pipeline pipeline) {
        DeployedTask.inOrder(DeployedTask.of(pipeline, false), this::objects);
    }

    /** The objects of every task, in file order. */
    List<HasMetadata> objects(Pipeline pipeline) {
        List<HasMetadata> all = new ArrayList<>();
        for (DeployedTask task : DeployedTask.of(pipeline)) {
            all.addAll(objects(task));
        }
        return all;
    }

    private List<HasMetadata> objects(DeployedTask task) {
        String namespace = namespace(task);
        String name = task.objectName(task.scheduled() ? 52 : 63);
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(new ConfigMapBuilder()
                .withMetadata(meta(task, name, namespace, Map.of()))
                .addToData("pipeline.yaml", task.document())
                .build());
        PodTemplateSpec pod = pod(task, name);
        if (task.streaming()) {
            Autoscale scale = Autoscale.of(task);
            int replicas = scale != null ? scale.max()
                    : task.spec().deployment().replicas() == null ? 1 : task.spec().deployment().replicas();
            objects.add(new DeploymentBuilder()
                    .withMetadata(meta(task, name, namespace, Map.of()))
                    .withNewSpec()
                    // scaled by KEDA: no replicas here, or every apply would reset what the scaler set
                    .withReplicas(scale != null ? null : replicas)
                    .withNewSelector().withMatchLabels(task.selector()).endSelector()
                    .withTemplate(pod)
                    .endSpec()
                    .build());
            if (replicas > 1 && task.options().get(DeploySettings.POD_DISRUPTION_BUDGET)) {
                // a drain takes one member of the consumer group at a time
                objects.add(new PodDisruptionBudgetBuilder()
                        .withMetadata(meta(task, name, namespace, Map.of()))
                        .withNewSpec()
                        .withMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(1))
                        .withNewSelector().withMatchLabels(task.selector()).endSelector()
                        .endSpec()
                        .build());
            }
            if (task.listenPort() != null) {
                String problem = K8sNames.dns1035Label(name);
                if (problem != null) {
                    throw TaskDocument.atPipelineName(task, "the Service of task '" + task.name() + "' is named "
                            + "<pipeline>-<task>, and " + problem + "; start the pipeline's name with a letter");
                }
                objects.add(new ServiceBuilder()
                        .withMetadata(meta(task, name, namespace, Map.of()))
                        .withNewSpec()
                        .withSelector(task.selector())
                        .addNewPort().withName("listen").withPort(task.listenPort())
                        .withNewTargetPort("listen").withProtocol("TCP").endPort()
                        .endSpec()
                        .build());
            }
            if (scale != null) {
                objects.addAll(KedaObjects.of(task, scale, name, meta(task, name, namespace, Map.of())));
            }
        } else if (task.scheduled()) {
            DeployOptions o = task.options();
            objects.add(new CronJobBuilder()
                    .withMetadata(meta(task, name, namespace, Map.of()))
                    .withNewSpec()
                    .withSchedule(task.spec().deployment().schedule().forKubernetes())
                    .withTimeZone(task.timeZone())
                    .withConcurrencyPolicy("Forbid")
                    .withSuccessfulJobsHistoryLimit(o.get(DeploySettings.SUCCESSFUL_JOBS_HISTORY_LIMIT))
                    .withFailedJobsHistoryLimit(o.get(DeploySettings.FAILED_JOBS_HISTORY_LIMIT))
                    .withNewJobTemplate()
                    .withNewMetadata().withLabels(labels(task)).endMetadata()
                    .withSpec(jobSpec(task, pod, false))
                    .endJobTemplate()
                    .endSpec()
                    .build());
        } else {
            objects.add(new JobBuilder()
                    .withMetadata(meta(task, name, namespace, Map.of()))
                    .withSpec(jobSpec(task, pod, true))
                    .build());
        }
        return objects;
    }

    private static JobSpec jobSpec(DeployedTask task, PodTemplateSpec pod, boolean ttl) {
        DeployOptions o = task.options();
        JobSpecBuilder spec = new JobSpecBuilder().withBackoffLimit(o.get(DeploySettings.BACKOFF_LIMIT))
                .withActiveDeadlineSeconds((long) o.get(DeploySettings.ACTIVE_DEADLINE_SECONDS))
                .withTemplate(pod);
        int parallelism = parallelism(task);
        if (parallelism > 1) {
            spec.withCompletionMode("Indexed").withCompletions(parallelism).withParallelism(parallelism);
        }
        if (ttl) {
            spec.withTtlSecondsAfterFinished(o.get(DeploySettings.TTL_SECONDS_AFTER_FINISHED));
        }
        return spec.build();
    }

    private static int parallelism(DeployedTask task) {
        Integer p = task.spec().deployment().parallelism();
        return p == null ? 1 : p;
    }

    private static String namespace(DeployedTask task) {
        return task.options().get(DeploySettings.NAMESPACE);
    }

    /** The task's labels, then {@code deploy.labels} (ours win on conflict). */
    private static Map<String, String> labels(DeployedTask task) {
        Map<String, String> labels = new LinkedHashMap<>(task.labels());
        task.options().get(DeploySettings.LABELS).forEach(labels::putIfAbsent);
        return labels;
    }

    private static ObjectMeta meta(DeployedTask task, String name, String namespace, Map<String, String> annotations) {
        Map<String, String> labels = labels(task);
        Map<String, String> notes = new LinkedHashMap<>(task.options().get(DeploySettings.ANNOTATIONS));
        notes.putAll(annotations);
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels)
                .withAnnotations(notes.isEmpty() ? null : notes).build();
    }

    private static PodTemplateSpec pod(DeployedTask task, String configMap) {
        DeployOptions o = task.options();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("prometheus.io/scrape", "true");
        annotations.put("prometheus.io/port", Integer.toString(task.httpPort()));
        annotations.put("prometheus.io/path", "/metrics");
        annotations.put("geniusrise.ai/pipeline-sha256", DeployedTask.sha256(task.document()));
        Map<String, String> labels = labels(task);
        PodSpecBuilder spec = new PodSpecBuilder()
                .withServiceAccountName(o.get(DeploySettings.SERVICE_ACCOUNT))
                .withRestartPolicy(task.streaming() ? "Always" : "Never")
                .withTerminationGracePeriodSeconds(45L)
                .withAutomountServiceAccountToken(o.get(DeploySettings.AUTOMOUNT_SERVICE_ACCOUNT_TOKEN))
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(runAsUser(o))
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .withContainers(container(task))
                .addNewVolume().withName("pipeline").withNewConfigMap().withName(configMap).endConfigMap().endVolume()
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume();
        Map<String, String> nodeSelector = o.get(DeploySettings.NODE_SELECTOR);
        if (!nodeSelector.isEmpty()) {
            spec.withNodeSelector(nodeSelector);
        }
        PodSpec podSpec = spec.build();
        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withSpec(podSpec)
                .build();
    }

    private static Long runAsUser(DeployOptions o) {
        Integer user = o.get(DeploySettings.RUN_AS_USER);
        return user == null ? null : (long) user;
    }

    private static Container container(DeployedTask task) {
        List<EnvVar> env = new ArrayList<>();
        int parallelism = parallelism(task);
        if (!task.streaming() && parallelism > 1) {
            env.add(new EnvVar("GENIUSRISE_SHARD_COUNT", Integer.toString(parallelism), null));
        }
        task.secrets().forEach((k, ref) -> {
            String[] parts = ref.split("/", -1);
            if (parts.length != 2 || K8sNames.dns1123Subdomain(parts[0]) != null
                    || !SECRET_KEY.matcher(parts[1]).matches()) {
                throw task.spec().locate(new ConfigException("secrets." + k, "expected a Kubernetes secret reference "
                        + "secret-name/key, got '" + ref + "'"));
            }
            env.add(new EnvVarBuilder().withName(k).withNewValueFrom().withNewSecretKeyRef()
                    .withName(parts[0]).withKey(parts[1]).endSecretKeyRef().endValueFrom().build());
        });
        if (task.javaToolOptions() != null) {
            env.add(new EnvVar("JAVA_TOOL_OPTIONS", task.javaToolOptions(), null));
        }
        // after the secrets, so that $(SECRET) in a value refers to them; a literal $( is escaped as $$(
        task.env().forEach((k, v) -> env.add(new EnvVar(k, DeployedTask.STAND_IN.matcher(v.replace("$(", "$$("))
                .replaceAll("\\$($1)"), null)));
        ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        task.resources().forEach((k, v) -> {
            if (!QUANTITY.matcher(v).matches()) {
                throw task.spec().locate(new ConfigException("resources." + k, "expected a Kubernetes quantity "
                        + "such as 500m, 1.5 or 2Gi, got '" + v + "'"));
            }
            requests.put(k, new Quantity(v));
            if (!k.equals("cpu")) {
                limits.put(k, new Quantity(v));
            }
        });
        if (!requests.isEmpty()) {
            resources.withRequests(requests);
        }
        if (!limits.isEmpty()) {
            resources.withLimits(limits);
        }
        ContainerBuilder c = new ContainerBuilder()
                .withName(task.name())
                .withImage(task.image())
                .withImagePullPolicy(task.options().get(DeploySettings.IMAGE_PULL_POLICY))
                .withArgs(task.args(DeployedTask.PIPELINE_PATH))
                .addNewPort().withName("http").withContainerPort(task.httpPort()).withProtocol("TCP").endPort()
                .withEnv(env.isEmpty() ? null : env)
                .withResources(requests.isEmpty() ? null : resources.build())
                .addNewVolumeMount().withName("pipeline").withMountPath("/etc/geniusrise").withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withRunAsNonRoot(true)
                .withReadOnlyRootFilesystem(task.options().get(DeploySettings.READ_ONLY_ROOT_FILESYSTEM))
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext();
        if (task.listenPort() != null) {
            c.addNewPort().withName("listen").withContainerPort(task.listenPort()).withProtocol("TCP").endPort();
        }
        if (task.streaming()) {
            // the startup probe holds the others off while the JVM starts (up to deploy.startupSeconds)
            c.withStartupProbe(probe("/healthz", 5, (task.startupSeconds() + 4) / 5))
                    .withLivenessProbe(probe("/healthz", 10, 3)).withReadinessProbe(probe("/readyz", 5, 1));
        }
        return c.build();
    }

    private static Probe probe(String path, int period, int failures) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withNewPort("http").endHttpGet()
                .withPeriodSeconds(period).withFailureThreshold(failures).build();
    }

    // ---------------------------------------------------------------- the API

    private KubernetesClient client() {
        if (client == null) {
            client = clientFactory.get();
        }
        return client;
    }

    private String namespaceOf(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        if (ns != null) {
            return ns;
        }
        String fallback = client().getNamespace();
        return fallback == null ? "default" : fallback;
    }

    @Override
    public List<Change> apply(Pipeline pipeline, boolean dryRun) {
        List<HasMetadata> objects = objects(pipeline);
        List<Change> changes = new ArrayList<>();
        Set<String> wanted = new LinkedHashSet<>();
        Set<String> namespaces = new LinkedHashSet<>();
        for (HasMetadata o : objects) {
            String ns = namespaceOf(o);
            namespaces.add(ns);
            wanted.add(key(o.getKind(), ns, o.getMetadata().getName()));
            if (!dryRun) {
                serverSideApply(o, ns);
            }
            changes.add(new Change(dryRun ? Change.Action.WOULD_APPLY : Change.Action.APPLIED, o.getKind(),
                    ns + "/" + o.getMetadata().getName()));
        }
        for (HasMetadata old : created(pipeline.name(), namespaces)) {
            String ns = old.getMetadata().getNamespace();
            if (!wanted.contains(key(old.getKind(), ns, old.getMetadata().getName()))) {
                if (!dryRun) {
                    remove(old);
                }
                changes.add(new Change(dryRun ? Change.Action.WOULD_PRUNE : Change.Action.PRUNED, old.getKind(),
                        ns + "/" + old.getMetadata().getName()));
            }
        }
        return changes;
    }

    private void serverSideApply(HasMetadata o, String ns) {
        if (o instanceof GenericKubernetesResource g) {
            client().genericKubernetesResources(KedaObjects.context(g.getKind())).inNamespace(ns).resource(g)
                    .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
            return;
        }
        client().resource(o).inNamespace(ns).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    @Override
    public List<TaskStatus> status(Pipeline pipeline) {
        List<TaskStatus> out = new ArrayList<>();
        for (HasMetadata o : objects(pipeline)) {
            if (o instanceof ConfigMap || o instanceof Service || o instanceof PodDisruptionBudget
                    || o instanceof GenericKubernetesResource) {
                continue;
            }
            String ns = namespaceOf(o);
            String name = o.getMetadata().getName();
            String task = o.getMetadata().getLabels().get(DeployedTask.TASK_LABEL);
            HasMetadata live = client().resources(o.getClass()).inNamespace(ns).withName(name).get();
            if (live == null) {
                out.add(new TaskStatus(task, o.getKind(), ns + "/" + name, false, "not deployed"));
            } else {
                out.add(new TaskStatus(task, o.getKind(), ns + "/" + name, true, summary(live)));
            }
        }
        return out;
    }

    private String summary(HasMetadata live) {
        if (live instanceof Deployment d) {
            int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            int ready = d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
                    : d.getStatus().getReadyReplicas();
            return ready + "/" + desired + " ready";
        }
        if (live instanceof CronJob c) {
            var s = c.getStatus();
            String last = s == null || s.getLastScheduleTime() == null ? "never" : s.getLastScheduleTime();
            String success = s == null || s.getLastSuccessfulTime() == null ? "never" : s.getLastSuccessfulTime();
            int active = s == null || s.getActive() == null ? 0 : s.getActive().size();
            boolean suspended = Boolean.TRUE.equals(c.getSpec().getSuspend());
            String zone = c.getSpec().getTimeZone() == null ? "UTC" : c.getSpec().getTimeZone();
            ZonedDateTime next = suspended ? null
                    : CronSchedule.parse(c.getSpec().getSchedule()).next(ZonedDateTime.now(clock.withZone(ZoneId.of(zone))));
            return "schedule \"" + c.getSpec().getSchedule() + "\", last run " + last + ", last success " + success
                    + ", next run " + (next == null ? "none" : next.withZoneSameInstant(ZoneOffset.UTC)
                    .format(DateTimeFormatter.ISO_INSTANT)) + ", " + active + " running" + (suspended ? ", suspended" : "");
        }
        if (live instanceof Job j) {
            var s = j.getStatus();
            int completions = j.getSpec().getCompletions() == null ? 1 : j.getSpec().getCompletions();
            int succeeded = s == null || s.getSucceeded() == null ? 0 : s.getSucceeded();
            int failed = s == null || s.getFailed() == null ? 0 : s.getFailed();
            int active = s == null || s.getActive() == null ? 0 : s.getActive();
            return succeeded + "/" + completions + " succeeded, " + active + " running, " + failed + " failed";
        }
        return "present";
    }

    @Override
    public List<Change> delete(Pipeline pipeline) {
        Set<String> namespaces = new LinkedHashSet<>();
        for (HasMetadata o : objects(pipeline)) {
            namespaces.add(namespaceOf(o));
        }
        List<Change> changes = new ArrayList<>();
        for (HasMetadata old : created(pipeline.name(), namespaces)) {
            remove(old);
            changes.add(new Change(Change.Action.DELETED, old.getKind(),
                    old.getMetadata().getNamespace() + "/" + old.getMetadata().getName()));
        }
        return changes;
    }

    /** Everything a pipeline of this name created in these namespaces, workloads first. */
    private List<HasMetadata> created(String pipeline, Set<String> namespaces) {
        List<HasMetadata> found = new ArrayList<>();
        for (String ns : namespaces) {
            for (Class<? extends HasMetadata> kind : KINDS) {
                for (HasMetadata o : client().resources(kind).inNamespace(ns)
                        .withLabel(DeployedTask.PIPELINE_LABEL, pipeline)
                        .withLabel(DeployedTask.MANAGED_BY_LABEL, DeployedTask.MANAGER).list().getItems()) {
                    if (o.getMetadata().getNamespace() == null) {
                        o.getMetadata().setNamespace(ns);
                    }
                    found.add(o);
                }
            }
            for (String kind : KedaObjects.KINDS) {
                try {
                    for (GenericKubernetesResource o : client().genericKubernetesResources(KedaObjects.context(kind))
                            .inNamespace(ns).withLabel(DeployedTask.PIPELINE_LABEL, pipeline)
                            .withLabel(DeployedTask.MANAGED_BY_LABEL, DeployedTask.MANAGER).list().getItems()) {
                        if (o.getMetadata().getNamespace() == null) {
                            o.getMetadata().setNamespace(ns);
                        }
                        found.add(o);
                    }
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                    // KEDA's CRDs are not installed: nothing of theirs to find
                }
            }
        }
        return found;
    }

    private void remove(HasMetadata o) {
        if (o instanceof GenericKubernetesResource g) {
            client().genericKubernetesResources(KedaObjects.context(g.getKind())).inNamespace(
                    g.getMetadata().getNamespace()).withName(g.getMetadata().getName()).delete();
            return;
        }
        client().resources(o.getClass()).inNamespace(o.getMetadata().getNamespace()).withName(o.getMetadata().getName())
                .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
    }

    private static String key(String kind, String ns, String name) {
        return kind + "/" + ns + "/" + name;
    }

    @Override
    public void close() {
        if (client != null && ownsClient) {
            client.close();
        }
        client = null;
    }
}
