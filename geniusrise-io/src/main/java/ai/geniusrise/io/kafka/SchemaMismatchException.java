package ai.geniusrise.io.kafka;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.RecordFormatException;

/**
 * A key or value that does not match its schema: read from the input (its bytes are not what the
 * schema they name describes) or emitted for the output (its JSON does not fit the output's
 * schema). Carries the schema's id in the registry, -1 when the bytes named none; its dead letter
 * carries the id in the header {@code geniusrise.schema.id}.
 */
final class SchemaMismatchException extends RecordFormatException {

    private final int schemaId;

    SchemaMismatchException(int schemaId, String message, Position position, byte[] rawBytes, Throwable cause) {
        super(message, position, rawBytes, cause);
        this.schemaId = schemaId;
    }

    /** The schema's id in the registry, or -1 when the bytes named none. */
    int schemaId() {
        return schemaId;
    }
}
