package ai.geniusrise.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden files under {@code src/test/resources/golden}: rendered output must equal them. Run the
 * tests with {@code -Dgeniusrise.updateGolden=true} to rewrite them, then review the diff.
 */
final class Golden {

    private Golden() {
    }

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(Golden.class.getResource("/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void check(String folder, List<DeploymentFile> files) {
        Path source = Path.of("src/test/resources/golden").resolve(folder);
        try {
            if (Boolean.getBoolean("geniusrise.updateGolden")) {
                if (Files.isDirectory(source)) {
                    try (var old = Files.list(source)) {
                        for (Path p : old.toList()) {
                            Files.delete(p);
                        }
                    }
                }
                Files.createDirectories(source);
                for (DeploymentFile f : files) {
                    Files.writeString(source.resolve(f.name()), f.content(), StandardCharsets.UTF_8);
                }
            }
            try (var present = Files.list(source)) {
                assertThat(present.map(p -> p.getFileName().toString()).sorted().toList())
                        .as("golden files in %s", source)
                        .isEqualTo(files.stream().map(DeploymentFile::name).sorted().toList());
            }
            for (DeploymentFile f : files) {
                assertThat(f.content()).as("%s/%s (rerun with -Dgeniusrise.updateGolden=true to accept)", source,
                        f.name()).isEqualTo(Files.readString(source.resolve(f.name()), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
