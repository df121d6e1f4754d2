package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.NoDefaultConstructorBolt;
import ai.geniusrise.cli.fixtures.UppercaseBolt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code geniusrise validate} without the user's classes warns about each class it cannot check
 * and says how to check it; with {@code --classpath} it checks them as {@code run} does.
 */
@Timeout(60)
class ValidateClassesTest {

    @TempDir
    Path dir;

    /** The folder the test fixtures are compiled into: a user's {@code target/classes}. */
    private Path classes;

    @BeforeEach
    void findFixtures() throws URISyntaxException {
        classes = Path.of(UppercaseBolt.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private Path pipeline(String type, String className) throws IOException {
        Files.createDirectories(dir.resolve("in"));
        return Files.writeString(dir.resolve("pipeline.yaml"), """
                version: 1
                name: shout
                tasks:
                  - name: uppercase
                    type: %s
                    class: %s
                    config:
                      inputConfig:  {type: batch, source: in, format: text}
                      outputConfig: {type: batch, destination: out, format: text}
                """.formatted(type, className));
    }

    @Test
    void aClassNotOnTheClasspathIsAWarningNamingValidateClasspathAndAnErrorFromRun() throws IOException {
        Path file = pipeline("bolt", "com.acme.Uppercase");

        CliRun validate = CliRun.of("validate", file.toString());

        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.err()).isEqualTo("warning: " + file + ":6:12: tasks[0].class: class com.acme.Uppercase is "
                + "not on the classpath, so it was not checked; to check it, give the jars or class folders that hold "
                + "it: geniusrise validate " + file + " --classpath PATH" + System.lineSeparator());
        assertThat(validate.out()).contains("pipeline 'shout' is valid (1 task, 1 warning)");

        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: " + file + ":6:12: tasks[0].class: class com.acme.Uppercase was not "
                + "found on the classpath").doesNotContain("Exception");
    }

    @Test
    void withClasspathAMisspeltClassIsAnErrorSuggestingTheNearestClassThere() throws IOException {
        Path file = pipeline("bolt", "ai.geniusrise.cli.fixtures.UpercaseBolt");

        CliRun validate = CliRun.of("validate", file.toString(), "--classpath", classes.toString());

        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).isEqualTo("error: " + file + ":6:12: tasks[0].class: class "
                + "ai.geniusrise.cli.fixtures.UpercaseBolt was not found on the classpath; did you mean "
                + UppercaseBolt.class.getName() + "?" + System.lineSeparator());
    }

    @Test
    void withClasspathAClassOfTheOtherKindIsAnError() throws IOException {
        Path file = pipeline("spout", UppercaseBolt.class.getName());

        CliRun validate = CliRun.of("validate", file.toString(), "--classpath", classes.toString());

        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).startsWith("error: " + file + ":6:12: tasks[0].class: " + UppercaseBolt.class.getName()
                + " is a Bolt but the task has type: spout; change one of them");
    }

    @Test
    void withClasspathAClassWithoutAPublicNoArgumentConstructorIsAnError() throws IOException {
        Path file = pipeline("bolt", NoDefaultConstructorBolt.class.getName());

        CliRun validate = CliRun.of("validate", file.toString(), "--classpath", classes.toString());

        assertThat(validate.exitCode()).isEqualTo(2);
        assertThat(validate.err()).startsWith("error: " + file + ":6:12: tasks[0].class: class "
                + NoDefaultConstructorBolt.class.getName() + " has no public no-argument constructor");
    }

    @Test
    void withClasspathAGoodClassIsValidWithoutWarnings() throws IOException {
        Path file = pipeline("bolt", UppercaseBolt.class.getName());

        CliRun validate = CliRun.of("validate", file.toString(), "--classpath", classes.toString());

        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.err()).isEmpty();
        assertThat(validate.out()).contains("(1 task, 0 warnings)");
    }
}
