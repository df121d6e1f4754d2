package ai.geniusrise.deploy;

import java.util.Objects;

/**
 * One rendered deployment file.
 *
 * @param name    the file's path relative to the output folder, with {@code /} separators
 *                ({@code clicks-cleaner.yaml}, {@code cleaner.task-definition.json})
 * @param content its text, ending with a newline
 */
public record DeploymentFile(String name, String content) {

    /** Checks both are present. */
    public DeploymentFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }
}
