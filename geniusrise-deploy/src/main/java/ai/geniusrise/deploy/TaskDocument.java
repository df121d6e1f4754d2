package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline file a deployed task's container reads: the author's file with only that task in
 * its {@code tasks} list and its {@code name} written out (the consumer group of a streaming
 * bolt is {@code <pipeline>.<task>}, so the name must not come from the file name in the pod).
 *
 * <p>Values are copied as written: {@code ${VAR}} placeholders stay unexpanded and are expanded
 * in the container from its environment (the task's {@code env} and {@code secrets}), so the
 * values of variables on the author's machine never reach the deployment files. Hence every
 * placeholder without a default in the document must name a variable the task's {@code env} or
 * {@code secrets} sets; and a password written into a URL ({@code scheme://user:password@host})
 * is refused, located where it is written.
 */
final class TaskDocument {

    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
    private static final Pattern URL_PASSWORD = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/@:\\s]+:([^@/\\s]+)@");
    /** Keys whose value is a secret itself: an inline literal is refused (the runtime refuses it too). */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i)(.*[._-])?(password|passwd|secret|token|secret[._-]?key|secret[._-]?access[._-]?key|api[._-]?key"
                    + "|private[._-]?key|basic\\.auth\\.user\\.info)");
    /** A password inside a JAAS configuration ({@code sasl.jaas.config}). */
    private static final Pattern JAAS_PASSWORD = Pattern.compile("(?i)password\\s*=\\s*\"?([^\"\\s;]*)");
    /** Literals that look like credentials wherever they are written: warned about. */
    private static final Pattern SECRET_LITERAL = Pattern.compile(
            "(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}"
                    + "|sk_live_[A-Za-z0-9]{16,}");
    /** The keys of a task (and of defaults) that are deployment settings, expanded when generating. */
    private static final Set<String> SETTINGS = Set.of("image", "env", "deploy", "resources", "replicas", "schedule",
            "parallelism");
    /** Variables the container always has. */
    private static final Set<String> PROVIDED = Set.of("HOSTNAME", "GENIUSRISE_HTTP_PORT", "JOB_COMPLETION_INDEX");

    private TaskDocument() {
    }

    /**
     * The variables named in the {@code secrets:} mappings of a pipeline file (defaults and
     * tasks), or none when the file cannot be read or composed (loading it then reports why).
     */
    static Set<String> secretVariables(java.nio.file.Path file) {
        Set<String> names = new java.util.TreeSet<>();
        Optional<Node> composed = compose(file);
        if (composed.isEmpty() || !(composed.get() instanceof MappingNode root)) {
            return names;
        }
        List<Node> holders = new ArrayList<>();
        for (NodeTuple t : root.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            if (key.equals("defaults")) {
                holders.add(t.getValueNode());
            } else if (key.equals("tasks") && t.getValueNode() instanceof SequenceNode s) {
                holders.addAll(s.getValue());
            }
        }
        for (Node holder : holders) {
            if (holder instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("secrets")
                            && t.getValueNode() instanceof MappingNode secrets) {
                        for (NodeTuple s : secrets.getValue()) {
                            if (s.getKeyNode() instanceof ScalarNode name) {
                                names.add(name.getValue());
                            }
                        }
                    }
                }
            }
        }
        return names;
    }

    /** The listen source of a task document ({@code tasks[0].config.inputConfig.source}) as written, or "". */
    static String listenSource(String document) {
        Object root = new org.snakeyaml.engine.v2.api.Load(LoadSettings.builder().build()).loadFromString(document);
        Object v = root;
        for (Object step : List.of("tasks", 0, "config", "inputConfig", "source")) {
            if (step instanceof Integer i && v instanceof List<?> l && l.size() > i) {
                v = l.get(i);
            } else if (v instanceof Map<?, ?> m) {
                v = m.get(step);
            } else {
                return "";
            }
        }
        return v == null ? "" : v.toString();
    }

    /**
     * Warnings for literals of a pipeline file that look like credentials (an AWS access key, a
     * private key, a token), located; such a value is written into the deployment files.
     */
    static List<String> secretLiteralWarnings(java.nio.file.Path file) {
        List<String> warnings = new ArrayList<>();
        compose(file).ifPresent(root -> scanLiterals(root, file.toString(), warnings, new IdentityHashMap<>()));
        return warnings;
    }

    private static void scanLiterals(Node node, String label, List<String> warnings, Map<Node, Boolean> seen) {
        if (seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof ScalarNode s && SECRET_LITERAL.matcher(s.getValue()).find()) {
            warnings.add(located(s, label, "this value looks like a credential, and it will be written into the "
                    + "deployment files; write ${VAR} and set VAR from the task's secrets").getMessage());
        } else if (node instanceof MappingNode m) {
            m.getValue().forEach(t -> scanLiterals(t.getValueNode(), label, warnings, seen));
        } else if (node instanceof SequenceNode q) {
            q.getValue().forEach(c -> scanLiterals(c, label, warnings, seen));
        }
    }

    /**
     * Refuses a password or key written inline in {@code file} (under a key that holds one, in a
     * {@code sasl.jaas.config}, in a URL), located; the rule {@link #perTask} applies while generating.
     */
    static void refuseInlineSecrets(java.nio.file.Path file) {
        compose(file).ifPresent(root -> scanInline(root, file.toString(), new IdentityHashMap<>()));
    }

    private static void scanInline(Node node, String label, Map<Node, Boolean> seen) {
        if (seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof ScalarNode s) {
            refuseUrlPassword(s, label);
        } else if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                if (key.equals("secrets") || key.equals("env")) {
                    continue;
                }
                if (t.getValueNode() instanceof ScalarNode v) {
                    inlineSecret(key, v, label);
                }
                scanInline(t.getValueNode(), label, seen);
            }
        } else if (node instanceof SequenceNode q) {
            q.getValue().forEach(c -> scanInline(c, label, seen));
        }
    }

    /** The file's YAML nodes, or nothing when it cannot be read or composed (loading it reports why). */
    private static Optional<Node> compose(java.nio.file.Path file) {
        try {
            return new Compose(LoadSettings.builder().setLabel(file.toString()).build())
                    .composeString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code problem} located at the pipeline's {@code name:} (or the file's start, when the name is the file's). */
    static ConfigException atPipelineName(DeployedTask task, String problem) {
        String file = task.spec().locate(new ConfigException(null, "")).file();
        ConfigException e = new ConfigException("name", problem);
        if (file == null) {
            return e;
        }
        Optional<Node> root = compose(java.nio.file.Path.of(file));
        if (root.isPresent() && root.get() instanceof MappingNode m && child(m, "name") instanceof ScalarNode s) {
            return located(s, file, problem);
        }
        return e.locatedAt(file, 1, 1, null);
    }

    /** Task name → its pipeline document. */
    static Map<String, String> perTask(Pipeline pipeline) {
        if (pipeline.file() == null) {
            throw new ConfigException(null, "pipeline '" + pipeline.name() + "' was built in code, not read from a "
                    + "file; deployment ships the pipeline file to the container, so load it with Pipeline.load");
        }
        String label = pipeline.file().toString();
        String text;
        try {
            text = Files.readString(pipeline.file(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + label + ": " + e.getMessage(), e);
        }
        Optional<Node> composed = new Compose(LoadSettings.builder().setLabel(label).build()).composeString(text);
        if (composed.isEmpty() || !(composed.get() instanceof MappingNode root)) {
            throw new ConfigException(null, "pipeline file " + label + " changed since it was read");
        }
        SequenceNode tasks = null;
        for (NodeTuple t : root.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("tasks")
                    && t.getValueNode() instanceof SequenceNode s) {
                tasks = s;
            }
        }
        if (tasks == null || tasks.getValue().size() < pipeline.tasks().size()) {
            throw new ConfigException(null, "pipeline file " + label + " changed since it was read");
        }
        Map<String, Node> byName = new LinkedHashMap<>();
        List<Node> items = tasks.getValue();
        for (Node item : items) {
            String raw = scalar(item, "name");
            if (raw != null) {
                byName.put(raw.trim(), item);
            }
        }
        List<String> texts = DeployedTask.inOrder(pipeline.tasks(), spec -> {
            Node item = byName.get(spec.name());
            if (item == null) {
                throw new ConfigException(null, "cannot find task '" + spec.name() + "' written as a plain name in "
                        + label + " (deployment copies each task's part of the file)");
            }
            inlineSchemaFiles(item, pipeline.file().toAbsolutePath().getParent(), label);
            Node document = document(root, item, pipeline.name());
            Set<String> secrets = spec.deployment().secrets().keySet();
            for (Node holder : java.util.Arrays.asList(item, child(root, "defaults"))) {
                if (holder instanceof MappingNode m) {
                    for (NodeTuple t : m.getValue()) {
                        if (t.getKeyNode() instanceof ScalarNode k && SETTINGS.contains(k.getValue())) {
                            checkSetting(t.getValueNode(), label, secrets, new IdentityHashMap<>());
                        }
                    }
                }
            }
            Set<String> provided = new java.util.HashSet<>(PROVIDED);
            provided.addAll(spec.deployment().env().keySet());
            provided.addAll(spec.deployment().secrets().keySet());
            check(document, label, provided, spec.name(), true, new IdentityHashMap<>());
            return dump(document);
        });
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            out.put(pipeline.tasks().get(i).name(), texts.get(i));
        }
        return out;
    }

    /**
     * The container gets the pipeline file only: a {@code keySchema}/{@code valueSchema} naming a
     * schema file (relative to the pipeline file) is written into the task's document as the
     * schema's text, which the runtime reads as an inline schema; so is an output's
     * {@code options.schemaFile} (the parquet and avro formats' schema), as {@code options.schema}.
     */
    private static void inlineSchemaFiles(Node task, java.nio.file.Path folder, String label) {
        if (!(task instanceof MappingNode t) || !(child(t, "config") instanceof MappingNode config)) {
            return;
        }
        for (String side : List.of("inputConfig", "outputConfig")) {
            if (child(config, side) instanceof MappingNode io) {
                inlineSchemaFiles(io, List.of("keySchema", "valueSchema"), false, folder, label);
                if (child(io, "options") instanceof MappingNode options) {
                    inlineSchemaFiles(options, List.of("schemaFile"), true, folder, label);
                }
            }
        }
    }

    /**
     * Replaces the values of {@code keys} in {@code holder} that name a file by the file's text, under the
     * key {@code schema} if {@code renamed}.
     */
    private static void inlineSchemaFiles(MappingNode holder, List<String> keys, boolean renamed,
                                          java.nio.file.Path folder, String label) {
        List<NodeTuple> tuples = new ArrayList<>(holder.getValue());
        for (int i = 0; i < tuples.size(); i++) {
            NodeTuple tuple = tuples.get(i);
            if (tuple.getKeyNode() instanceof ScalarNode k && keys.contains(k.getValue())
                    && tuple.getValueNode() instanceof ScalarNode v
                    && !v.getValue().isBlank() && !StreamingOutputConfig.isInlineSchema(v.getValue())) {
                java.nio.file.Path file = folder.resolve(v.getValue().trim());
                String schema;
                try {
                    schema = Files.readString(file, StandardCharsets.UTF_8).trim();
                    if (!StreamingOutputConfig.isInlineSchema(schema)) {
                        schema += "\n"; // a one-line .proto file stays inline text when read back
                    }
                } catch (IOException e) {
                    throw located(v, label, "cannot read the schema file " + file + ": " + e.getMessage());
                }
                ScalarNode key = renamed ? new ScalarNode(Tag.STR, "schema", ScalarStyle.PLAIN) : k;
                tuples.set(i, new NodeTuple(key, new ScalarNode(Tag.STR, schema, ScalarStyle.LITERAL)));
            }
        }
        holder.setValue(tuples);
    }

    private static Node child(MappingNode mapping, String key) {
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    /**
     * A deployment setting is expanded when generating, so a placeholder of a variable that looks
     * like a secret would write its value into the files: it must be a variable of {@code secrets:}
     * (which is never expanded into a file).
     */
    private static void checkSetting(Node node, String label, Set<String> secrets, Map<Node, Boolean> seen) {
        if (seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof ScalarNode s) {
            Matcher m = PLACEHOLDER.matcher(s.getValue());
            while (m.find()) {
                if (!secrets.contains(m.group(1)) && DeployedTask.SECRET_NAME.matcher(m.group(1)).matches()) {
                    throw located(s, label, "'${" + m.group(1) + "}' looks like a secret, and this deployment "
                            + "setting is expanded into the deployment files; name " + m.group(1) + " in the task's "
                            + "secrets: (a secret-name/key reference), so that only the reference is written");
                }
            }
        } else if (node instanceof MappingNode m) {
            m.getValue().forEach(t -> checkSetting(t.getValueNode(), label, secrets, seen));
        } else if (node instanceof SequenceNode q) {
            q.getValue().forEach(c -> checkSetting(c, label, secrets, seen));
        }
    }

    private static String scalar(Node mapping, String key) {
        if (mapping instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)
                        && t.getValueNode() instanceof ScalarNode v) {
                    return v.getValue();
                }
            }
        }
        return null;
    }

    private static Node document(MappingNode root, Node task, String pipelineName) {
        List<NodeTuple> tuples = new ArrayList<>();
        tuples.add(new NodeTuple(plain("name"), plain(pipelineName)));
        for (NodeTuple t : root.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            if (key.equals("name")) {
                continue;
            }
            if (key.equals("tasks")) {
                tuples.add(new NodeTuple(t.getKeyNode(), new SequenceNode(Tag.SEQ, List.of(task), FlowStyle.BLOCK)));
            } else {
                tuples.add(t);
            }
        }
        return new MappingNode(Tag.MAP, tuples, FlowStyle.BLOCK);
    }

    private static ScalarNode plain(String value) {
        return new ScalarNode(Tag.STR, value, ScalarStyle.PLAIN);
    }

    private static void check(Node node, String label, Set<String> provided, String task, boolean values,
                              Map<Node, Boolean> seen) {
        if (seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof ScalarNode s) {
            Matcher m = PLACEHOLDER.matcher(s.getValue());
            while (m.find()) {
                if (m.group(2) == null && !provided.contains(m.group(1))) {
                    throw located(s, label, "'${" + m.group(1) + "}' is expanded in the container of task '" + task
                            + "', whose environment does not set " + m.group(1) + ": add it to the task's env, or to "
                            + "its secrets when it is secret, or give a default with ${" + m.group(1) + ":-default}");
                }
            }
            refuseUrlPassword(s, label);
        } else if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                if (values && t.getValueNode() instanceof ScalarNode v) {
                    inlineSecret(key, v, label);
                }
                // secrets: holds references; env: names DeployedTask checks
                check(t.getValueNode(), label, provided, task, values && !key.equals("secrets") && !key.equals("env"),
                        seen);
            }
        } else if (node instanceof SequenceNode q) {
            for (Node child : q.getValue()) {
                check(child, label, provided, task, values, seen);
            }
        }
    }

    /** Refuses a URL with a password in it ({@code redis://user:hunter2@host}). */
    private static void refuseUrlPassword(ScalarNode s, String label) {
        Matcher p = URL_PASSWORD.matcher(s.getValue());
        if (p.find() && !p.group(1).startsWith("${")) {
            throw located(s, label, "this URL holds a password, which would be written into the deployment "
                    + "files; write ${VAR} instead and set VAR from the task's secrets");
        }
    }

    /** Refuses a secret written inline under a key that holds one ({@code password: hunter2}). */
    private static void inlineSecret(String key, ScalarNode value, String label) {
        String text = value.getValue();
        if (key.equalsIgnoreCase("sasl.jaas.config")) {
            Matcher m = JAAS_PASSWORD.matcher(text);
            while (m.find()) {
                if (!m.group(1).isEmpty() && !m.group(1).startsWith("${")) {
                    throw located(value, label, "'" + key + "' holds a password inline, which would be written into "
                            + "the deployment files; write password=\"${VAR}\" and set VAR from the task's secrets");
                }
            }
        } else if (SECRET_KEY.matcher(key).matches() && !text.isBlank() && !PLACEHOLDER.matcher(text).find()) {
            throw located(value, label, "'" + key + "' is written inline, and it would be written into the deployment "
                    + "files; write ${VAR} and set VAR from the task's secrets");
        }
    }

    private static ConfigException located(ScalarNode s, String label, String problem) {
        Mark mark = s.getStartMark().orElse(null);
        ConfigException e = new ConfigException(null, problem);
        return mark == null ? e.locatedAt(label, 0, 0, null)
                : e.locatedAt(label, mark.getLine() + 1, mark.getColumn() + 1, null);
    }

    private static String dump(Node document) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                .setIndicatorIndent(2).setIndentWithIndicator(true).setWidth(120).setSplitLines(false).build();
        StringBuilder sb = new StringBuilder();
        new Dump(settings).dumpNode(document, new StreamDataWriter() {
            @Override
            public void write(String str) {
                sb.append(str);
            }

            @Override
            public void write(String str, int off, int len) {
                sb.append(str, off, off + len);
            }
        });
        return sb.toString();
    }
}
