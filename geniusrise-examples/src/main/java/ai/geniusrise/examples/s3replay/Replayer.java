package ai.geniusrise.examples.s3replay;

import ai.geniusrise.core.Bolt;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskContext;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The bolt of the S3 → Kafka replay example: sends each archived JSON event on unchanged, with
 * the Kafka timestamp taken from the event's own time (argument {@code timestampField}, an
 * ISO-8601 text or epoch milliseconds), so consumers see when it happened rather than when it was
 * replayed. An event that is not JSON, or whose time cannot be read, is dead-lettered by the task's
 * error policy. Stateless, so safe on any number of workers.
 */
public final class Replayer extends Bolt {

    private String timestampField;

    @Override
    public void open(TaskContext context) {
        timestampField = context.args().string("timestampField", null);
    }

    @Override
    protected void process(Record in, Emitter out) {
        if (timestampField == null) {
            out.emit(in);
            return;
        }
        JsonNode time = in.valueAsJson().get(timestampField);
        if (time == null || time.isNull()) {
            out.emit(in);
        } else if (time.isIntegralNumber()) {
            out.emit(in.withTimestamp(time.asLong()));
        } else {
            try {
                out.emit(in.withTimestamp(Instant.parse(time.asText()).toEpochMilli()));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + timestampField + "' is not an ISO-8601 time: "
                        + time.asText(), e);
            }
        }
    }
}
