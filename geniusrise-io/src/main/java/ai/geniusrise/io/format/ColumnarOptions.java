package ai.geniusrise.io.format;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import org.apache.avro.Schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The settings of the parquet and avro formats, read from a batch output's {@code options} (an
 * input takes its reader schema from the same {@code schema} and {@code schemaFile})
 * (declared here, part of {@link RecordCodec#OPTIONS}): the schema (inline or from a file, else inferred), the
 * row-group size and the memory budget of the open parquet parts.
 *
 * @param schema         the schema given, or {@code null} to infer it from the first records
 * @param inferRecords   how many first records the inferred schema is drawn from
 * @param rowGroupBytes  parquet: buffered bytes after which a part writes its row group
 * @param memoryBudget   parquet: buffered bytes of all the open parts of an output together, after
 *                       which the largest one writes its row group early
 */
record ColumnarOptions(Schema schema, int inferRecords, long rowGroupBytes, long memoryBudget) {

    /** Parquet and avro: the records' Avro schema, inline (an output's writer schema, an input's reader schema). */
    static final Setting<String> SCHEMA = Setting.string("schema", "Parquet and avro: the records' Avro record "
            + "schema, inline as JSON. On an output, the schema written (without it or schemaFile, inferred from "
            + "the first records); on an input, the reader schema each file's records are resolved to (fields "
            + "added with defaults, fields removed, numbers promoted; without it, each file's own schema).")
            .validate(text -> problem(text, ""));
    /** Parquet and avro: a file holding the records' Avro schema. */
    static final Setting<String> SCHEMA_FILE = Setting.string("schemaFile", "Parquet and avro: the path of a file "
            + "(.avsc) holding the records' Avro record schema, relative to the pipeline file; as schema.");
    /** How many first records an inferred schema is drawn from. */
    static final Setting<Integer> INFER_RECORDS = Setting.integer("inferRecords", 1, 1_000_000, "Parquet and avro "
            + "outputs without a schema: how many first records the inferred schema is drawn from.").withDefault(100);
    /** Parquet: buffered bytes after which a part writes its row group. */
    static final Setting<Long> ROW_GROUP_SIZE = Setting.size("rowGroupSize", 64 << 10, Long.MAX_VALUE, "Parquet "
            + "outputs: the bytes a part buffers before it writes a row group.")
            .withDefault(32L << 20).withDefaultDescribed("32MiB, at most the memory budget");
    /** Parquet: the buffered bytes of all the open parts of an output together. */
    static final Setting<Long> MEMORY_BUDGET = Setting.size("memoryBudget", 1 << 20, Long.MAX_VALUE, "Parquet "
            + "outputs: the bytes all open parts of a task's output buffer together; when reached, the largest "
            + "writes its row group early.").withDefault(256L << 20)
            .withDefaultDescribed("256MiB, or a quarter of the heap when that is less");

    static final ColumnarOptions DEFAULTS = new ColumnarOptions(null, INFER_RECORDS.defaultValue(),
            Math.min(ROW_GROUP_SIZE.defaultValue(), defaultBudget()), defaultBudget());

    /** 256 MiB, or a quarter of the heap if that is less (64 MiB under -Xmx256m). */
    static long defaultBudget() {
        return Math.min(MEMORY_BUDGET.defaultValue(), Runtime.getRuntime().maxMemory() / 4);
    }

    /** The rules across these options, checked when the pipeline file is loaded. */
    static void checkCombination(Settings options) {
        if (options.isSet(SCHEMA) && options.isSet(SCHEMA_FILE)) {
            throw options.error(SCHEMA, "cannot be combined with schemaFile; give the schema one way");
        }
        if (options.isSet(MEMORY_BUDGET) && options.isSet(ROW_GROUP_SIZE)
                && options.get(MEMORY_BUDGET) < options.get(ROW_GROUP_SIZE)) {
            throw options.error(MEMORY_BUDGET, "must be at least the row-group size (" + options.get(ROW_GROUP_SIZE)
                    + " bytes), got " + options.get(MEMORY_BUDGET));
        }
    }

    /**
     * The settings in {@code options} (checked already when the pipeline was loaded; checked again
     * here for outputs configured in code).
     *
     * @throws ConfigException naming the option at fault
     */
    static ColumnarOptions from(Map<String, String> options) {
        String inline = options.get(SCHEMA.name());
        String file = options.get(SCHEMA_FILE.name());
        if (inline != null && file != null) {
            throw new ConfigException("options." + SCHEMA.name(), "cannot be combined with options."
                    + SCHEMA_FILE.name() + "; give the schema one way");
        }
        Schema schema = null;
        if (inline != null) {
            schema = parse(inline, "options." + SCHEMA.name(), "");
        } else if (file != null) {
            schema = schemaIn(file);
        }
        long budget = options.containsKey(MEMORY_BUDGET.name()) ? value(options, MEMORY_BUDGET) : defaultBudget();
        long rowGroup = options.containsKey(ROW_GROUP_SIZE.name()) ? value(options, ROW_GROUP_SIZE)
                : Math.min(ROW_GROUP_SIZE.defaultValue(), budget);
        if (budget < rowGroup && options.containsKey(MEMORY_BUDGET.name())) {
            throw new ConfigException("options." + MEMORY_BUDGET.name(), "must be at least the row-group "
                    + "size (" + rowGroup + " bytes), got " + budget);
        }
        // a row-group size above the default budget is honoured where memory allows: the budget cuts it
        return new ColumnarOptions(schema, value(options, INFER_RECORDS), rowGroup, budget);
    }

    private static <T> T value(Map<String, String> options, Setting<T> setting) {
        String raw = options.get(setting.name());
        if (raw == null) {
            return setting.defaultValue();
        }
        try {
            return setting.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("options." + setting.name(), e.getMessage());
        }
    }

    /** The Avro record schema in the file {@code file} (a path, resolved already). */
    private static Schema schemaIn(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file.trim()));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("options." + SCHEMA_FILE.name(), "cannot read the Avro schema file '" + file
                    + "': " + (e instanceof NoSuchFileException ? "no such file" : e.toString()));
        }
        return parse(text, "options." + SCHEMA_FILE.name(), " in " + file);
    }

    private static Schema parse(String text, String key, String where) {
        String problem = problem(text, where);
        if (problem != null) {
            throw new ConfigException(key, problem);
        }
        return new Schema.Parser().parse(text);
    }

    /** What is wrong with {@code text} as an Avro record schema, or {@code null}. */
    private static String problem(String text, String where) {
        Schema s;
        try {
            s = new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            return "is not an Avro schema" + where + ": " + e.getMessage();
        }
        if (s.getType() != Schema.Type.RECORD) {
            return "must be an Avro record schema ({\"type\":\"record\",\"name\":...,"
                    + "\"fields\":[...]})" + where + ", got a " + s.getType().getName();
        }
        return null;
    }
}
