package ai.geniusrise.io.file;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.io.format.RecordCodec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Set;

/**
 * Batch storage on the local file system, for {@code file} locations: absolute paths,
 * {@code file:///...} URIs, or relative paths (resolved against the working directory).
 * Registered for {@link java.util.ServiceLoader}; stateless and thread-safe.
 *
 * <h2>Inputs</h2>
 * The objects of a folder are its regular files, recursively, named relative to the folder with
 * {@code /}, in sorted order. Names with a segment starting with {@code _} or {@code .} are
 * skipped, and the config's glob ({@code glob:} syntax of
 * {@link java.nio.file.FileSystem#getPathMatcher}) filters the relative names. A location that
 * is a file is read alone. If the folder holds a {@code _geniusrise/} folder (written by our
 * outputs), only parts listed by its commit markers are objects, less those a pending marker
 * without its matching commit names (see below). Lines are decoded by {@link RecordCodec}.
 *
 * <h2>Outputs: the commit protocol</h2>
 * Each output instance has an attempt id (a random UUID). For a destination {@code <dest>}:
 * <ol>
 *   <li>{@code createPart(name)} writes {@code <dest>/_geniusrise/tmp/<attempt>/<name>.<ext>[.gz]}
 *       ({@code ext} from the format, {@code .gz} for gzip); readers never list it. The part's
 *       {@code close()} flushes, finishes gzip, and forces the file to disk.</li>
 *   <li>{@code commit(runId, parts)}: (1) writes {@code <dest>/_geniusrise/pending-<runId>.json}
 *       listing the final names and the attempt; (2) moves each part with an atomic rename to
 *       {@code <dest>/<name>.<ext>[.gz]}, replacing what was there, creating sub-folders; (3)
 *       writes {@code <dest>/_geniusrise/commit-<runId>.json}
 *       {@code {"runId", "parts", "committedAt", "attempt"}}; (4) deletes the pending marker and
 *       the attempt's temporary folder (with any part not listed), then the temporary parts of
 *       other attempts, last written before this output was opened, whose part stem
 *       ({@link ai.geniusrise.io.commit.CommitMarkers#partStem}) is one just committed: what
 *       attempts at the same work left when they were killed.</li>
 *   <li>{@code abort()} (and {@code close()} without a commit) deletes the attempt's temporary
 *       folder, and {@code _geniusrise/} itself if nothing else is left in it.</li>
 * </ol>
 * Every marker is written to a hidden temporary name, forced to disk and renamed atomically, and
 * folders are synced after renames. Readers treat a pending marker whose run has no commit
 * marker of the same attempt as "in progress or crashed": its parts are hidden, even if an older
 * commit lists them, until a commit marker written after it lists them again. So a crash at any
 * step leaves either the previous committed state or nothing of the new run visible (never a
 * mix), and a re-run (with the same run id, which replaces the markers, or another) converges on
 * the same output. Run ids are kept in the markers as given; in file names, bytes other than letters,
 * digits and {@code . _ = + -} are written {@code %XX}.
 */
public final class FileBatchStorage implements BatchStorage {

    /** The storage; public for {@link java.util.ServiceLoader}. */
    public FileBatchStorage() {
    }

    /** The options of a file location: the formats' alone. */
    static final SettingsDef DEFINITION = RecordCodec.OPTIONS.ownedBy("the options of a file location");

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public SettingsDef settings() {
        return DEFINITION;
    }

    /**
     * An input over {@code config.source()}. Nothing is read yet: a missing folder is reported by
     * {@link BatchInput#objects()}.
     *
     * @param context used for nothing but may be {@code null}
     * @throws ConfigException if the location or the glob is not valid
     */
    @Override
    public BatchInput openInput(BatchInputConfig config, TaskContext context) {
        return new FileBatchInput(config, resolve(config.source(), "source"), RecordCodec.forInput(config,
                DEFINITION.parse(config.options(), "options.")));
    }

    /**
     * An output under {@code config.destination()}; folders are created as parts are written.
     *
     * @param context its clock dates the commit markers; may be {@code null} (the system clock)
     * @throws ConfigException if the location is not valid
     * @throws IOException     if the destination exists and is not a folder
     */
    @Override
    public BatchOutput openOutput(BatchOutputConfig config, TaskContext context) throws IOException {
        Path dest = resolve(config.destination(), "destination");
        if (Files.exists(dest) && !Files.isDirectory(dest)) {
            throw new IOException("output destination " + dest + " exists and is not a folder");
        }
        Clock clock = context == null ? Clock.systemUTC() : context.clock();
        return new FileBatchOutput(config, dest, RecordCodec.forOutput(config), clock);
    }

    /**
     * The absolute, normalized path of a {@code file} location.
     *
     * @param configKey the config field holding it, for the error message
     * @throws ConfigException if it is neither a path nor a {@code file:} URI of this machine
     */
    static Path resolve(String location, String configKey) {
        try {
            if (location.regionMatches(true, 0, "file:", 0, 5)) {
                URI uri = URI.create(location);
                if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()
                        && !"localhost".equalsIgnoreCase(uri.getAuthority())) {
                    throw new ConfigException(configKey, "'" + location + "' names host '" + uri.getAuthority()
                            + "'; file locations are on this machine: file:///absolute/path or a path");
                }
                if (uri.getPath() == null || uri.getPath().isEmpty()) {
                    return Paths.get(uri.getSchemeSpecificPart()).toAbsolutePath().normalize();
                }
                return Paths.get(uri.getPath()).toAbsolutePath().normalize();
            }
            return Paths.get(location).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new ConfigException(configKey, "'" + location + "' is not a valid file location: " + e.getMessage()
                    + " (expected file:///absolute/path or a path)", e);
        }
    }
}
