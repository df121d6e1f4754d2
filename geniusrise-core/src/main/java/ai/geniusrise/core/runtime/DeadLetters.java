package ai.geniusrise.core.runtime;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.PartWriter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The dead letters of a batch run: one JSON line per failed record, holding the task, the
 * reason, the error, the source position and the original bytes ({@code value} when they are
 * UTF-8 text, {@code valueBase64} otherwise). Written to a batch output of their own, opened on
 * the first dead letter and committed or aborted with the run. Thread-safe; dead letters are
 * rare, so one lock is enough.
 */
final class DeadLetters {

    interface Opener {
        BatchOutput open() throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String task;
    private final String location;
    private final Opener opener;
    private BatchOutput output;
    private PartWriter writer;
    private long count;

    DeadLetters(String task, String location, Opener opener) {
        this.task = task;
        this.location = location;
        this.opener = opener;
    }

    String location() {
        return location;
    }

    synchronized void write(Position position, byte[] original, String reason, Throwable error) {
        ObjectNode letter = JSON.createObjectNode();
        letter.put("task", task);
        letter.put("reason", reason);
        if (error != null) {
            letter.put("error", error.getClass().getName());
            letter.put("message", String.valueOf(error instanceof JsonProcessingException
                    ? RecordFormatException.describe(error) : error.getMessage()));
        }
        letter.put("position", position.toString());
        if (position instanceof Position.InObject o) {
            letter.put("object", o.object());
            letter.put("index", o.index());
        } else if (position instanceof Position.InTopic t) {
            letter.put("topic", t.topic());
            letter.put("partition", t.partition());
            letter.put("offset", t.offset());
        }
        if (original != null) {
            String text = utf8(original);
            if (text != null) {
                letter.put("value", text);
            } else {
                letter.put("valueBase64", Base64.getEncoder().encodeToString(original));
            }
        }
        letter.put("failedAt", Instant.now().toString());
        try {
            if (writer == null) {
                output = opener.open();
                writer = output.createPart("dead-letters-" + task);
            }
            writer.write(Record.of(JSON.writeValueAsBytes(letter)));
            count++;
        } catch (IOException e) {
            throw new TaskFailedException("task '" + task + "' cannot write a dead letter to " + location + ": "
                    + e.getMessage(), e);
        }
    }

    synchronized long count() {
        return count;
    }

    /** Publishes the dead letters of the run, if there were any. */
    synchronized void commit(String runId) throws IOException {
        if (writer != null) {
            writer.close();
            output.commit(runId, List.of("dead-letters-" + task));
            output.close();
        }
    }

    /** Drops the dead letters of a failed run. */
    synchronized void abort() {
        if (output != null) {
            List<Exception> ignored = new ArrayList<>();
            try {
                writer.close();
            } catch (IOException e) {
                ignored.add(e);
            }
            try {
                output.abort();
                output.close();
            } catch (IOException e) {
                ignored.add(e);
            }
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
