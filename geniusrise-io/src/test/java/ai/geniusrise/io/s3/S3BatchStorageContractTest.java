package ai.geniusrise.io.s3;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.io.BatchStorageContract;
import ai.geniusrise.testkit.s3.S3Endpoint;
import ai.geniusrise.testkit.s3.S3Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** The batch storage contract over a prefix of a bucket in an S3-compatible store. */
@ExtendWith(S3Extension.class)
@Timeout(60)
class S3BatchStorageContractTest extends BatchStorageContract {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static String bucket;

    private final S3BatchStorage storage = new S3BatchStorage();
    private S3Endpoint s3;
    private String location;

    @BeforeEach
    void freshPrefix(S3Endpoint endpoint) {
        s3 = endpoint;
        synchronized (S3BatchStorageContractTest.class) {
            if (bucket == null) {
                bucket = endpoint.createBucket("contract");
            }
        }
        location = "s3://" + bucket + "/runs/" + PREFIXES.incrementAndGet();
    }

    @Override
    protected BatchStorage storage() {
        return storage;
    }

    @Override
    protected String location() {
        return location;
    }

    @Override
    protected int leftovers() {
        String prefix = location.substring(("s3://" + bucket + "/").length()) + "/";
        return s3.client().listMultipartUploads(r -> r.bucket(bucket).prefix(prefix)).uploads().size();
    }

    @Override
    protected BatchOutput output(Format format, Compression compression) throws IOException {
        return storage.openOutput(BatchOutputConfig.builder(location).format(format).compression(compression)
                .options(s3.options()).build(), null);
    }

    @Override
    protected BatchInput input(Format format, String glob) throws IOException {
        return storage.openInput(BatchInputConfig.builder(location).format(format).glob(glob)
                .options(s3.options()).build(), null);
    }
}
