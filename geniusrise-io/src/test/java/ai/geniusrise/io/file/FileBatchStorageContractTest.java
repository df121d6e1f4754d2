package ai.geniusrise.io.file;

import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.io.BatchStorageContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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

    @Override
    protected int leftovers() throws IOException {
        Path tmp = dir.resolve("out").resolve("_geniusrise").resolve("tmp");
        if (!Files.exists(tmp)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            return (int) files.filter(Files::isRegularFile).count();
        }
    }
}
