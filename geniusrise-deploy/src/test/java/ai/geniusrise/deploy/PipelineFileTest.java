package ai.geniusrise.deploy;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the tests of pipeline files share: a temporary folder, and a pipeline file written in it. */
abstract class PipelineFileTest {

    /** The test's own folder. */
    @TempDir
    Path dir;

    /** Writes {@code yaml} as {@code pipeline.yaml} in {@link #dir} (replacing the one before) and returns its path. */
    Path file(String yaml) throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }
}
