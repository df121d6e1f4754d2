package ai.geniusrise.io.file;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.RecordReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A batch spout that reads a local file, or every file of a local folder, and emits its records
 * to the task's batch output (S3, files). Its {@code inputConfig} is a batch input:
 * {@code source} is the file or folder ({@code file:///data/in} or a path), and {@code format},
 * {@code compression} and {@code glob} mean what they mean for any batch input (see
 * {@link FileBatchStorage}: files are read in sorted order, names starting with {@code _} or
 * {@code .} are skipped, {@code glob} filters names relative to the folder). A record that does
 * not decode goes to the task's error policy with its file and line.
 *
 * <p>Unlike a bolt reading the same folder, the spout reads it on one thread and has no
 * {@code process} step: it copies a local source into the pipeline. Extend it and override
 * {@link #toRecord(Record)} to reshape or drop records on the way.
 *
 * <p>A run emits everything or, being a batch run, commits nothing: on a stop request it
 * returns early and the runtime discards the run.
 */
public class FileSourceSpout extends Spout {

    private BatchInputConfig config;
    private BatchInput input;

    /** For the runtime. */
    public FileSourceSpout() {
    }

    /**
     * Checks the input config and that its location exists.
     *
     * @throws ConfigException if the input is not a local batch input, its glob is not valid, or
     *                         its location does not exist
     */
    @Override
    public void open(TaskContext context) throws Exception {
        if (!(context.input() instanceof BatchInputConfig batch) || !batch.scheme().equals("file")) {
            throw new ConfigException("config.inputConfig", "a local file spout reads a file or folder: give it "
                    + "inputConfig: {type: batch, source: file:///path/to/dir}, got " + context.input().type()
                    + " input from '" + context.input().source() + "'");
        }
        config = batch;
        Path location;
        try {
            location = FileBatchStorage.resolve(batch.source(), "config.inputConfig.source");
            input = new FileBatchStorage().openInput(batch, context);
        } catch (ConfigException e) {
            throw e.path() != null && e.path().startsWith("config.") ? e
                    : new ConfigException("config.inputConfig." + e.path(), e.problem(), e);
        }
        if (!Files.exists(location)) {
            throw new ConfigException("config.inputConfig.source", "'" + batch.source() + "' does not exist ("
                    + location + "); name an existing file or folder");
        }
    }

    /**
     * The record to emit for one decoded record, or {@code null} to drop it; the default emits it
     * as it is. Override to reshape records.
     */
    protected Record toRecord(Record decoded) {
        return decoded;
    }

    @Override
    protected void produce(Emitter out) throws Exception {
        List<String> objects = input.objects();
        if (objects.isEmpty()) {
            context().logger().warn("task '{}': {} has no files{}", context().taskName(), config.source(),
                    config.glob() == null ? "" : " matching " + config.glob());
        }
        for (String object : objects) {
            try (RecordReader reader = input.open(object)) {
                while (!context().stopRequested()) {
                    Record record;
                    try {
                        record = reader.next();
                    } catch (RecordFormatException e) {
                        byte[] raw = e.rawBytes() == null ? new byte[0] : e.rawBytes();
                        out.reject(Record.of(raw).withPosition(e.position()), e);
                        continue;
                    }
                    if (record == null) {
                        break;
                    }
                    Record shaped = toRecord(record);
                    if (shaped != null) {
                        out.emit(shaped);
                    }
                }
            }
            if (context().stopRequested()) {
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (input != null) {
            input.close();
        }
    }
}
