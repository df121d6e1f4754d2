package ai.geniusrise.protobuf;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.SchemaFormat;
import ai.geniusrise.core.spi.SchemaCodec;
import com.squareup.wire.schema.CoreLoader;
import com.squareup.wire.schema.ErrorCollector;
import com.squareup.wire.schema.Linker;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.SchemaException;
import com.squareup.wire.schema.internal.parser.ProtoParser;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code keyFormat: protobuf} and {@code valueFormat: protobuf} on Kafka with a schema registry:
 * a {@code .proto} file's text (proto2 or proto3) parsed and linked by Square's Wire, its messages
 * encoded and decoded without generated classes, as JSON following the canonical proto3 JSON
 * mapping. Found by {@link java.util.ServiceLoader}; users add this module next to
 * {@code geniusrise-io} and set the format. Thread-safe.
 */
public final class ProtobufCodec implements SchemaCodec {

    /** The name the schema is parsed under; positions in messages are rewritten to line and column. */
    static final String FILE = "schema.proto";
    private static final Pattern POSITION = Pattern.compile(Pattern.quote(FILE) + ":(\\d+):(\\d+)");
    private static final String WELL_KNOWN = "google/protobuf/";

    /** For ServiceLoader. */
    public ProtobufCodec() {
    }

    @Override
    public SchemaFormat format() {
        return SchemaFormat.PROTOBUF;
    }

    @Override
    public Compiled compile(String schemaText, String recordName) {
        ProtoFile file;
        try {
            file = ProtoFile.Companion.get(ProtoParser.Companion.parse(Location.get(FILE), schemaText));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ConfigException(null, positions(e.getMessage()).replace("Syntax error in ", "syntax error at "));
        }
        for (String imported : file.getImports()) {
            if (!imported.startsWith(WELL_KNOWN)) {
                throw new ConfigException(null, "it imports \"" + imported + "\": only the well-known types ("
                        + WELL_KNOWN + "*.proto) can be imported, schema references are not supported");
            }
        }
        ErrorCollector errors = new ErrorCollector();
        Schema schema;
        try {
            schema = new Linker(CoreLoader.INSTANCE, errors, false, true).link(List.of(file));
            errors.throwIfNonEmpty();
        } catch (SchemaException | IllegalStateException | IllegalArgumentException e) {
            throw new ConfigException(null, positions(e.getMessage()).replaceAll("\\s*\\n\\s*", "; "));
        }
        return new ProtoSchema(schemaText, schema, schema.protoFile(FILE), recordName);
    }

    /** {@code message} with the positions in the parsed text as "line L, column C". */
    private static String positions(String message) {
        return POSITION.matcher(String.valueOf(message)).replaceAll("line $1, column $2");
    }
}
