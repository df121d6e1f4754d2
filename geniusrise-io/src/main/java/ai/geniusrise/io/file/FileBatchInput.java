package ai.geniusrise.io.file;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.RecordReader;
import ai.geniusrise.io.commit.CommitMarkers;
import ai.geniusrise.io.commit.InputGlob;
import ai.geniusrise.io.format.RecordCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The files under a local folder (or one file), as described in {@link FileBatchStorage}.
 * Thread-safe: it holds no mutable state, and each {@link #open(String)} makes its own reader.
 */
final class FileBatchInput implements BatchInput {

    private final BatchInputConfig config;
    private final Path location;
    private final RecordCodec codec;
    private final InputGlob glob;

    FileBatchInput(BatchInputConfig config, Path location, RecordCodec codec) {
        this.config = config;
        this.location = location;
        this.codec = codec;
        this.glob = new InputGlob(config.glob());
    }

    @Override
    public List<String> objects() throws IOException {
        if (!Files.exists(location)) {
            throw new NoSuchFileException(location.toString(), null, "input location does not exist (source: "
                    + config.source() + ")");
        }
        if (!Files.isReadable(location)) {
            throw new AccessDeniedException(location.toString(), null, "input location is not readable by this "
                    + "process (source: " + config.source() + ")");
        }
        if (Files.isRegularFile(location)) {
            return List.of(location.getFileName().toString());
        }
        if (!Files.isDirectory(location)) {
            throw new IOException(location + ": input location is neither a folder nor a regular file (source: "
                    + config.source() + ")");
        }
        Path markers = location.resolve(CommitMarkers.FOLDER);
        Set<String> committed = Files.isDirectory(markers) ? FileMarkers.visibleParts(markers) : null;
        List<String> names = new ArrayList<>();
        Files.walkFileTree(location, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return dir.equals(location) || !hidden(dir) ? FileVisitResult.CONTINUE
                                : FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && !hidden(file)) {
                            Path relative = location.relativize(file);
                            String name = slashed(relative);
                            if (glob.matches(relative)
                                    && (committed == null || committed.contains(name))) {
                                names.add(name);
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException || hidden(file)) {
                            return FileVisitResult.CONTINUE;
                        }
                        throw new IOException("cannot list " + file + " under input location " + location + ": "
                                + e.getMessage(), e);
                    }
                });
        Collections.sort(names);
        return List.copyOf(names);
    }

    private static boolean hidden(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith("_") || n.startsWith(".");
    }

    private static String slashed(Path relative) {
        if (relative.getNameCount() == 1) {
            return relative.toString();
        }
        StringBuilder sb = new StringBuilder();
        for (Path segment : relative) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(segment);
        }
        return sb.toString();
    }

    @Override
    public RecordReader open(String object) throws IOException {
        Path base = Files.isRegularFile(location) ? location.getParent() : location;
        Path file = base.resolve(object).normalize();
        if (!file.startsWith(base)) {
            throw new IllegalArgumentException("object '" + object + "' is outside the input location " + location);
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "object '" + object + "' of input " + config.source()
                    + " does not exist (deleted since it was listed?)");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(file.toString(), null, "object '" + object + "' of input "
                    + config.source() + " is not readable by this process");
        }
        return codec.reader(in, config.source(), object, config.compression());
    }

    @Override
    public void close() {
        // nothing is held between calls
    }

    @Override
    public String toString() {
        return "FileBatchInput{" + location + "}";
    }
}
