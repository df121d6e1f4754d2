package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
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
        Optional<Node> composed;
        try {
            composed = new Compose(LoadSettings.builder().setLabel(file.toString()).build())
                    .composeString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return names;
        }
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
            Node document = document(root, item, pipeline.name());
            Set<String> provided = new java.util.HashSet<>(PROVIDED);
            provided.addAll(spec.deployment().env().keySet());
            provided.addAll(spec.deployment().secrets().keySet());
            check(document, label, provided, spec.name(), new IdentityHashMap<>());
            return dump(document);
        });
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            out.put(pipeline.tasks().get(i).name(), texts.get(i));
        }
        return out;
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

    private static void check(Node node, String label, Set<String> provided, String task, Map<Node, Boolean> seen) {
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
            Matcher p = URL_PASSWORD.matcher(s.getValue());
            if (p.find() && !p.group(1).startsWith("${")) {
                throw located(s, label, "this URL holds a password, which would be written into the deployment "
                        + "files; write ${VAR} instead and set VAR from the task's secrets");
            }
        } else if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                check(t.getValueNode(), label, provided, task, seen);
            }
        } else if (node instanceof SequenceNode q) {
            for (Node child : q.getValue()) {
                check(child, label, provided, task, seen);
            }
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
