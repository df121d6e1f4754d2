package ai.geniusrise.io.format;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader schema of an avro or parquet input ({@code options.schema} or {@code schemaFile} on
 * the input): each file's records, written with the file's own (writer) schema, are read into it
 * by Avro's schema resolution — fields the reader adds take their defaults, fields it lacks are
 * dropped, numbers are promoted (int to long, float or double; long to float or double; float to
 * double), string and bytes convert. A file whose writer schema cannot be resolved to it fails
 * before any of its records is read, naming the file and the first field at fault: every record
 * of the file has that schema, so none of them could be read.
 */
final class ReaderSchema {

    private ReaderSchema() {
    }

    /**
     * Checks that records of {@code writer} can be read as {@code reader}.
     *
     * @throws IOException naming {@code object}, {@code location}, the field and the reason when they cannot
     */
    static void check(Schema reader, Schema writer, String location, String object) throws IOException {
        SchemaCompatibility.SchemaPairCompatibility pair =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (SchemaCompatibility.Incompatibility i : pair.getResult().getIncompatibilities()) {
            problems.add(describe(reader, i));
        }
        throw new IOException("cannot read '" + object + "' under " + location + " with the input's reader schema "
                + reader.getFullName() + ": its writer schema " + writer.getFullName() + " does not resolve to it: "
                + String.join("; ", problems));
    }

    private static String describe(Schema reader, SchemaCompatibility.Incompatibility i) {
        String field = field(reader, i.getLocation());
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "field '" + field
                    + "' is not in the file and has no default in the reader schema";
            case TYPE_MISMATCH -> "field '" + field + "' has another type in the file (" + i.getMessage() + ")";
            default -> "at field '" + field + "': " + i.getMessage() + " (" + i.getType() + ")";
        };
    }

    /** The field path of a location of Avro's check, such as {@code /fields/2/type/items}, in {@code reader}. */
    static String field(Schema reader, String location) {
        StringBuilder path = new StringBuilder();
        Schema s = reader;
        String[] steps = location.split("/");
        try {
            for (int k = 0; k < steps.length; k++) {
                String step = steps[k];
                switch (step) {
                    case "", "type", "name", "symbols", "size" -> {
                    }
                    case "fields" -> {
                        Schema.Field f = s.getFields().get(Integer.parseInt(steps[++k]));
                        path.append(path.length() == 0 ? "" : ".").append(f.name());
                        s = f.schema();
                    }
                    case "items" -> {
                        path.append("[]");
                        s = s.getElementType();
                    }
                    case "values" -> {
                        path.append("{}");
                        s = s.getValueType();
                    }
                    default -> s = s.getTypes().get(Integer.parseInt(step));
                }
            }
        } catch (RuntimeException e) {
            return path.length() == 0 ? location : path.toString();
        }
        return path.length() == 0 ? "(the record)" : path.toString();
    }

    /**
     * The columns of a parquet file that {@code reader} reads: its groups restricted, level by
     * level, to the fields the reader's records name (parquet-java's Avro converter refuses a
     * column the reader schema lacks; a field the file lacks takes the reader's default).
     */
    static MessageType projection(MessageType file, Schema reader) {
        return new MessageType(file.getName(), fields(file, reader));
    }

    private static List<Type> fields(GroupType group, Schema record) {
        List<Type> kept = new ArrayList<>();
        for (Type t : group.getFields()) {
            Schema.Field f = record.getField(t.getName());
            if (f == null) {
                continue;
            }
            Schema inner = recordOf(f.schema());
            if (!t.isPrimitive() && inner != null) {
                GroupType g = t.asGroupType();
                kept.add(g.withNewFields(fields(g, inner)));
            } else {
                kept.add(t);
            }
        }
        return kept;
    }

    /** The record schema of a field (a record, or a record in a union with null), or {@code null}. */
    private static Schema recordOf(Schema s) {
        if (s.getType() == Schema.Type.RECORD) {
            return s;
        }
        if (s.getType() == Schema.Type.UNION) {
            Schema found = null;
            for (Schema b : s.getTypes()) {
                if (b.getType() == Schema.Type.RECORD) {
                    if (found != null) {
                        return null;
                    }
                    found = b;
                }
            }
            return found;
        }
        return null;
    }
}
