package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.TaskArgs;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.OutputConfig;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.spi.SchemaCodec;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.spi.DeployTarget;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses pipeline files into {@link Pipeline}s with located errors. The keys each mapping of
 * the file accepts, and the "did you mean" of an unknown one, come from their declarations in
 * {@link FileKeys}, which also give the tables of {@code docs/pipeline-yaml.md}.
 */
final class PipelineParser {

    /** Task and pipeline names: they name Kubernetes objects and consumer groups. */
    static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);
    static final Pattern CLASS_NAME =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    /** The values {@code deploy.target} takes when no {@link DeployTarget} is on the classpath. */
    static final List<String> TARGETS = List.of("k8s", "ecs");

    private static final Map<String, TaskSpec.Kind> KINDS = choices(TaskSpec.Kind.values(),
            k -> k.name().toLowerCase(Locale.ROOT));
    private static final Map<String, Format> FORMATS = choices(Format.values(), Format::yamlName);
    private static final Map<String, Compression> COMPRESSIONS = choices(Compression.values(), Compression::yamlName);
    /** An input's compressions: snappy and zstd live inside parquet and avro files, which say so themselves. */
    private static final Map<String, Compression> INPUT_COMPRESSIONS = choices(new Compression[] {Compression.NONE,
            Compression.GZIP, Compression.AUTO}, Compression::yamlName);
    private static final Map<String, ErrorPolicy> POLICIES = choices(ErrorPolicy.values(), ErrorPolicy::yamlName);
    private static final Map<String, Guarantee> GUARANTEES = choices(Guarantee.values(), Guarantee::yamlName);
    private static final Map<String, Ordering> ORDERINGS = choices(Ordering.values(), Ordering::yamlName);
    private static final Map<String, BatchInputConfig.Selection> SELECTIONS = choices(
            BatchInputConfig.Selection.values(), BatchInputConfig.Selection::yamlName);
    private static final Map<String, SchemaFormat> SCHEMA_FORMATS = choices(SchemaFormat.values(),
            SchemaFormat::yamlName);
    private static final Map<String, SchemaRegistryConfig.SubjectNameStrategy> SUBJECT_STRATEGIES = choices(
            SchemaRegistryConfig.SubjectNameStrategy.values(), SchemaRegistryConfig.SubjectNameStrategy::yamlName);
    private static final Map<String, Boolean> BOOLEANS = choices(new Boolean[] {true, false}, String::valueOf);
    private static final Map<String, String> FAMILIES = choices(new String[] {"batch", "streaming"}, f -> f);

    private final Path origin;
    private final String file;
    private final Map<String, String> env;
    private final Path folder;
    private final SettingsCheck settingsCheck = new SettingsCheck();

    private PipelineParser(Path origin, Map<String, String> env) {
        this.origin = origin;
        this.file = origin.toString();
        this.env = Map.copyOf(env);
        Path parent = origin.toAbsolutePath().normalize().getParent();
        this.folder = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    static Pipeline parse(String yaml, Path origin, Map<String, String> env) {
        return new PipelineParser(origin, env).parse(yaml);
    }

    // ---------------------------------------------------------------- the document

    private Pipeline parse(String yaml) {
        Node rootNode = compose(yaml);
        PipelineNode root = new PipelineNode(rootNode, "", file, env);
        if (root.isNull()) {
            throw root.error("this is not a pipeline file: it is empty (expected a mapping with a 'tasks' list)");
        }
        if (!root.isMapping()) {
            throw root.error("this is not a pipeline file: expected a mapping with a 'tasks' list at the top, got "
                    + root.describe());
        }
        Map<String, PipelineNode> top = root.mappingOf(FileKeys.TOP);
        PipelineNode version = top.get("version");
        if (version != null) {
            Long v = version.wholeNumber(Long.MIN_VALUE);
            if (v != null && v != 1) {
                throw version.error("unsupported version " + v + ": this geniusrise reads pipeline files of version 1");
            }
        }
        String name = pipelineName(top.get("name"));
        PipelineNode tasksNode = top.get("tasks");
        if (tasksNode == null || tasksNode.isNull()) {
            throw root.error("this is not a pipeline file: it has no 'tasks' list (expected 'tasks:' followed by a "
                    + "list of spouts and bolts)");
        }
        Defaults defaults = top.get("defaults") == null ? Defaults.NONE : defaults(top.get("defaults"));
        List<PipelineNode> taskNodes = tasksNode.sequence("of tasks");
        if (taskNodes.isEmpty()) {
            throw tasksNode.error("expected at least one task, got an empty list");
        }
        List<ParsedTask> tasks = new ArrayList<>();
        Map<String, PipelineNode> names = new HashMap<>();
        for (PipelineNode taskNode : taskNodes) {
            tasks.add(task(taskNode, defaults, names));
        }
        List<String> warnings = new ArrayList<>(settingsCheck.warnings());
        warnings.addAll(PipelineGraph.check(tasks));
        return new Pipeline(name, origin, tasks.stream().map(ParsedTask::spec).toList(), warnings);
    }

    private Node compose(String yaml) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowRecursiveKeys(false)
                .setAllowNonScalarKeys(true) // rejected by PipelineNode.mapping with a location
                .build();
        Optional<Node> node;
        try {
            Iterator<Node> documents = new Compose(settings).composeAllFromString(yaml).iterator();
            node = documents.hasNext() ? Optional.of(documents.next()) : Optional.empty();
            if (documents.hasNext()) {
                Node second = documents.next();
                throw new PipelineNode(second, "", file, env).error("a pipeline file holds one YAML document, "
                        + "but another one starts here; remove the '---' line or split the file");
            }
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            String problem = e.getProblem() == null ? "" : e.getProblem();
            if (problem.contains("\\t(TAB)")) {
                problem = "found a tab character where indentation or a value was expected; indent with spaces, "
                        + "YAML does not allow tabs there";
            }
            String context = e.getContext();
            Mark contextMark = e.getContextMark().orElse(null);
            if (context != null && !context.isBlank() && contextMark != null && contextMark != mark) {
                context += " started at line " + (contextMark.getLine() + 1) + ", column "
                        + (contextMark.getColumn() + 1);
            }
            ConfigException ce = new ConfigException(null, "invalid YAML: " + problem
                    + (context == null || context.isBlank() ? "" : " (" + context + ")"), e);
            throw mark == null ? ce.locatedAt(file, 0, 0, null)
                    : ce.locatedAt(file, mark.getLine() + 1, mark.getColumn() + 1, null);
        } catch (YamlEngineException e) {
            throw new ConfigException(null, "invalid YAML: " + e.getMessage(), e).locatedAt(file, 0, 0, null);
        }
        if (node.isEmpty()) {
            throw new ConfigException(null, "this is not a pipeline file: it is empty (expected a mapping with a "
                    + "'tasks' list)").locatedAt(file, 1, 1, null);
        }
        return node.get();
    }

    private String pipelineName(PipelineNode node) {
        if (node != null && !node.isNull()) {
            String name = node.text().trim();
            if (!NAME.matcher(name).matches()) {
                throw node.error("'" + name + "' is not a valid pipeline name: use 1 to 63 lower-case letters, "
                        + "digits and '-', starting and ending with a letter or digit");
            }
            return name;
        }
        Path fileName = origin.getFileName();
        String base = fileName == null ? "" : fileName.toString();
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        String name = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("-+$", "");
        }
        return name.isEmpty() ? "pipeline" : name;
    }

    // ---------------------------------------------------------------- defaults

    /** What {@code defaults:} gives every task; maps hold no null values. */
    record Defaults(String image, String bootstrapServers, Map<String, String> kafkaProperties,
                    Map<String, String> s3, StateConfig state, ErrorPolicy errors, Map<String, Object> deploy,
                    Map<String, String> resources, Map<String, String> env, Map<String, String> secrets,
                    Map<String, PipelineNode> fields) {

        static final Defaults NONE = new Defaults(null, null, Map.of(), Map.of(), null, null, Map.of(), Map.of(),
                Map.of(), Map.of(), Map.of());

        /** The nodes of the mapping {@code defaults.<key>} (or of {@code defaults.kafka.properties}), by key. */
        Map<String, PipelineNode> nodes(String key) {
            PipelineNode node = fields.get(key);
            if (node != null && key.equals("kafka") && !node.isNull()) {
                node = node.mappingOf(FileKeys.KAFKA).get("properties");
            }
            return node == null || node.isNull() ? Map.of() : node.mapping(null);
        }
    }

    private Defaults defaults(PipelineNode node) {
        if (node.isNull()) {
            return Defaults.NONE;
        }
        Map<String, PipelineNode> f = node.mappingOf(FileKeys.DEFAULTS_KEYS);
        String bootstrap = null;
        Map<String, String> kafkaProperties = Map.of();
        PipelineNode kafka = f.get("kafka");
        if (kafka != null && !kafka.isNull()) {
            Map<String, PipelineNode> k = kafka.mappingOf(FileKeys.KAFKA);
            bootstrap = text(k, "bootstrapServers");
            kafkaProperties = textMap(k.get("properties"), "Kafka client properties");
        }
        PipelineNode state = f.get("state");
        return new Defaults(
                text(f, "image"),
                bootstrap,
                merge(Map.of(), kafkaProperties),
                merge(Map.of(), textMap(f.get("s3"), "S3 options")),
                state == null || state.isNull() ? null : state(state),
                policy(f.get("errors")),
                merge(Map.of(), deploySettings(f.get("deploy"))),
                merge(Map.of(), textMap(f.get("resources"), "resources")),
                merge(Map.of(), textMap(f.get("env"), "environment variables")),
                merge(Map.of(), textMap(f.get("secrets"), "secret references")),
                f);
    }

    // ---------------------------------------------------------------- tasks

    /** A task built from the file, with the node it came from. */
    record ParsedTask(TaskSpec spec, PipelineNode node) {
    }

    private ParsedTask task(PipelineNode taskNode, Defaults d, Map<String, PipelineNode> names) {
        Map<String, PipelineNode> f = taskNode.mappingOf(FileKeys.TASK);
        // what the task's env: sets is set in its container, so its own placeholders may use it; a variable
        // of its secrets: keeps what the environment gives (the deploy commands: a stand-in, never a value)
        Map<String, String> own = new HashMap<>(merge(d.env(), textMap(f.get("env"), "environment variables")));
        own.keySet().removeAll(merge(d.secrets(), textMap(f.get("secrets"), "secret references")).keySet());
        PipelineNode node = taskNode.withVariables(own);
        f = node.mappingOf(FileKeys.TASK);
        if (f.get("concurrency") != null) {
            // recognised so that the message can say where it goes
            throw f.get("concurrency").error("concurrency is a key of config.inputConfig (type: streaming): the "
                    + "consumer-group members one process runs; scale processes with replicas");
        }
        PipelineNode nameNode = f.get("name");
        if (nameNode == null) {
            throw node.missing("name", "a task name of lower-case letters, digits and '-'");
        }
        String name = nameNode.requiredText("a task name of lower-case letters, digits and '-'").trim();
        PipelineNode first = names.get(name);
        if (first != null) {
            throw nameNode.error("duplicate task name '" + name + "': " + first.path() + " (line "
                    + first.node().getStartMark().map(m -> m.getLine() + 1).orElse(0) + ") has it too");
        }
        names.put(name, nameNode);
        PipelineNode typeNode = f.get("type");
        if (typeNode == null) {
            throw node.missing("type", "spout or bolt");
        }
        TaskSpec.Kind kind = typeNode.oneOf(KINDS);
        if (kind == null) {
            throw typeNode.error("expected one of spout, bolt, got nothing");
        }

        InputConfig input = null;
        OutputConfig output = null;
        StateConfig state = d.state() == null ? StateConfig.IN_MEMORY : d.state();
        PipelineNode config = f.get("config");
        if (config != null && !config.isNull()) {
            Map<String, PipelineNode> c = config.mappingOf(FileKeys.CONFIG_KEYS);
            input = input(c.get("inputConfig"), kind, d);
            output = output(c.get("outputConfig"), d);
            PipelineNode stateNode = c.get("stateConfig");
            if (stateNode != null && !stateNode.isNull()) {
                state = state(stateNode);
            }
        }

        String deadLetter = text(f, "deadLetter");
        if (deadLetter != null && output instanceof BatchOutputConfig) {
            deadLetter = location(f.get("deadLetter"), deadLetter);
        }
        ErrorPolicy errors = policy(f.get("errors"));
        PipelineNode args = f.get("args");
        TaskSpec.Builder b = TaskSpec.builder(name, kind)
                .className(className(f.get("class")))
                .input(input)
                .output(output)
                .state(state)
                .args(args == null || args.isNull() ? TaskArgs.empty() : TaskArgs.of(valueMap(args, "task arguments")))
                .errors(errors != null ? errors : d.errors() != null ? d.errors() : ErrorPolicy.FAIL)
                .deadLetter(deadLetter)
                .guarantee(guarantee(f.get("guarantee")))
                .deployment(deployment(f, d))
                .locator(new TaskLocator(node));
        TaskSpec spec;
        try {
            spec = b.build();
        } catch (ConfigException e) {
            throw node.relocate(e);
        }
        settingsCheck.check(spec, node, f, d);
        return new ParsedTask(spec, node);
    }

    private TaskSpec.Deployment deployment(Map<String, PipelineNode> f, Defaults d) {
        String image = text(f, "image");
        PipelineNode schedule = f.get("schedule");
        return new TaskSpec.Deployment(
                image != null ? image : d.image(),
                integer(f.get("replicas"), 0),
                schedule == null ? null : schedule(schedule),
                integer(f.get("parallelism"), 1),
                merge(d.resources(), textMap(f.get("resources"), "resources")),
                merge(d.env(), textMap(f.get("env"), "environment variables")),
                merge(d.secrets(), textMap(f.get("secrets"), "secret references")),
                merge(d.deploy(), deploySettings(f.get("deploy"))));
    }

    private static String className(PipelineNode node) {
        String text = node == null ? null : node.text();
        if (text == null || text.isBlank()) {
            return null;
        }
        String name = text.trim();
        if (!CLASS_NAME.matcher(name).matches()) {
            throw node.error("expected a fully qualified Java class name such as com.acme.ClickCleaner, got '"
                    + text + "'");
        }
        return name;
    }

    /** {@code deploy:} as a map, its {@code target} checked. */
    private static Map<String, Object> deploySettings(PipelineNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        PipelineNode target = node.mapping("deployment settings").get("target");
        if (target != null && !target.isNull()) {
            String value = target.text();
            List<String> targets = DeployTarget.all().stream().map(DeployTarget::target).toList();
            if (targets.isEmpty()) {
                targets = TARGETS;
            }
            if (!targets.contains(value.trim())) {
                String near = PipelineNode.nearest(value.trim(), targets);
                throw target.error("unknown deploy target '" + value + "'; expected one of " + String.join(", ", targets)
                        + (near == null ? "" : " (did you mean '" + near + "'?)"));
            }
        }
        return valueMap(node, "deployment settings");
    }

    private static CronSchedule schedule(PipelineNode node) {
        String text = node.text();
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return CronSchedule.parse(text);
        } catch (ConfigException e) {
            throw node.error(e.problem());
        }
    }

    // ---------------------------------------------------------------- configs

    /** The {@code type} of an input or output config: batch or streaming. */
    private static String family(PipelineNode node, String what) {
        Map<String, PipelineNode> raw = node.mapping(what);
        PipelineNode type = raw.get("type");
        if (type == null) {
            throw node.missing("type", "batch or streaming");
        }
        String family = type.oneOf(FAMILIES);
        if (family == null) {
            throw type.error("expected one of batch, streaming, got nothing");
        }
        return family;
    }

    private InputConfig input(PipelineNode node, TaskSpec.Kind kind, Defaults d) {
        if (node == null || node.isNull()) {
            return null;
        }
        // A spout's input is its external source: passed through as written, without defaults.
        boolean bolt = kind == TaskSpec.Kind.BOLT;
        String family = family(node, "an inputConfig");
        try {
            if (family.equals("batch")) {
                Map<String, PipelineNode> f = node.mappingOf(FileKeys.BATCH_INPUT);
                String source = text(f, "source");
                if (bolt) {
                    source = location(f.get("source"), source);
                }
                BatchInputConfig.Builder b = BatchInputConfig.builder(source);
                Format format = oneOf(f, "format", FORMATS);
                if (format != null) {
                    b.format(format);
                }
                Compression compression = oneOf(f, "compression", INPUT_COMPRESSIONS);
                if (compression != null) {
                    b.compression(compression);
                }
                b.glob(text(f, "glob"));
                Integer parallelism = integer(f.get("parallelism"), Integer.MIN_VALUE);
                if (parallelism != null) {
                    b.parallelism(parallelism);
                }
                b.select(oneOf(f, "select", SELECTIONS));
                if (f.get("checkpointInterval") != null) {
                    b.checkpointInterval(f.get("checkpointInterval").duration());
                }
                Long checkpointRecords = f.get("checkpointRecords") == null ? null
                        : f.get("checkpointRecords").wholeNumber(Long.MIN_VALUE);
                if (checkpointRecords != null) {
                    b.checkpointRecords(checkpointRecords);
                }
                Map<String, String> s3 = bolt && isS3(source) ? d.s3() : Map.of();
                b.options(merge(s3, fileOptions(f.get("options"))));
                return b.build();
            }
            Map<String, PipelineNode> f = node.mappingOf(FileKeys.STREAMING_INPUT);
            String bootstrap = text(f, "bootstrapServers");
            PipelineNode commitInterval = f.get("commitInterval");
            return StreamingInputConfig.builder(text(f, "source"))
                    .bootstrapServers(bootstrap == null && bolt ? d.bootstrapServers() : bootstrap)
                    .groupId(text(f, "groupId"))
                    .commitInterval(commitInterval == null ? null : commitInterval.duration())
                    .commitRecords(f.get("commitRecords") == null ? null
                            : f.get("commitRecords").wholeNumber(Long.MIN_VALUE))
                    .concurrency(integer(f.get("concurrency"), Integer.MIN_VALUE))
                    .ordering(oneOf(f, "ordering", ORDERINGS))
                    .maxInFlight(integer(f.get("maxInFlight"), Integer.MIN_VALUE))
                    .properties(merge(bolt ? d.kafkaProperties() : Map.of(),
                            textMap(f.get("properties"), "Kafka client properties")))
                    .keyFormat(schemaFormat(f, "keyFormat"))
                    .valueFormat(schemaFormat(f, "valueFormat"))
                    .schemaRegistry(schemaRegistry(f.get("schemaRegistry")))
                    .build();
        } catch (ConfigException e) {
            if (e.file() != null) {
                throw e;
            }
            throw node.relocate(e);
        }
    }

    private OutputConfig output(PipelineNode node, Defaults d) {
        if (node == null || node.isNull()) {
            return null;
        }
        String family = family(node, "an outputConfig");
        try {
            if (family.equals("batch")) {
                Map<String, PipelineNode> f = node.mappingOf(FileKeys.BATCH_OUTPUT);
                String destination = location(f.get("destination"), text(f, "destination"));
                BatchOutputConfig.Builder b = BatchOutputConfig.builder(destination);
                Format format = oneOf(f, "format", FORMATS);
                if (format != null) {
                    b.format(format);
                }
                Compression compression = oneOf(f, "compression", COMPRESSIONS);
                if (compression != null) {
                    b.compression(compression);
                }
                b.partitionBy(text(f, "partitionBy"));
                Long records = f.get("maxRecordsPerPart") == null ? null
                        : f.get("maxRecordsPerPart").wholeNumber(Long.MIN_VALUE);
                if (records != null) {
                    b.maxRecordsPerPart(records);
                }
                Long bytes = f.get("maxBytesPerPart") == null ? null : f.get("maxBytesPerPart").size();
                if (bytes != null) {
                    b.maxBytesPerPart(bytes);
                }
                if (f.get("flushInterval") != null) {
                    b.flushInterval(f.get("flushInterval").duration());
                }
                Map<String, String> s3 = isS3(destination) ? d.s3() : Map.of();
                b.options(merge(s3, fileOptions(f.get("options"))));
                return b.build();
            }
            Map<String, PipelineNode> f = node.mappingOf(FileKeys.STREAMING_OUTPUT);
            String bootstrap = text(f, "bootstrapServers");
            StreamingOutputConfig out = StreamingOutputConfig.builder(text(f, "destination"))
                    .bootstrapServers(bootstrap == null ? d.bootstrapServers() : bootstrap)
                    .keyField(text(f, "keyField"))
                    .properties(merge(d.kafkaProperties(), textMap(f.get("properties"), "Kafka client properties")))
                    .keyFormat(schemaFormat(f, "keyFormat"))
                    .valueFormat(schemaFormat(f, "valueFormat"))
                    .keySchema(schemaText(f.get("keySchema")))
                    .valueSchema(schemaText(f.get("valueSchema")))
                    .keyMessageType(text(f, "keyMessageType"))
                    .valueMessageType(text(f, "valueMessageType"))
                    .schemaRegistry(schemaRegistry(f.get("schemaRegistry")))
                    .build();
            compiles(f, "key", out.keyFormat(), out.keySchema(), out.keyMessageType());
            compiles(f, "value", out.valueFormat(), out.valueSchema(), out.valueMessageType());
            return out;
        } catch (ConfigException e) {
            if (e.file() != null) {
                throw e;
            }
            throw node.relocate(e);
        }
    }

    /**
     * A {@code keyFormat} or {@code valueFormat}; one served by a module of its own (protobuf) only
     * when that module is on the classpath, as a run would need it.
     */
    private static SchemaFormat schemaFormat(Map<String, PipelineNode> fields, String key) {
        SchemaFormat format = oneOf(fields, key, SCHEMA_FORMATS);
        if (format == SchemaFormat.PROTOBUF) {
            try {
                SchemaCodec.forFormat(format, key);
            } catch (ConfigException e) {
                throw fields.get(key).error(e.problem());
            }
        }
        return format;
    }

    /**
     * Checks that a key or value schema of a format served by a module of its own compiles, so
     * that {@code validate} reports a mistake in a {@code .proto} file at the key naming it.
     */
    private static void compiles(Map<String, PipelineNode> fields, String side, SchemaFormat format, String schema,
                                 String messageType) {
        if (schema == null || format != SchemaFormat.PROTOBUF) {
            return;
        }
        try {
            SchemaCodec.forFormat(format, side + "Format").compile(schema, messageType);
        } catch (ConfigException e) {
            PipelineNode at = fields.get(side + "Schema");
            boolean inline = StreamingOutputConfig.isInlineSchema(at.text());
            if (messageType != null && e.problem().contains("'" + messageType + "'")) {
                at = fields.get(side + "MessageType");
            }
            throw at.error((inline ? "this inline " + format.yamlName() + " schema" : "the " + format.yamlName()
                    + " schema in " + at.text().trim()) + " is not valid: " + e.problem());
        }
    }

    /** A {@code schemaRegistry} mapping: {@code url}, {@code subjectNameStrategy}, {@code autoRegister}. */
    private static SchemaRegistryConfig schemaRegistry(PipelineNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNull()) {
            return SchemaRegistryConfig.DEFAULT;
        }
        Map<String, PipelineNode> f = node.mappingOf(FileKeys.SCHEMA_REGISTRY);
        Boolean autoRegister = oneOf(f, "autoRegister", BOOLEANS);
        try {
            return new SchemaRegistryConfig(text(f, "url"), oneOf(f, "subjectNameStrategy", SUBJECT_STRATEGIES),
                    autoRegister == null || autoRegister);
        } catch (ConfigException e) {
            throw f.get("url") != null ? f.get("url").error(e.problem()) : node.relocate(e);
        }
    }

    /**
     * Writes an inline schema as JSON; made on first use: Jackson's databind (about 300 classes) is
     * not loaded by a pipeline that has no inline schema, on every task's way to its first record.
     */
    private static final class SchemaJson {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /**
     * A key or value schema as text: written inline (a mapping, text starting with <code>{</code>,
     * or text of several lines), or the path of a schema file, relative to the pipeline file's folder.
     */
    private String schemaText(PipelineNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isMapping()) {
            try {
                return SchemaJson.MAPPER.writeValueAsString(node.value());
            } catch (JsonProcessingException e) {
                throw node.error("cannot write this schema as JSON: " + e.getOriginalMessage());
            }
        }
        String text = node.text();
        if (text == null || text.isBlank() || StreamingOutputConfig.isInlineSchema(text)) {
            return text;
        }
        Path file = Path.of(location(node, text));
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw node.error("schema file " + file + " does not exist (expected the schema inline, starting with '{' or "
                    + "of several lines, or the path of a schema file, relative to the pipeline file)");
        } catch (IOException e) {
            throw node.error("cannot read the schema file " + file + ": " + e.getMessage());
        }
    }

    /** A state config: {@code type} plus any other keys as text properties. */
    private static StateConfig state(PipelineNode node) {
        Map<String, PipelineNode> f = node.mapping("a stateConfig");
        PipelineNode type = f.get("type");
        if (type == null) {
            throw node.missing("type", "the state backend: memory, file, redis, postgres or dynamodb");
        }
        Map<String, String> properties = new LinkedHashMap<>(textMap(node, "a stateConfig"));
        properties.remove("type");
        properties.values().removeIf(v -> v == null);
        try {
            return new StateConfig(type.text(), properties);
        } catch (ConfigException e) {
            throw node.relocate(e);
        }
    }

    private static Guarantee guarantee(PipelineNode node) {
        Guarantee g = node == null ? null : node.oneOf(GUARANTEES);
        return g == null ? Guarantee.AT_LEAST_ONCE : g;
    }

    private static ErrorPolicy policy(PipelineNode node) {
        return node == null ? null : node.oneOf(POLICIES);
    }

    /**
     * A batch location as the configs get it: a relative path (no scheme, not absolute) is
     * resolved against the pipeline file's folder into a plain absolute path.
     */
    private String location(PipelineNode node, String location) {
        if (location == null || location.isBlank() || SCHEME.matcher(location.trim()).matches()) {
            return location;
        }
        try {
            Path path = Path.of(location.trim());
            return path.isAbsolute() ? path.normalize().toString() : folder.resolve(path).normalize().toString();
        } catch (InvalidPathException e) {
            throw node.error("'" + location + "' is not a valid path: " + e.getReason());
        }
    }

    /**
     * A batch input's or output's options, those naming a file ({@code schemaFile}, the parquet and
     * avro formats' schema) resolved against the pipeline file's folder like the locations.
     */
    private Map<String, String> fileOptions(PipelineNode node) {
        Map<String, String> options = textMap(node, "options");
        String schemaFile = options.get("schemaFile");
        if (schemaFile == null || schemaFile.isBlank()) {
            return options;
        }
        PipelineNode at = node.mapping("options").get("schemaFile");
        String file = location(at, schemaFile);
        // generate writes the file's text into the task's pipeline file, and run reads it when the output opens
        if (!SCHEME.matcher(file.trim()).matches() && !Files.isReadable(Path.of(file))) {
            throw at.error("cannot read the Avro schema file '" + schemaFile + "': no such file (" + file + ")");
        }
        Map<String, String> resolved = new LinkedHashMap<>(options);
        resolved.put("schemaFile", file);
        return resolved;
    }

    private static boolean isS3(String location) {
        return location != null && location.trim().toLowerCase(Locale.ROOT).startsWith("s3://");
    }

    // ---------------------------------------------------------------- small readers

    private static String text(Map<String, PipelineNode> fields, String key) {
        PipelineNode node = fields.get(key);
        return node == null ? null : node.text();
    }

    private static Integer integer(PipelineNode node, int min) {
        return node == null ? null : node.integer(min);
    }

    private static <E> E oneOf(Map<String, PipelineNode> fields, String key, Map<String, E> choices) {
        PipelineNode node = fields.get(key);
        return node == null ? null : node.oneOf(choices);
    }

    private static Map<String, String> textMap(PipelineNode node, String what) {
        return node == null || node.isNull() ? Map.of() : node.textMap(what);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> valueMap(PipelineNode node, String what) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        node.mapping(what);
        return (Map<String, Object>) node.value();
    }

    /** {@code base} overridden key by key by {@code over}; a {@code null} value in {@code over} removes the key. */
    static <T> Map<String, T> merge(Map<String, T> base, Map<String, T> over) {
        Map<String, T> out = new LinkedHashMap<>(base);
        for (Map.Entry<String, T> e : over.entrySet()) {
            if (e.getValue() == null) {
                out.remove(e.getKey());
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The values a key accepts, by their name in pipeline files, in declaration order. */
    private static <T> Map<String, T> choices(T[] values, Function<T, String> name) {
        Map<String, T> m = new LinkedHashMap<>();
        for (T v : values) {
            m.put(name.apply(v), v);
        }
        return m;
    }
}
