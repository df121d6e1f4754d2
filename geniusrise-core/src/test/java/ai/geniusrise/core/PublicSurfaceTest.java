package ai.geniusrise.core;

import ai.geniusrise.core.runtime.TaskRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Core's public surface says what is API: every package says who it is for, internals stay internal. */
class PublicSurfaceTest {

    @Test
    void everyCorePackageSaysWhoItIsFor() throws IOException {
        Path sources = Path.of("src/main/java/ai/geniusrise/core");
        List<Path> packages;
        try (Stream<Path> dirs = Files.walk(sources)) {
            packages = dirs.filter(Files::isDirectory).filter(PublicSurfaceTest::holdsJava).toList();
        }
        assertThat(packages).hasSizeGreaterThanOrEqualTo(6);
        for (Path p : packages) {
            Path info = p.resolve("package-info.java");
            assertThat(info).as("package-info of %s", p).exists();
            assertThat(Files.readString(info)).as("%s says who the package is for", info).containsPattern("<b>For ");
        }
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theRunnersLogicalTimeParserIsNotApi() {
        assertThat(Arrays.stream(TaskRunner.class.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(Method::getName)).doesNotContain("parseLogicalTime").contains("logicalTimeFromEnvironment");
    }
}
