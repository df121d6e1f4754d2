package ai.geniusrise.io.commit;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.config.BatchInputConfig;

import java.nio.file.Path;
import java.nio.file.PathMatcher;

/**
 * The {@code glob} of a batch input of geniusrise-io (local files, S3): which objects under the
 * input location it reads, by their path relative to that location. Internal to geniusrise-io.
 * Immutable; safe from any thread.
 */
public final class InputGlob {

    private final PathMatcher matcher;

    /**
     * The glob of an input config.
     *
     * @param glob the config's glob, or null to read every object
     * @throws ConfigException if the glob is not a valid one
     */
    public InputGlob(String glob) {
        this.matcher = glob == null ? null : BatchInputConfig.globMatcher(glob);
    }

    /** True if the input reads the object at this path relative to the input location. */
    public boolean matches(Path relative) {
        return matcher == null || matcher.matches(relative);
    }

    /** True if the input reads the object at this {@code /}-separated name relative to the input location. */
    public boolean matches(String relative) {
        return matcher == null || matcher.matches(Path.of(relative));
    }
}
