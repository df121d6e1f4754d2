package ai.geniusrise.core.runtime;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.PartWriter;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The emitter of one worker of a batch run: writes records to parts named
 * {@code [field=value/]<stem>-<n>}, rolling to the next part at the configured size or record
 * count, and routing records to partition folders when {@code partitionBy} is set: by a JSON
 * field, or by a date-time template formatted for the record's timestamp (the run's logical time
 * for a record without one). Part names depend only on the stem, the records and the logical
 * time, so a re-run writes the same names. Used by one thread.
 */
final class PartEmitter implements Emitter {

    private static final class OpenPart {
        final String name;
        final PartWriter writer;
        long records;

        OpenPart(String name, PartWriter writer) {
            this.name = name;
            this.writer = writer;
        }
    }

    private final BatchOutput output;
    private final BatchOutputConfig config;
    private final String stem;
    private final String partitionBy;
    private final Instant logicalTime;
    private long lastTimestamp = Long.MIN_VALUE;
    private String lastTimePartition;
    private final long maxRecords;
    private final long maxBytes;
    private final Failures failures;
    private final TaskMetrics.Tally tally;
    private final Map<String, OpenPart> open = new HashMap<>(4);
    private final Map<String, Integer> sequence = new HashMap<>(4);
    private final List<String> completed = new ArrayList<>();
    private OpenPart last;
    private String lastPartition;
    private boolean holding;
    private boolean rejected;
    private final List<Record> heldRecords = new ArrayList<>(4);
    private final List<String> heldPartitions = new ArrayList<>(4);
    private final List<Record> heldLetters = new ArrayList<>(0);
    private final List<String> heldReasons = new ArrayList<>(0);

    PartEmitter(BatchOutput output, BatchOutputConfig config, String stem, Failures failures, TaskMetrics.Tally tally) {
        this(output, config, stem, failures, tally, Instant.now());
    }

    /** @param logicalTime the time partition of records without a timestamp, under a date-time {@code partitionBy} */
    PartEmitter(BatchOutput output, BatchOutputConfig config, String stem, Failures failures, TaskMetrics.Tally tally,
                Instant logicalTime) {
        this.output = output;
        this.config = config;
        this.logicalTime = logicalTime;
        this.stem = stem;
        this.partitionBy = config.partitionBy();
        this.maxRecords = config.format() == Format.RAW ? 1 : config.maxRecordsPerPart();
        this.maxBytes = config.maxBytesPerPart();
        this.failures = failures;
        this.tally = tally;
    }

    /**
     * Holds what is emitted from now until {@link #release()} or {@link #drop()}: the records a
     * {@code process} call emits are written only if the call returns normally, so a record that
     * fails leaves no partial output behind.
     */
    void hold() {
        holding = true;
        rejected = false;
    }

    /** Writes what was held; a call that emitted nothing at all counts as a dropped record. */
    void release() {
        holding = false;
        if (heldRecords.isEmpty() && heldLetters.isEmpty() && !rejected) {
            tally.dropped++;
        }
        for (int i = 0; i < heldRecords.size(); i++) {
            write(heldRecords.get(i), heldPartitions.get(i));
        }
        for (int i = 0; i < heldLetters.size(); i++) {
            deadLetter(heldLetters.get(i), heldReasons.get(i));
        }
        clearHeld();
    }

    /** Forgets what was held. */
    void drop() {
        holding = false;
        clearHeld();
    }

    private void clearHeld() {
        heldRecords.clear();
        heldPartitions.clear();
        if (!heldLetters.isEmpty()) {
            heldLetters.clear();
            heldReasons.clear();
        }
    }

    @Override
    public void emit(Record record) {
        String partition = partitionBy == null ? "" : partitionOf(record);
        if (holding) {
            heldRecords.add(record);
            heldPartitions.add(partition);
        } else {
            write(record, partition);
        }
    }

    private void write(Record record, String partition) {
        try {
            OpenPart part = partition.equals(lastPartition) ? last : open.get(partition);
            if (part != null && full(part)) {
                part.writer.close();
                completed.add(part.name);
                part = null;
            }
            if (part == null) {
                part = openPart(partition);
            }
            part.writer.write(record);
            part.records++;
            last = part;
            lastPartition = partition;
            tally.out++;
        } catch (IOException e) {
            throw new TaskFailedException("cannot write to " + output.location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deadLetter(Record record, String reason) {
        if (holding) {
            heldLetters.add(record);
            heldReasons.add(reason);
            return;
        }
        failures.deadLetters().write(record.position(), record.value(), reason, null);
        tally.deadLettered++;
    }

    @Override
    public void reject(Record record, Throwable error) {
        rejected = true;
        failures.onFailure(record.position(), record.value(), error, tally);
    }

    private boolean full(OpenPart part) {
        return (maxRecords > 0 && part.records >= maxRecords) || (maxBytes > 0 && part.writer.bytesWritten() >= maxBytes);
    }

    private OpenPart openPart(String partition) throws IOException {
        int n = sequence.merge(partition, 1, Integer::sum) - 1;
        String name = partition + stem + "-" + String.format("%05d", n);
        OpenPart part = new OpenPart(name, output.createPart(name));
        open.put(partition, part);
        return part;
    }

    /** Completes every open part and returns the names of all parts this emitter wrote. */
    List<String> finish() throws IOException {
        for (OpenPart part : open.values()) {
            part.writer.close();
            completed.add(part.name);
        }
        open.clear();
        last = null;
        lastPartition = null;
        return completed;
    }

    /** Closes open parts without caring for errors; used when the run is being aborted. */
    void discard() {
        for (OpenPart part : open.values()) {
            try {
                part.writer.close();
            } catch (IOException | RuntimeException e) {
                // the run is failing already; the output's abort removes the part
            }
        }
        open.clear();
    }

    private String partitionOf(Record record) {
        if (config.partitionsByTime()) {
            long ts = record.timestamp();
            if (ts != lastTimestamp || lastTimePartition == null) {
                lastTimePartition = config.timePartition(ts > 0 ? Instant.ofEpochMilli(ts) : logicalTime);
                lastTimestamp = ts;
            }
            return lastTimePartition;
        }
        JsonNode value = record.valueAsJson().get(partitionBy);
        String text = value == null || value.isNull() ? "null" : value.isValueNode() ? value.asText() : value.toString();
        return partitionBy + "=" + escape(text) + "/";
    }

    /** Keeps letters, digits, '-', '_' and inner '.'; percent-encodes the rest, as Hive does. */
    static String escape(String value) {
        if (value.isEmpty()) {
            return "%00";
        }
        StringBuilder sb = new StringBuilder(value.length());
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || (c == '_' && i > 0) || (c == '.' && i > 0);
            if (plain) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
