package ai.geniusrise.io.file;

import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.io.BatchStorageContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The batch storage contract over a local folder. */
class FileBatchStorageContractTest extends BatchStorageContract {

    @TempDir
    Path dir;

    private final FileBatchStorage storage = new FileBatchStorage();

    @Override
    protected BatchStorage storage() {
        return storage;
    }

    @Override
    protected String location() {
        return dir.resolve("out").toString();
    }
}
