package ai.geniusrise.io.kafka;

import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.io.s3.S3BatchStorage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Set;

/**
 * S3 storage (scheme {@code lingering-s3}, written to {@code s3://} underneath) whose commits
 * return {@value #LINGER_MS} ms after the run is published: it widens the moment between an
 * object's commit and its offset's, so that the kill test's SIGKILLs land there too.
 */
public final class LingeringS3Storage implements BatchStorage {

    static final long LINGER_MS = 150;

    private final BatchStorage s3 = new S3BatchStorage();

    /** For {@link java.util.ServiceLoader}. */
    public LingeringS3Storage() {
    }

    @Override
    public Set<String> schemes() {
        return Set.of("lingering-s3");
    }

    @Override
    public BatchInput openInput(BatchInputConfig config, TaskContext context) {
        throw new UnsupportedOperationException("lingering-s3 is for outputs; read s3:// instead");
    }

    @Override
    public BatchOutput openOutput(BatchOutputConfig config, TaskContext context) throws IOException {
        BatchOutput out = s3.openOutput(BatchOutputConfig.builder(config.destination().replaceFirst("^lingering-s3:", "s3:"))
                .format(config.format()).compression(config.compression())
                .maxRecordsPerPart(config.maxRecordsPerPart()).maxBytesPerPart(config.maxBytesPerPart())
                .flushInterval(config.flushInterval()).options(config.options()).build(), context);
        return new BatchOutput() {
            @Override
            public PartWriter createPart(String partName) throws IOException {
                return out.createPart(partName);
            }

            @Override
            public void commit(String runId, List<String> partNames) throws IOException {
                out.commit(runId, partNames);
                try {
                    Thread.sleep(LINGER_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while lingering after the commit of " + runId);
                }
            }

            @Override
            public List<String> committedRunIds(String prefix) throws IOException {
                return out.committedRunIds(prefix);
            }

            @Override
            public void abort() throws IOException {
                out.abort();
            }

            @Override
            public String location() {
                return out.location();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
