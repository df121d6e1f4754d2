package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Guarantee;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.config.SchemaRegistryConfig;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.SettingsDef;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys of the pipeline file itself — top level, {@code defaults}, a task, its {@code config},
 * each kind of input and output, a {@code schemaRegistry} — declared once, with the settings model
 * of adapters ({@link SettingsDef}). {@link PipelineParser} takes the keys each mapping accepts,
 * and its "did you mean", from these definitions; the tables of {@code docs/pipeline-yaml.md} are
 * generated from them ({@link Pipeline#fileKeys()}). The parser reads the values itself (it
 * resolves paths, merges defaults and locates each mistake); a value's grammar is the one its
 * setting names.
 */
final class FileKeys {

    private static final Compression[] INPUT_COMPRESSIONS = {Compression.NONE, Compression.GZIP, Compression.AUTO};
    private static final Compression[] OUTPUT_COMPRESSIONS = Arrays.stream(Compression.values())
            .filter(c -> c != Compression.AUTO).toArray(Compression[]::new);

    private static final List<String> SCHEMA_FORMATS = names(SchemaFormat.values(), SchemaFormat::yamlName);
    private static final List<String> SUBJECT_STRATEGIES = names(SchemaRegistryConfig.SubjectNameStrategy.values(),
            SchemaRegistryConfig.SubjectNameStrategy::yamlName);
    private static final List<String> SELECTIONS = names(BatchInputConfig.Selection.values(),
            BatchInputConfig.Selection::yamlName);
    private static final List<String> KINDS = names(TaskSpec.Kind.values(), k -> k.name().toLowerCase(Locale.ROOT));

    /** The {@code type} of an input or output: batch or streaming; it chooses the other keys. */
    static final Setting<String> FAMILY = Setting.oneOf("type", List.of("batch", "streaming"),
            "`batch` or `streaming`: chooses the other keys of the config (the tables of both types).")
            .required();

    // ---------------------------------------------------------------- the top level

    static final Setting<String> VERSION = Setting.oneOf("version", List.of("1"),
            "The file format version. Only `1` exists; anything else is an error.")
            .withDefaultDescribed("`1`");
    static final Setting<String> PIPELINE_NAME = name("name",
            "The pipeline's name. Same rules as task names. When absent, the file name without its "
            + "extension, lower-cased, with every run of other characters turned into `-` "
            + "(`My_Clicks.v2.yaml` → `my-clicks-v2`).")
            .withDefaultDescribed("the file's base name");
    static final Setting<Object> DEFAULTS = Setting.nested("defaults", "a mapping: the keys of defaults",
            "Settings every task inherits; see [Defaults](#defaults).");
    static final Setting<Object> TASKS = Setting.nested("tasks", "a list of tasks",
            "At least one task; see [Tasks](#tasks).")
            .required();


    // ---------------------------------------------------------------- defaults

    static final Setting<String> DEFAULT_IMAGE = Setting.string("image",
            "Each task's `image` when the task sets none.");
    static final Setting<Object> DEFAULT_KAFKA = Setting.nested("kafka", "a mapping: bootstrapServers, properties",
            "The Kafka settings of every streaming config; see the next table.");
    static final Setting<Map<String, String>> DEFAULT_S3 = Setting.map("s3",
            "Merged under the `options` of every batch config whose location starts with `s3://` (bolt inputs "
            + "and all outputs): `region`, `endpoint`, any of the [S3 options](#s3-options).");
    static final Setting<Object> DEFAULT_STATE = Setting.nested("state", "a stateConfig",
            "Each task's `config.stateConfig` when the task sets none (replaced whole, never merged: properties "
            + "of one backend mean nothing to another); see [stateConfig](#stateconfig).");
    static final Setting<String> DEFAULT_ERRORS = Setting.oneOf("errors",
            names(ErrorPolicy.values(), ErrorPolicy::yamlName), "Each task's `errors`.");
    static final Setting<Object> DEFAULT_DEPLOY = Setting.nested("deploy", "a mapping of any values",
            "Merged under each task's `deploy`.");
    static final Setting<Map<String, String>> DEFAULT_RESOURCES = Setting.map("resources",
            "Merged under each task's `resources`.");
    static final Setting<Map<String, String>> DEFAULT_ENV = Setting.map("env", "Merged under each task's `env`.");
    static final Setting<Map<String, String>> DEFAULT_SECRETS = Setting.map("secrets",
            "Merged under each task's `secrets`.");
    static final Setting<String> KAFKA_BOOTSTRAP = Setting.string("bootstrapServers",
            "`bootstrapServers` of every streaming output, and of the streaming inputs of bolts, when they set "
            + "none.");
    static final Setting<Map<String, String>> KAFKA_PROPERTIES = Setting.map("properties",
            "Merged under the `properties` of the same configs (the config's keys win).");

    // ---------------------------------------------------------------- a task

    static final Setting<String> TASK_NAME = name("name",
            "Unique in the pipeline.")
            .required();
    static final Setting<String> KIND = Setting.oneOf("type", KINDS,
            "A spout reads an external source; a bolt reads what the pipeline stores (S3, files, "
            + "Kafka).")
            .required();
    static final Setting<String> CLASS = Setting.string("class",
            "The task's class, fully qualified (`com.acme.ClickCleaner`, `com.acme.Outer$Inner`). A "
            + "spout may leave it out when a [built-in spout](#built-in-spouts) serves its "
            + "`inputConfig` (`tcp://0.0.0.0:9000`, `http://0.0.0.0:8080/events`, `https://...`, a "
            + "path, a topic); `validate`, `generate`, `apply` and `run` report a located error at "
            + "`inputConfig.source`, listing the built-in source forms, when none does. A bolt without "
            + "`class:` is a [pass-through bolt](#a-bolt-without-class).")
            .check(c -> PipelineParser.CLASS_NAME.matcher(c).matches(),
            "a fully qualified Java class name such as com.acme.ClickCleaner")
            .withDefaultDescribed("the built-in spout serving the source");
    static final Setting<String> IMAGE = Setting.string("image",
            "The container image.")
            .withDefaultDescribed("`defaults.image`");
    static final Setting<Integer> REPLICAS = Setting.integer("replicas", 0, Integer.MAX_VALUE,
            "Streaming: members of the consumer group. More than 1 on a batch task is an error at "
            + "the key (`is for streaming tasks; ... use parallelism`).")
            .withDefaultDescribed("not set");
    static final Setting<Object> TASK_CONCURRENCY = Setting.nested("concurrency", "nothing: see the description",
            "Not a task key: an error pointing to "
            + "[`inputConfig.concurrency`](#inputconfig-type-streaming), the consumer-group members "
            + "per process of a bolt reading Kafka.");
    static final Setting<Integer> PARALLELISM = Setting.integer("parallelism", 1, Integer.MAX_VALUE,
            "Batch: pods of the indexed job sharing the input's objects. More than 1 on a streaming "
            + "task is an error at the key (`... use replicas`).")
            .withDefaultDescribed("not set");
    static final Setting<String> SCHEDULE = Setting.string("schedule",
            "Batch: when to run. Five fields (`minute hour day-of-month month day-of-week`, e.g. "
            + "`\"*/15 * * * *\"` — quote it, `*` starts a YAML alias) or one of `@yearly`, "
            + "`@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`. Each field is "
            + "`*`, a number in its range (minute 0–59, hour 0–23, day-of-month 1–31, month 1–12 or "
            + "`JAN`–`DEC`, day-of-week 0–7 or `SUN`–`SAT`, 0 and 7 both Sunday), a range `a-b`, "
            + "either with a step `/n`, or a comma-separated list of those. A task whose input is "
            + "streaming runs continuously and cannot have a schedule (an error).")
            .check(FileKeys::isCron, "a cron schedule: five fields, or @daily and the like")
            .withDefaultDescribed("not set (run once)");
    static final Setting<Object> ARGS = Setting.nested("args", "a mapping of any values",
            "Arguments for the task class (`TaskArgs`). Values keep their YAML types: whole numbers "
            + "become `Integer` (or `Long`, or `BigInteger` when larger), decimals `Double`, "
            + "`true`/`false` `Boolean`, empty or `~` `null`, mappings `Map`, lists `List`; quoted "
            + "values and `!!str` stay text (`\"007\"`), and so do `yes`, `no`, `on`, `off` (YAML 1.2).")
            .withDefaultDescribed("empty");
    static final Setting<Map<String, String>> RESOURCES = Setting.map("resources",
            "Kubernetes/ECS resources, e.g. `{cpu: 500m, memory: 512Mi}`.")
            .withDefaultDescribed("`defaults.resources`");
    static final Setting<Map<String, String>> ENV = Setting.map("env",
            "Environment variables of the container.")
            .withDefaultDescribed("`defaults.env`");
    static final Setting<Map<String, String>> SECRETS = Setting.map("secrets",
            "Environment variable → secret reference (`secret-name/key`); never a value.")
            .withDefaultDescribed("`defaults.secrets`");
    static final Setting<String> ERRORS = Setting.oneOf("errors", names(ErrorPolicy.values(), ErrorPolicy::yamlName),
            "What happens to a record that cannot be decoded or processed.")
            .withDefaultDescribed("`defaults.errors`, else `fail`");
    static final Setting<String> DEAD_LETTER = Setting.string("deadLetter",
            "Where dead letters go: a location when the output is batch (relative paths resolved, "
            + "see [Locations](#locations)), a topic when it is streaming. A missing topic is created "
            + "holding records at least as large as the input topic's (`max.message.bytes` + 64 KiB "
            + "for the headers) and the producer's `max.request.size`; a dead letter that still does "
            + "not fit (an existing, smaller topic) is sent with its value cut to fit and the headers "
            + "`geniusrise.value.truncated: true` and `geniusrise.value.bytes`, and the task goes on.")
            .withDefaultDescribed("`<destination>/_dead-letter` (batch), `<topic>.dlq` (streaming)");
    static final Setting<String> GUARANTEE = Setting.oneOf("guarantee", names(Guarantee.values(), Guarantee::yamlName),
            "Streaming delivery. `at_least_once`: an input offset is committed only after every "
            + "record produced from it is acknowledged by Kafka; a crash loses nothing and may repeat "
            + "what was processed since the last commit: at most `commitRecords` input records (and at "
            + "most one `commitInterval`'s worth) per crashed consumer-group member. `exactly_once`: "
            + "only for a bolt reading and writing Kafka; output records and input offsets are "
            + "committed in one Kafka transaction every `commitInterval` at the latest, and sooner "
            + "when the bolt has caught up with its input (then a record is visible to "
            + "`read_committed` consumers within about one commit's time, whatever the interval), so "
            + "`read_committed` consumers see each result once. Anything else is an error at the key.")
            .withDefaultDescribed("`at_least_once`");
    static final Setting<Object> DEPLOY = Setting.nested("deploy", "a mapping of any values",
            "Settings for the task manager, e.g. `{target: k8s, namespace: pipelines, nodeSelector: "
            + "{pool: spot}}`, passed to it as `TaskSpec.Deployment.target`. `target` is `k8s` or "
            + "`ecs` (anything else is an error here); every other key is listed in "
            + "[deploy.md](deploy.md#deploy-options-deploy) and checked by `geniusrise "
            + "generate`/`apply` (unknown keys are errors there). `autoscale: {min, max, lagPerReplica}` "
            + "scales a bolt reading Kafka on its consumer lag instead of `replicas` "
            + "([deploy.md](deploy.md#autoscaling-on-consumer-lag-deployautoscale)); a mapping value such as "
            + "`autoscale` is inherited from `defaults.deploy` whole, not merged key by key.")
            .withDefaultDescribed("`defaults.deploy`");
    static final Setting<Object> CONFIG = Setting.nested("config", "a mapping: inputConfig, outputConfig, stateConfig",
            "`inputConfig` and `outputConfig` (both required) and `stateConfig` (optional).")
            .required();


    // ---------------------------------------------------------------- a task's config

    static final Setting<Object> INPUT_CONFIG = Setting.nested("inputConfig", "a mapping; its type chooses its keys",
            "Where the task reads. Its `type` (`batch` or `streaming`, required) chooses the keys below.")
            .required();
    static final Setting<Object> OUTPUT_CONFIG = Setting.nested("outputConfig",
            "a mapping; its type chooses its keys",
            "Where the task writes. Its `type` (`batch` or `streaming`, required) chooses the keys below.")
            .required();
    static final Setting<Object> STATE_CONFIG = Setting.nested("stateConfig",
            "a mapping: type and the backend's settings", "The state backend; see [stateConfig](#stateconfig).")
            .withDefaultDescribed("`defaults.state`, else `{type: memory}`");

    // ---------------------------------------------------------------- inputConfig, type: batch

    static final Setting<String> SOURCE = Setting.string("source",
            "What to read: `s3://bucket/prefix`, `file:///dir`, or a path. May hold [date-time "
            + "fields](#date-time-fields), e.g. `s3://lake/raw/dt={yyyy-MM-dd}/hour={HH}`.")
            .required();
    static final Setting<String> FORMAT = Setting.oneOf("format", names(Format.values(), Format::yamlName),
            "How objects are decoded into records. `parquet`, `avro`: see [Parquet and "
            + "Avro](#parquet-and-avro).")
            .withDefaultDescribed("`jsonl`");
    static final Setting<String> INPUT_COMPRESSION = Setting.oneOf("compression",
            names(INPUT_COMPRESSIONS, Compression::yamlName),
            "`auto`: gzip for names ending in `.gz`. Parquet and avro files say their own "
            + "compression; this key does not apply to them.")
            .withDefaultDescribed("`auto`");
    static final Setting<String> GLOB = Setting.string("glob",
            "Only objects whose name relative to `source` matches, e.g. `\"*.gz\"`, `\"**/*.csv\"`.")
            .withDefaultDescribed("all objects");
    static final Setting<Integer> READ_PARALLELISM = Setting.integer("parallelism", 1, Integer.MAX_VALUE,
            "Objects read at once. A bolt writing a stream reads one object at a time.")
            .withDefaultDescribed("processors");
    static final Setting<String> SELECT = Setting.oneOf("select", SELECTIONS,
            "Bolts only. `new`: only the objects that no earlier successful run of the task read, "
            + "remembered in the task's state (`stateConfig`, keys `input/done/<object location>`); an "
            + "object is remembered once the run's output is committed (batch output) or once Kafka "
            + "acknowledged all its records (streaming output), so a failed run marks nothing it did "
            + "not finish. An object rewritten under the same name is not read again. With `type: "
            + "memory` state nothing outlives the process (a warning says so). `all`: every object, at "
            + "every run.")
            .withDefaultDescribed("`all`; `new` for a bolt writing a stream");
    static final Setting<java.time.Duration> CHECKPOINT_INTERVAL = Setting.duration("checkpointInterval",
            "Bolts writing a stream only (S3 → Kafka): how often the position reached inside the "
            + "object being sent is checkpointed in the task's state, after every record sent so far "
            + "is acknowledged; a restarted run skips what was checkpointed.")
            .withDefaultDescribed("`5s`");
    static final Setting<Integer> CHECKPOINT_RECORDS = Setting.integer("checkpointRecords", 0, Integer.MAX_VALUE,
            "Bolts writing a stream only: also checkpoint after this many records, whatever the "
            + "time. A crash re-sends at most what was sent since the last checkpoint.")
            .withDefaultDescribed("`0` (no limit)");
    static final Setting<Map<String, String>> INPUT_OPTIONS = Setting.map("options",
            "Adapter settings: for `s3://`, see [S3 options](#s3-options); every batch input also "
            + "takes `maxLineBytes` and `maxObjectBytes`.")
            .withDefaultDescribed("`defaults.s3` for `s3://`");


    // ---------------------------------------------------------------- inputConfig, type: streaming

    static final Setting<String> TOPIC_SOURCE = Setting.string("source",
            "The topic to read (bolts), or the external source's URL (spouts).")
            .required();
    static final Setting<String> INPUT_BOOTSTRAP = Setting.string("bootstrapServers",
            "`host:port,...`")
            .withDefaultDescribed("`defaults.kafka.bootstrapServers` (bolts)");
    static final Setting<String> GROUP_ID = Setting.string("groupId",
            "The consumer group.")
            .withDefaultDescribed("`<pipeline>.<task>`");
    static final Setting<java.time.Duration> COMMIT_INTERVAL = Setting.duration("commitInterval",
            "How often, at the longest, a bolt flushes its output (the bolt's `flush`, then the "
            + "producer) and commits the offsets it consumed (or commits its transaction under "
            + "`exactly_once`). It commits sooner after `commitRecords` records, when its input goes "
            + "idle (a poll brings nothing) and, under `exactly_once`, as soon as it has caught up "
            + "with its input (every assigned partition's lag is 0), so a long interval does not delay "
            + "`read_committed` readers of a trickle. Not used by a bolt writing a batch output: it "
            + "commits when it publishes an object (see [Kafka → S3](#kafka--s3-the-interval-bolt)).")
            .withDefaultDescribed("`1s`");
    static final Setting<Integer> COMMIT_RECORDS = Setting.integer("commitRecords", 1, Integer.MAX_VALUE,
            "An at-least-once bolt reading Kafka (and the Kafka bridge) also commits after this many records "
            + "processed, without waiting for `commitInterval`, so that a backlog drained at full "
            + "speed commits often. Bounds what a crash repeats (below). Not used under `exactly_once`, "
            + "where a crash repeats nothing visible: its transactions commit at `commitInterval` or once "
            + "the bolt has caught up. Anything else is an error at "
            + "the key (`must be at least 1 ...`, `expected a whole number ...`).")
            .withDefaultDescribed("`10000`");
    static final Setting<Integer> CONCURRENCY = Setting.integer("concurrency", 1, Integer.MAX_VALUE,
            "Bolts reading Kafka: members of the consumer group run by one process, each on a thread "
            + "of its own with its own consumer and producer (like Kafka Streams' stream threads); "
            + "Kafka splits the partitions between all members of all `replicas`. With more than one, "
            + "the bolt's `process` and `flush` run on that many threads at once on the one bolt "
            + "instance, so the bolt must be thread-safe. Under `exactly_once` each member has its own "
            + "`transactional.id`, `<group>-<instance>-<member>`. Anything else is an error at the key "
            + "(`must be at least 1 ...`, `expected a whole number ...`).")
            .withDefaultDescribed("`1`");
    static final Setting<String> ORDERING = Setting.oneOf("ordering", names(Ordering.values(), Ordering::yamlName),
            "Bolts reading and writing Kafka: in what order each consumer-group member processes its "
            + "records. `partition`: one record at a time, in offset order. `key`: records with the "
            + "same key (within a partition; records without a key count as one key) one after another "
            + "in offset order, records with different keys at once, up to `maxInFlight` — for a bolt "
            + "that calls a slow service (HTTP, a database, a model). `none`: any order, up to "
            + "`maxInFlight` at once. With `key` or `none` the bolt's `process` runs on many threads "
            + "at once (it must be thread-safe), its `flush` may run while records are in process, and "
            + "an [`AsyncBolt`](#asynchronous-bolts) keeps its calls pending without a thread each. "
            + "Offsets are committed only below the lowest record not finished in each partition. Not "
            + "with `guarantee: exactly_once`, nor for a bolt writing a batch output or a spout: an "
            + "error at the key.")
            .withDefaultDescribed("`partition`");
    static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("maxInFlight", 1, Integer.MAX_VALUE,
            "With `ordering: key` or `none`: records a member may have taken and not yet committable "
            + "(processing, waiting behind a record of their key, or finished above one still in "
            + "process). At the bound it pauses its partitions and keeps polling. Setting it with "
            + "`ordering: partition` is an error at the key.")
            .withDefaultDescribed("`256`");
    static final Setting<Map<String, String>> CONSUMER_PROPERTIES = Setting.map("properties",
            "Kafka consumer properties, passed through.")
            .withDefaultDescribed("`defaults.kafka.properties` (bolts)");
    static final Setting<String> INPUT_KEY_FORMAT = Setting.oneOf("keyFormat", SCHEMA_FORMATS,
            "Keys written with a schema registry in the Confluent wire format; see [Kafka with a "
            + "schema registry](#kafka-with-a-schema-registry).")
            .withDefaultDescribed("none: keys pass as bytes");
    static final Setting<String> INPUT_VALUE_FORMAT = Setting.oneOf("valueFormat", SCHEMA_FORMATS,
            "Values written with a schema registry in the Confluent wire format; the bolt reads each "
            + "as JSON.")
            .withDefaultDescribed("none: values pass as bytes");
    static final Setting<Object> INPUT_REGISTRY = registry(
            "The registry of `keyFormat` and `valueFormat`; an error without either.")
            .withDefaultDescribed("`{}` when a format is set");


    // ---------------------------------------------------------------- outputConfig, type: batch

    static final Setting<String> DESTINATION = Setting.string("destination",
            "Where to write: `s3://bucket/prefix`, `file:///dir`, or a path. May hold [date-time "
            + "fields](#date-time-fields), formatted for the run's logical time: "
            + "`s3://lake/daily/dt={yyyy-MM-dd}`.")
            .required();
    static final Setting<String> OUTPUT_FORMAT = Setting.oneOf("format", names(Format.values(), Format::yamlName),
            "How records are encoded. `parquet`, `avro`: see [Parquet and Avro](#parquet-and-avro).")
            .withDefaultDescribed("`jsonl`");
    static final Setting<String> OUTPUT_COMPRESSION = Setting.oneOf("compression",
            names(OUTPUT_COMPRESSIONS, Compression::yamlName),
            "`auto` is for inputs only and is rejected here. Parquet and avro compress inside the "
            + "file (avro's `gzip` is its `deflate` codec) and keep their suffix `.parquet`/`.avro`.")
            .withDefaultDescribed("`none`");
    static final Setting<String> PARTITION_BY = Setting.string("partitionBy",
            "A JSON field whose value names a sub-folder (`field=value/`), or a template of "
            + "[date-time fields](#date-time-fields) naming folders by time, "
            + "`dt={yyyy-MM-dd}/hour={HH}`, formatted for each record's timestamp (a Kafka record's, "
            + "or what the bolt set with `withTimestamp`), and for a record without one (records read "
            + "from files and objects have none) for the run's logical time.");
    static final Setting<Integer> MAX_RECORDS_PER_PART = Setting.integer("maxRecordsPerPart", 0, Integer.MAX_VALUE,
            "Records after which a part rolls over.")
            .withDefaultDescribed("`0` (no limit)");
    static final Setting<Long> MAX_BYTES_PER_PART = Setting.size("maxBytesPerPart", 0, Long.MAX_VALUE,
            "Uncompressed bytes after which a part rolls over; `0` for no limit.")
            .withDefaultDescribed("`128MiB`");
    static final Setting<java.time.Duration> FLUSH_INTERVAL = Setting.duration("flushInterval",
            "Interval bolts (Kafka → S3): an object is published at the latest this long after its "
            + "first input record. Must be positive. See [Kafka → S3](#kafka--s3-the-interval-bolt).")
            .withDefaultDescribed("`60s` for a bolt reading Kafka; unused otherwise");
    static final Setting<Map<String, String>> OUTPUT_OPTIONS = Setting.map("options",
            "Adapter settings: for `s3://`, see [S3 options](#s3-options); for `parquet` and `avro`, "
            + "the [schema and row-group settings](#parquet-and-avro).")
            .withDefaultDescribed("`defaults.s3` for `s3://`");


    // ---------------------------------------------------------------- outputConfig, type: streaming

    static final Setting<String> TOPIC = Setting.string("destination",
            "The topic to write.")
            .required();
    static final Setting<String> OUTPUT_BOOTSTRAP = Setting.string("bootstrapServers",
            "`host:port,...`")
            .withDefaultDescribed("`defaults.kafka.bootstrapServers`");
    static final Setting<String> KEY_FIELD = Setting.string("keyField",
            "A JSON field of the value to use as the Kafka key.")
            .withDefaultDescribed("the record's key");
    static final Setting<Map<String, String>> PRODUCER_PROPERTIES = Setting.map("properties",
            "Kafka producer properties, passed through.")
            .withDefaultDescribed("`defaults.kafka.properties`");
    static final Setting<String> OUTPUT_KEY_FORMAT = Setting.oneOf("keyFormat", SCHEMA_FORMATS,
            "Encode the keys the task emits with `keySchema` in the Confluent wire format.")
            .withDefaultDescribed("none: keys pass as bytes");
    static final Setting<String> OUTPUT_VALUE_FORMAT = Setting.oneOf("valueFormat", SCHEMA_FORMATS,
            "Encode the JSON values the task emits with `valueSchema` in the Confluent wire format.")
            .withDefaultDescribed("none: values pass as bytes");
    static final Setting<Object> KEY_SCHEMA = Setting.nested("keySchema",
            "a schema inline (a mapping, text starting with {, or text of several lines) or a file path",
            "The schema keys are written with. A relative path is read from the pipeline file's "
            + "folder; a missing file is an error at the key. An error without `keyFormat`. `generate` "
            + "writes the file's text into the task's pipeline file, so the container needs no copy of "
            + "it.")
            .withDefaultDescribed("the subject's latest version");
    static final Setting<Object> VALUE_SCHEMA = Setting.nested("valueSchema", "as keySchema",
            "The schema values are written with (an `.avsc` or `.proto` file, say). A `.proto` schema "
            + "may also be written inline as a block (`|`) of several lines.")
            .withDefaultDescribed("the subject's latest version");
    static final Setting<String> KEY_MESSAGE_TYPE = Setting.string("keyMessageType",
            "With `keyFormat: protobuf`: the full name of the message keys are written as "
            + "(`acme.ClickKey`); it must be defined in `keySchema`. An error with another format.")
            .withDefaultDescribed("the schema's first message");
    static final Setting<String> VALUE_MESSAGE_TYPE = Setting.string("valueMessageType",
            "With `valueFormat: protobuf`: the full name of the message values are written as "
            + "(`acme.Click`), which names the subject under the `record` strategies.")
            .withDefaultDescribed("the schema's first message");
    static final Setting<Object> OUTPUT_REGISTRY = registry(
            "As for the input, plus how the output's schemas are registered.")
            .withDefaultDescribed("`{}` when a format is set");


    // ---------------------------------------------------------------- a schemaRegistry

    static final Setting<java.net.URI> REGISTRY_URL = Setting.location("url", Set.of("http", "https"), "an http(s) URL",
            "The base of the registry's Confluent-compatible REST API (`/subjects/...`, "
            + "`/schemas/ids/...`): for Apicurio Registry `http://host:8080/apis/ccompat/v7`, for a "
            + "Confluent-API registry its root. Credentials may be written in the URL "
            + "(`https://user:${REGISTRY_PASSWORD}@host/...`, sent as HTTP basic authentication, never "
            + "shown in a message). Anything but an http(s) URL is an error at the key.")
            .withDefaultDescribed("the environment variable `SCHEMA_REGISTRY_URL`; in local mode an embedded registry");
    static final Setting<String> SUBJECT_NAME_STRATEGY = Setting.oneOf("subjectNameStrategy", SUBJECT_STRATEGIES,
            "Outputs: the subject a schema is registered or looked up under. `topic`: `<topic>-key` "
            + "/ `<topic>-value`; `record`: the schema's record full name (`com.acme.Click`); "
            + "`topic-record`: `<topic>-<record full name>`. `record` and `topic-record` need a schema "
            + "that names a record.")
            .withDefaultDescribed("`topic`");
    static final Setting<Boolean> AUTO_REGISTER = Setting.bool("autoRegister",
            "Outputs: `true` registers the schema under its subject when the task starts (a no-op "
            + "when it is there; the registry's compatibility rules apply); `false` requires it to be "
            + "registered already, else the task stops at start with an error naming the subject.")
            .withDefaultDescribed("`true`");

    // ---------------------------------------------------------------- the definitions

    static final SettingsDef TOP = SettingsDef.of("the pipeline file", VERSION, PIPELINE_NAME, DEFAULTS, TASKS);
    static final SettingsDef DEFAULTS_KEYS = SettingsDef.of("defaults", DEFAULT_IMAGE, DEFAULT_KAFKA, DEFAULT_S3,
            DEFAULT_STATE, DEFAULT_ERRORS, DEFAULT_DEPLOY, DEFAULT_RESOURCES, DEFAULT_ENV, DEFAULT_SECRETS);
    static final SettingsDef KAFKA = SettingsDef.of("defaults.kafka", KAFKA_BOOTSTRAP, KAFKA_PROPERTIES);
    static final SettingsDef TASK = SettingsDef.of("a task", TASK_NAME, KIND, CLASS, IMAGE, REPLICAS, TASK_CONCURRENCY,
            PARALLELISM, SCHEDULE, ARGS, RESOURCES, ENV, SECRETS, ERRORS, DEAD_LETTER, GUARANTEE, DEPLOY, CONFIG);
    static final SettingsDef CONFIG_KEYS = SettingsDef.of("a task's config", INPUT_CONFIG, OUTPUT_CONFIG, STATE_CONFIG);
    static final SettingsDef BATCH_INPUT = SettingsDef.of("a batch inputConfig", FAMILY, SOURCE, FORMAT,
            INPUT_COMPRESSION, GLOB, READ_PARALLELISM, SELECT, CHECKPOINT_INTERVAL, CHECKPOINT_RECORDS, INPUT_OPTIONS);
    static final SettingsDef STREAMING_INPUT = SettingsDef.of("a streaming inputConfig", FAMILY, TOPIC_SOURCE,
            INPUT_BOOTSTRAP, GROUP_ID, COMMIT_INTERVAL, COMMIT_RECORDS, CONCURRENCY, ORDERING, MAX_IN_FLIGHT,
            CONSUMER_PROPERTIES, INPUT_KEY_FORMAT, INPUT_VALUE_FORMAT, INPUT_REGISTRY);
    static final SettingsDef BATCH_OUTPUT = SettingsDef.of("a batch outputConfig", FAMILY, DESTINATION, OUTPUT_FORMAT,
            OUTPUT_COMPRESSION, PARTITION_BY, MAX_RECORDS_PER_PART, MAX_BYTES_PER_PART, FLUSH_INTERVAL, OUTPUT_OPTIONS);
    static final SettingsDef STREAMING_OUTPUT = SettingsDef.of("a streaming outputConfig", FAMILY, TOPIC,
            OUTPUT_BOOTSTRAP, KEY_FIELD, PRODUCER_PROPERTIES, OUTPUT_KEY_FORMAT, OUTPUT_VALUE_FORMAT, KEY_SCHEMA,
            VALUE_SCHEMA, KEY_MESSAGE_TYPE, VALUE_MESSAGE_TYPE, OUTPUT_REGISTRY);
    static final SettingsDef SCHEMA_REGISTRY = SettingsDef.of("a schemaRegistry", REGISTRY_URL,
            SUBJECT_NAME_STRATEGY, AUTO_REGISTER);

    /** Every definition, by the id of its table in the docs ({@code <!-- settings:ID -->}). */
    static Map<String, SettingsDef> all() {
        Map<String, SettingsDef> all = new LinkedHashMap<>();
        all.put("pipeline:top", TOP);
        all.put("pipeline:defaults", DEFAULTS_KEYS);
        all.put("pipeline:defaults-kafka", KAFKA);
        all.put("pipeline:task", TASK);
        all.put("pipeline:config", CONFIG_KEYS);
        all.put("pipeline:input-batch", BATCH_INPUT);
        all.put("pipeline:input-streaming", STREAMING_INPUT);
        all.put("pipeline:output-batch", BATCH_OUTPUT);
        all.put("pipeline:output-streaming", STREAMING_OUTPUT);
        all.put("pipeline:schema-registry", SCHEMA_REGISTRY);
        return all;
    }

    private FileKeys() {
    }

    /** A pipeline or task name: they name Kubernetes objects and consumer groups. */
    private static Setting<String> name(String key, String doc) {
        return Setting.string(key, doc).check(n -> PipelineParser.NAME.matcher(n).matches(),
                "a name: 1 to 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
    }

    private static Setting<Object> registry(String doc) {
        return Setting.nested("schemaRegistry", "a mapping: url, subjectNameStrategy, autoRegister", doc);
    }

    private static boolean isCron(String text) {
        try {
            CronSchedule.parse(text);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    /** The names {@code values} have in pipeline files, in declaration order. */
    static <T> List<String> names(T[] values, Function<T, String> name) {
        return Arrays.stream(values).map(name).toList();
    }
}
