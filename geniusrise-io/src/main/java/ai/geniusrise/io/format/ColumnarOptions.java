package ai.geniusrise.io.format;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.Quantities;
import org.apache.avro.Schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The settings of the parquet and avro formats, read from a batch output's {@code options}
 * (keys declared on {@link RecordCodec}): the schema (inline or from a file, else inferred), the
 * row-group size and the memory budget of the open parquet parts.
 *
 * @param schema         the schema given, or {@code null} to infer it from the first records
 * @param inferRecords   how many first records the inferred schema is drawn from
 * @param rowGroupBytes  parquet: buffered bytes after which a part writes its row group
 * @param memoryBudget   parquet: buffered bytes of all the open parts of an output together, after
 *                       which the largest one writes its row group early
 */
record ColumnarOptions(Schema schema, int inferRecords, long rowGroupBytes, long memoryBudget) {

    static final ColumnarOptions DEFAULTS = new ColumnarOptions(null, RecordCodec.DEFAULT_INFER_RECORDS,
            Math.min(RecordCodec.DEFAULT_ROW_GROUP_BYTES, defaultBudget()), defaultBudget());

    /** 256 MiB, or a quarter of the heap if that is less (64 MiB under -Xmx256m). */
    static long defaultBudget() {
        return Math.min(RecordCodec.DEFAULT_MEMORY_BUDGET_BYTES, Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * The settings in {@code options}.
     *
     * @throws ConfigException naming the option at fault
     */
    static ColumnarOptions from(Map<String, String> options) {
        String inline = options.get(RecordCodec.SCHEMA_OPTION);
        String file = options.get(RecordCodec.SCHEMA_FILE_OPTION);
        if (inline != null && file != null) {
            throw new ConfigException("options." + RecordCodec.SCHEMA_OPTION, "cannot be combined with options."
                    + RecordCodec.SCHEMA_FILE_OPTION + "; give the schema one way");
        }
        Schema schema = null;
        if (inline != null) {
            schema = parse(inline, "options." + RecordCodec.SCHEMA_OPTION, "");
        } else if (file != null) {
            String text;
            try {
                text = Files.readString(Path.of(file.trim()));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("options." + RecordCodec.SCHEMA_FILE_OPTION, "cannot read the Avro schema "
                        + "file '" + file + "': " + e);
            }
            schema = parse(text, "options." + RecordCodec.SCHEMA_FILE_OPTION, " in " + file);
        }
        long budget = size(options, RecordCodec.MEMORY_BUDGET_OPTION, defaultBudget(), 1 << 20);
        long rowGroup = size(options, RecordCodec.ROW_GROUP_SIZE_OPTION,
                Math.min(RecordCodec.DEFAULT_ROW_GROUP_BYTES, budget), 64 << 10);
        if (budget < rowGroup && options.containsKey(RecordCodec.MEMORY_BUDGET_OPTION)) {
            throw new ConfigException("options." + RecordCodec.MEMORY_BUDGET_OPTION, "must be at least the row-group "
                    + "size (" + rowGroup + " bytes), got " + budget);
        }
        long infer = size(options, RecordCodec.INFER_RECORDS_OPTION, RecordCodec.DEFAULT_INFER_RECORDS, 1);
        if (infer > 1_000_000) {
            throw new ConfigException("options." + RecordCodec.INFER_RECORDS_OPTION, "must be at most 1000000, got "
                    + infer);
        }
        // a row-group size above the default budget is honoured where memory allows: the budget cuts it
        return new ColumnarOptions(schema, (int) infer, rowGroup, budget);
    }

    private static Schema parse(String text, String key, String where) {
        Schema s;
        try {
            s = new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new ConfigException(key, "is not an Avro schema" + where + ": " + e.getMessage());
        }
        if (s.getType() != Schema.Type.RECORD) {
            throw new ConfigException(key, "must be an Avro record schema ({\"type\":\"record\",\"name\":...,"
                    + "\"fields\":[...]})" + where + ", got a " + s.getType().getName());
        }
        return s;
    }

    private static long size(Map<String, String> options, String key, long defaultValue, long min) {
        String raw = options.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long v;
        try {
            v = Quantities.bytes(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("options." + key, e.getMessage());
        }
        if (v < min) {
            throw new ConfigException("options." + key, "must be at least " + min + ", got '" + raw + "'");
        }
        return v;
    }
}
