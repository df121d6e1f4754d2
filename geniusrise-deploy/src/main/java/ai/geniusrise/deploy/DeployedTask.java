package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One task checked for deployment, with what every target needs: its object name, labels, the
 * pipeline document it runs, and whether it runs continuously.
 *
 * @param pipeline   the pipeline's name
 * @param spec       the task
 * @param options    its {@code deploy:} settings
 * @param document   the pipeline file the container reads: this task only
 * @param listenPort the port a streaming spout listens on ({@code http://0.0.0.0:8080/...}), or {@code null}
 * @param httpPort   the port of the runtime's /healthz, /readyz and /metrics
 * @param env        the container's plain environment, sorted: the task's {@code env} plus the
 *                   variable its listen port is written with ({@code ${EVENTS_PORT:-8080}}), so the
 *                   container listens where the files say
 */
record DeployedTask(String pipeline, TaskSpec spec, DeployOptions options, String document,
                    Integer listenPort, int httpPort, Map<String, String> env) {

    /** The label keys every generated object carries. */
    static final String PIPELINE_LABEL = "geniusrise.ai/pipeline";
    static final String TASK_LABEL = "geniusrise.ai/task";
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String MANAGER = "geniusrise";

    /** Where the container finds its pipeline file. */
    static final String PIPELINE_PATH = "/etc/geniusrise/pipeline.yaml";
    static final int DEFAULT_HTTP_PORT = 8080;
    /** The health port when a listening spout takes {@link #DEFAULT_HTTP_PORT}. */
    static final int SECOND_HTTP_PORT = 8081;

    /** The image of the geniusrise command of this version, which runs every built-in task. */
    static final String BUILT_IN_IMAGE = builtInImage();

    static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY|ACCESS_KEY).*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    /** What {@link TaskManager#load} expands a secret variable to: never its value. */
    static final Pattern STAND_IN = Pattern.compile("<secret ([A-Za-z_][A-Za-z0-9_]*)>");
    private static final Pattern PORT_PLACEHOLDER = Pattern.compile(
            "^[A-Za-z][A-Za-z0-9+.-]*://[^/]*:\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}(/.*)?$");

    private static String builtInImage() {
        Properties p = new Properties();
        try (InputStream in = DeployedTask.class.getResourceAsStream("image.properties")) {
            if (in == null) {
                throw new IllegalStateException("geniusrise-deploy is missing its image.properties");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("image");
    }

    /** The stand-in value of secret variable {@code name} while a pipeline is loaded for deployment. */
    static String standIn(String name) {
        return "<secret " + name + ">";
    }

    /**
     * {@code f} applied to every item, on all processors, results in the items' order; when
     * several fail, the first item's exception is thrown, as a sequential loop would.
     */
    static <S, T> List<T> inOrder(List<S> items, java.util.function.Function<S, T> f) {
        List<Object> results = items.parallelStream().map(item -> {
            try {
                return (Object) f.apply(item);
            } catch (RuntimeException e) {
                return new Failure(e);
            }
        }).toList();
        List<T> out = new ArrayList<>(results.size());
        for (Object r : results) {
            if (r instanceof Failure failure) {
                throw failure.exception();
            }
            @SuppressWarnings("unchecked")
            T t = (T) r;
            out.add(t);
        }
        return out;
    }

    /** A failed item of {@link #inOrder}. */
    private record Failure(RuntimeException exception) {
    }

    /** Every task of {@code pipeline} checked, in file order; the first mistake throws. */
    static List<DeployedTask> of(Pipeline pipeline) {
        return of(pipeline, true);
    }

    /**
     * Every task of {@code pipeline} checked, in file order; the first mistake throws. Unless
     * {@code deploying}, what only a deployment needs is not required (an image, remote
     * locations: {@code validate} checks files that {@code run} uses locally too).
     */
    static List<DeployedTask> of(Pipeline pipeline, boolean deploying) {
        Map<String, String> documents = TaskDocument.perTask(pipeline);
        return inOrder(pipeline.tasks(), spec -> check(pipeline, spec, documents, deploying));
    }

    private static DeployedTask check(Pipeline pipeline, TaskSpec spec, Map<String, String> documents,
                                      boolean deploying) {
        DeployOptions options = new DeployOptions(spec);
        TaskSpec.Deployment d = spec.deployment();
        if (deploying && (d.image() == null || d.image().isBlank()) && spec.className() != null) {
            throw spec.locate(new ConfigException("image", "is required to deploy task '" + spec.name()
                    + "', whose class " + spec.className() + " is not in the geniusrise image: set image: on the "
                    + "task or under defaults:"));
        }
        if (deploying && spec.kind() == TaskSpec.Kind.BOLT && spec.input() instanceof BatchInputConfig in) {
            requireRemote(spec, "config.inputConfig.source", in.scheme(), in.source());
        }
        if (deploying && spec.output() instanceof BatchOutputConfig out1) {
            requireRemote(spec, "config.outputConfig.destination", out1.scheme(), out1.destination());
            if (spec.deadLetter() != null && !spec.deadLetter().matches("[A-Za-z][A-Za-z0-9+.-]+://.*")) {
                requireRemote(spec, "deadLetter", "file", spec.deadLetter());
            }
        }
        for (String key : java.util.stream.Stream.concat(d.env().keySet().stream(), d.secrets().keySet().stream())
                .sorted().toList()) {
            if (!ENV_NAME.matcher(key).matches()) {
                throw spec.locate(new ConfigException((d.env().containsKey(key) ? "env." : "secrets.") + key, "'" + key
                        + "' is not an environment variable name Kubernetes takes: letters, digits, '_', '-' and "
                        + "'.', not starting with a digit"));
            }
        }
        for (Map.Entry<String, String> e : d.env().entrySet()) {
            if (SECRET_NAME.matcher(e.getKey()).matches()) {
                throw spec.locate(new ConfigException("env." + e.getKey(), "'" + e.getKey() + "' looks like a "
                        + "secret, and env values are written into the deployment files; move it to secrets: {"
                        + e.getKey() + ": secret-name/key}"));
            }
        }
        for (Map.Entry<String, String> e : d.secrets().entrySet()) {
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw spec.locate(new ConfigException("secrets." + e.getKey(), "expected a secret reference "
                        + "secret-name/key, got nothing"));
            }
        }
        d.env().forEach((k, v) -> {
            Matcher m = STAND_IN.matcher(v);
            while (m.find()) {
                if (!d.secrets().containsKey(m.group(1))) {
                    throw spec.locate(new ConfigException("env." + k, "expands " + m.group(1) + ", a secret of "
                            + "another task; add it to this task's secrets: so the container gets it"));
                }
            }
        });
        noSecretIn(spec, "image", d.image());
        d.resources().forEach((k, v) -> noSecretIn(spec, "resources." + k, v));
        d.target().forEach((k, v) -> noSecretIn(spec, "deploy." + k, v));
        String document = documents.get(spec.name());
        java.util.SortedMap<String, String> env = new TreeMap<>(d.env());
        Integer listen = null;
        if (spec.streaming() && spec.kind() == TaskSpec.Kind.SPOUT) {
            String source = ((StreamingInputConfig) spec.input()).source();
            listen = listenPort(source);
            if (listen != null && (listen < 1 || listen > 65_535)) {
                throw spec.locate(new ConfigException("config.inputConfig.source", "port " + listen + " of '" + source
                        + "' is not a port: expected 1 to 65535"));
            }
            Matcher raw = PORT_PLACEHOLDER.matcher(TaskDocument.listenSource(document));
            if (listen != null && raw.matches() && !env.containsKey(raw.group(1))) {
                if (d.secrets().containsKey(raw.group(1))) {
                    throw spec.locate(new ConfigException("config.inputConfig.source", "the listen port comes from "
                            + "secret variable " + raw.group(1) + "; a port is written into the Service and the "
                            + "container's ports, so it cannot be secret: use a variable of env:"));
                }
                env.put(raw.group(1), Integer.toString(listen));
            }
        }
        return new DeployedTask(pipeline.name(), spec, options, document, listen,
                httpPort(options, listen), java.util.Collections.unmodifiableSortedMap(env));
    }

    private static int httpPort(DeployOptions options, Integer listen) {
        if (!options.isSet(DeploySettings.HTTP_PORT)) {
            return listen != null && listen == DEFAULT_HTTP_PORT ? SECOND_HTTP_PORT : DEFAULT_HTTP_PORT;
        }
        int port = options.get(DeploySettings.HTTP_PORT);
        if (listen != null && listen == port) {
            throw options.error(DeploySettings.HTTP_PORT, "is " + port + ", the port the spout listens on "
                    + "(config.inputConfig.source); the health server needs a port of its own");
        }
        return port;
    }

    /** Refuses a deployment setting expanded from a secret variable: it would be written into the files. */
    private static void noSecretIn(TaskSpec spec, String path, Object value) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> noSecretIn(spec, path + "." + k, v));
        } else if (value instanceof List<?> l) {
            for (Object item : l) {
                noSecretIn(spec, path, item);
            }
        } else if (value != null) {
            Matcher m = STAND_IN.matcher(value.toString());
            if (m.find()) {
                throw spec.locate(new ConfigException(path, "expands secret variable " + m.group(1) + ", whose "
                        + "value would be written into the deployment files; a secret reaches the container only "
                        + "as an environment variable, through secrets:"));
            }
        }
    }

    private static void requireRemote(TaskSpec spec, String path, String scheme, String location) {
        if (scheme == null || scheme.equals("file")) {
            throw spec.locate(new ConfigException(path, "'" + location + "' is a path on this machine, which a "
                    + "container cannot reach; deployed tasks read and write remote storage such as s3://bucket/prefix"));
        }
    }

    private static Integer listenPort(String source) {
        try {
            URI uri = new URI(source);
            String host = uri.getHost();
            if (uri.getPort() > 0 && host != null && (host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::"))) {
                return uri.getPort();
            }
        } catch (URISyntaxException e) {
            return null;
        }
        return null;
    }

    /** The task's name. */
    String name() {
        return spec.name();
    }

    /**
     * The container image: the task's own, else (for a task without {@code class}, which only
     * built-in tasks run) {@link #BUILT_IN_IMAGE}.
     */
    String image() {
        String own = spec.deployment().image();
        return own == null || own.isBlank() ? BUILT_IN_IMAGE : own;
    }

    /** Whether it reads a stream and runs until stopped (else it is a batch run): {@link TaskSpec#streaming()}. */
    boolean streaming() {
        return spec.streaming();
    }

    /** Whether it is a batch task that runs on a cron schedule. */
    boolean scheduled() {
        return !streaming() && spec.deployment().schedule() != null;
    }

    /** {@code <pipeline>-<task>}, shortened to {@code max} characters with a hash when longer. */
    String objectName(int max) {
        return shorten(pipeline + "-" + spec.name(), max);
    }

    /** The arguments of {@code geniusrise} in the container. */
    List<String> args(String pipelineFile) {
        return List.of("run", pipelineFile, "--task", spec.name(), "--http-port", Integer.toString(httpPort()));
    }

    /** The default memory of a task whose {@code resources} set none (request and limit). */
    static final String DEFAULT_MEMORY = "512Mi";
    /** The default CPU request of a task whose {@code resources} set none. */
    static final String DEFAULT_CPU = "250m";

    /** The task's resources, with the default CPU and memory when unset. */
    Map<String, String> resources() {
        Map<String, String> r = new TreeMap<>(spec.deployment().resources());
        r.putIfAbsent("cpu", DEFAULT_CPU);
        r.putIfAbsent("memory", DEFAULT_MEMORY);
        return r;
    }

    /**
     * The JVM options the container gets as {@code JAVA_TOOL_OPTIONS}: the heap sized from the
     * container's memory ({@code -XX:MaxRAMPercentage}, {@code deploy.maxRAMPercentage}, 75 by
     * default); {@code null} when the task's {@code env} sets {@code JAVA_TOOL_OPTIONS} itself.
     */
    String javaToolOptions() {
        if (env.containsKey("JAVA_TOOL_OPTIONS")) {
            return null;
        }
        return "-XX:MaxRAMPercentage=" + options.get(DeploySettings.MAX_RAM_PERCENTAGE);
    }

    /** How long a slow start may take before the probes count: {@code deploy.startupSeconds}, 120 by default. */
    int startupSeconds() {
        return options.get(DeploySettings.STARTUP_SECONDS);
    }

    /** The time zone of the schedule: {@code deploy.timeZone}, {@code Etc/UTC} by default. */
    String timeZone() {
        return options.get(DeploySettings.TIME_ZONE);
    }

    /** The image's tag as a label value ({@code ghcr.io/acme/x:1.0.0} → {@code 1.0.0}), or {@code null}. */
    String version() {
        String image = image();
        if (image.contains("@")) {
            return null;
        }
        int colon = image.lastIndexOf(':');
        if (colon < 0 || image.indexOf('/', colon) >= 0) {
            return null;
        }
        String tag = image.substring(colon + 1);
        return K8sNames.labelValue(tag) == null && !tag.isEmpty() ? tag : null;
    }

    /** The labels of every object of this task. */
    Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", shorten(spec.name(), 63));
        labels.put("app.kubernetes.io/instance", objectName(63));
        if (version() != null) {
            labels.put("app.kubernetes.io/version", version());
        }
        labels.put("app.kubernetes.io/component", spec.kind().name().toLowerCase(Locale.ROOT));
        labels.put("app.kubernetes.io/part-of", pipeline);
        labels.put(MANAGED_BY_LABEL, MANAGER);
        labels.put(PIPELINE_LABEL, pipeline);
        labels.put(TASK_LABEL, spec.name());
        return labels;
    }

    /** The labels that pick this task's pods. */
    Map<String, String> selector() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(PIPELINE_LABEL, pipeline);
        s.put(TASK_LABEL, spec.name());
        return s;
    }

    /** The task's secret references, sorted by variable. */
    Map<String, String> secrets() {
        return new TreeMap<>(spec.deployment().secrets());
    }

    static String shorten(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String hash = sha256(name).substring(0, 8);
        return name.substring(0, max - 9).replaceAll("-+$", "") + "-" + hash;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
