package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.BuiltInTasks;
import ai.geniusrise.core.spi.DeployTarget;
import ai.geniusrise.core.spi.StreamingEngine;
import ai.geniusrise.core.state.StateManagerProvider;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the settings of a parsed task as written — batch {@code options}, streaming
 * {@code properties}, {@code stateConfig} and {@code deploy} — against the definitions their
 * providers declare ({@link BatchStorage#settings()}, {@link StreamingEngine#properties()},
 * {@link StateManagerProvider#settings()}, {@link BuiltInTasks#settingsFor}, {@link DeployTarget}),
 * so that a mistake a run would hit is reported when the file is loaded, at the line where the
 * value was written: in {@code defaults:} when the task inherited it. A provider that is not on
 * the classpath is not checked here (the command that needs it says it is missing).
 */
final class SettingsCheck {

    /** A value inherited by an input and an output (or by several tasks) is warned of once. */
    private final Set<String> warnings = new LinkedHashSet<>();

    /** Located warnings: passed-through keys the client does not know. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Checks task {@code spec}, built from {@code fields} (its mapping at {@code node} in the file)
     * and defaults {@code d}.
     *
     * @throws ConfigException located at the value at fault
     */
    void check(TaskSpec spec, PipelineNode node, Map<String, PipelineNode> fields, PipelineParser.Defaults d) {
        PipelineNode configNode = fields.get("config");
        Map<String, PipelineNode> config = configNode == null || configNode.isNull() ? Map.of()
                : configNode.mapping(null);
        PipelineNode in = config.get("inputConfig");
        PipelineNode out = config.get("outputConfig");
        boolean bolt = spec.kind() == TaskSpec.Kind.BOLT;

        if (spec.input() instanceof BatchInputConfig input && in != null) {
            Optional<SettingsDef> def = bolt ? BatchStorage.find(input.scheme()).map(BatchStorage::settings)
                    : builtIn(spec);
            def.ifPresent(s -> check(s, merged(bolt && isS3(input.source()) ? d.nodes("s3") : Map.of(),
                    field(in, "options")), in, "options", spec.name()));
        }
        if (spec.input() instanceof StreamingInputConfig && in != null) {
            if (bolt) {
                Optional<StreamingEngine> engine = StreamingEngine.find(spec.input(), spec.output(), false);
                engine.ifPresent(e -> {
                    streamName(e.streamName(), in, "source");
                    check(e.properties(), merged(d.nodes("kafka"), field(in, "properties")), in, "properties",
                            spec.name());
                });
            } else {
                builtIn(spec).ifPresent(s -> check(s, merged(Map.of(), field(in, "properties")), in, "properties",
                        spec.name()));
            }
        }
        if (spec.output() instanceof BatchOutputConfig output && out != null) {
            BatchStorage.find(output.scheme()).ifPresent(s -> check(s.settings(),
                    merged(isS3(output.destination()) ? d.nodes("s3") : Map.of(), field(out, "options")), out,
                    "options", spec.name()));
        }
        if (spec.output() instanceof StreamingOutputConfig && out != null) {
            StreamingEngine.find(spec.input(), spec.output(), !bolt).ifPresent(e -> {
                streamName(e.streamName(), out, "destination");
                check(e.properties(), merged(d.nodes("kafka"), field(out, "properties")), out, "properties",
                        spec.name());
            });
        }
        PipelineNode state = config.get("stateConfig");
        if (state == null || state.isNull()) {
            state = d.fields().get("state");
        }
        if (state != null && !state.isNull()) {
            PipelineNode stateNode = state;
            StateManagerProvider.find(spec.state().type()).ifPresent(p -> {
                Map<String, PipelineNode> values = new LinkedHashMap<>(stateNode.mapping("a stateConfig"));
                values.remove("type");
                check(p.settings(), values, stateNode, "", spec.name());
            });
        }
        deploy(merged(d.nodes("deploy"), fields.get("deploy")), node, spec);
    }

    private static Optional<SettingsDef> builtIn(TaskSpec spec) {
        return spec.className() == null ? BuiltInTasks.settingsFor(spec.kind(), spec.input()) : Optional.empty();
    }

    /**
     * {@code deploy:} against the target it names (keys of the other targets are accepted: a
     * pipeline's defaults may carry both), or, with no target named, each key against the target
     * that declares it.
     */
    private void deploy(Map<String, PipelineNode> values, PipelineNode task, TaskSpec spec) {
        if (values.isEmpty() || DeployTarget.all().isEmpty()) {
            return;
        }
        PipelineNode targetNode = values.get("target");
        String target = targetNode == null || targetNode.isNull() ? null : targetNode.text().trim();
        Settings settings = check(DeployTarget.definitionFor(target), values, task, "deploy", spec.name());
        // with no target named, the rules every target holds (each target checks its own only when named)
        List<DeployTarget> targets = target == null ? DeployTarget.all() : DeployTarget.find(target).stream().toList();
        for (DeployTarget t : targets) {
            try {
                t.check(spec, settings);
            } catch (ConfigException e) {
                throw located(e, values, task, "deploy", spec.name());
            }
        }
    }

    private static void streamName(Setting<String> rule, PipelineNode config, String key) {
        PipelineNode node = config.mapping(null).get(key);
        if (node == null || node.isNull()) {
            return;
        }
        try {
            rule.parse(node.text());
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    /**
     * Reads {@code values} (each at its node) with {@code def}; a mistake is located at the node
     * of its key, or at {@code parent}'s {@code key} for a missing one.
     */
    private Settings check(SettingsDef def, Map<String, PipelineNode> values, PipelineNode parent, String key,
                           String taskName) {
        Map<String, Object> raw = new LinkedHashMap<>();
        values.forEach((k, node) -> {
            if (!node.isNull()) {
                raw.put(k, node.value());
            }
        });
        try {
            return def.parse(raw, "", (k, warning) -> warnings.add(located(values.get(k), taskName, warning)));
        } catch (ConfigException e) {
            throw located(e, values, parent, key, taskName);
        }
    }

    /** {@code e} (its path a key of {@code values}) located at the node of that key, or at {@code parent}'s {@code key}. */
    private static ConfigException located(ConfigException e, Map<String, PipelineNode> values, PipelineNode parent,
                                           String key, String taskName) {
        String at = e.path() == null ? "" : e.path();
        int dot = at.indexOf('.');
        PipelineNode node = values.get(at);
        if (node != null) {
            return node.error(e.problem() + inherited(node, taskName));
        }
        PipelineNode outer = dot > 0 ? values.get(at.substring(0, dot)) : null;
        if (outer != null) {
            // a key inside a mapping value (autoscale.max): at that key when it is written there
            return outer.relocate(new ConfigException(at.substring(dot + 1), e.problem() + inherited(outer, taskName)));
        }
        String relative = key.isEmpty() ? at : key + (at.isEmpty() ? "" : "." + at);
        return parent.relocate(new ConfigException(relative, e.problem(), e.getCause()));
    }

    private static String located(PipelineNode node, String taskName, String message) {
        return node.error(message + inherited(node, taskName)).getMessage();
    }

    /** For a value written in {@code defaults:}, which task inherited it. */
    private static String inherited(PipelineNode node, String taskName) {
        return node.path().startsWith("defaults.") ? " (inherited from defaults by task '" + taskName + "')" : "";
    }

    /** The nodes of {@code base} overridden by those of {@code over}'s mapping; a null value removes a key. */
    private static Map<String, PipelineNode> merged(Map<String, PipelineNode> base, PipelineNode over) {
        Map<String, PipelineNode> out = new LinkedHashMap<>(base);
        if (over != null && !over.isNull()) {
            for (Map.Entry<String, PipelineNode> e : over.mapping(null).entrySet()) {
                if (e.getValue().isNull()) {
                    out.remove(e.getKey());
                } else {
                    out.put(e.getKey(), e.getValue());
                }
            }
        }
        return out;
    }

    private static PipelineNode field(PipelineNode config, String key) {
        return config.mapping(null).get(key);
    }

    private static boolean isS3(String location) {
        return location != null && location.trim().toLowerCase(Locale.ROOT).startsWith("s3://");
    }
}
