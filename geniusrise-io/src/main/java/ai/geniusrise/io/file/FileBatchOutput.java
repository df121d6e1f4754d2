package ai.geniusrise.io.file;

import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.io.commit.CommitMarkers;
import ai.geniusrise.io.commit.CommittablePart;
import ai.geniusrise.io.format.RecordCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One attempt at writing a run's output under a local folder, following the commit protocol
 * described in {@link FileBatchStorage}. {@link #createPart(String)} may be called from several
 * threads; {@link #commit}, {@link #abort()} and {@link #close()} are serialized.
 */
final class FileBatchOutput implements BatchOutput {

    private static final Logger LOG = LoggerFactory.getLogger(FileBatchOutput.class);

    private final BatchOutputConfig config;
    private final Path destination;
    private final Path markers;
    private final Path temporary;
    private final String attempt = UUID.randomUUID().toString();
    private final RecordCodec codec;
    private final Compression compression;
    private final String suffix;
    private final Clock clock;
    private final Map<String, FilePartWriter> parts = new ConcurrentHashMap<>();
    private final long openedAtMillis = System.currentTimeMillis();

    FileBatchOutput(BatchOutputConfig config, Path destination, RecordCodec codec, Clock clock) {
        this.config = config;
        this.destination = destination;
        this.markers = destination.resolve(CommitMarkers.FOLDER);
        this.temporary = markers.resolve(CommitMarkers.TMP).resolve(attempt);
        this.codec = codec;
        this.compression = config.compression();
        this.suffix = codec.suffix(compression);
        this.clock = clock;
    }

    /**
     * A part written to this attempt's temporary folder, invisible to readers until committed.
     *
     * @throws IllegalArgumentException if the name is not a relative path of visible segments
     * @throws IllegalStateException    if this output already created a part of that name
     */
    @Override
    public PartWriter createPart(String partName) throws IOException {
        CommitMarkers.checkPartName(partName);
        String finalName = partName + suffix;
        Path file = temporary.resolve(finalName);
        FileChannel channel = null;
        for (int attemptNo = 0; channel == null; attemptNo++) {
            try {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                throw new IllegalStateException("part '" + partName + "' was already created by this output of "
                        + location() + "; part names must be unique within a run");
            } catch (NoSuchFileException e) {
                // another attempt's abort removed an empty _geniusrise/ between our two calls
                if (attemptNo == 3) {
                    throw e;
                }
            }
        }
        PartWriter encoder;
        try {
            encoder = codec.writer(new SyncingFileOutputStream(channel), compression);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        FilePartWriter writer = new FilePartWriter(partName, file, finalName, encoder);
        parts.put(partName, writer);
        return writer;
    }

    @Override
    public synchronized void commit(String runId, List<String> partNames) throws IOException {
        Map<String, FilePartWriter> committing = CommittablePart.toCommit(runId, location(), partNames, parts);
        CommitMarkers.Marker marker = new CommitMarkers.Marker(runId, attempt, List.copyOf(committing.keySet()));
        Files.createDirectories(markers);
        FileMarkers.writePending(markers, marker, clock.instant());
        Set<Path> folders = new LinkedHashSet<>();
        for (FilePartWriter w : committing.values()) {
            Path target = destination.resolve(w.finalName());
            Files.createDirectories(target.getParent());
            Files.move(w.temporaryFile(), target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            folders.add(target.getParent());
        }
        for (Path folder : folders) {
            syncDirectory(folder);
        }
        FileMarkers.writeCommit(markers, marker, clock.instant());
        Files.deleteIfExists(FileMarkers.pendingFile(markers, runId));
        parts.clear();
        deleteTemporary();
        removeAbandoned(CommitMarkers.partStems(committing.keySet()));
    }

    /**
     * Deletes the temporary parts that earlier attempts at this run's work left when they were
     * killed: files in other attempts' folders, of the stems just committed, last written before
     * this output was opened. A shard or task writing at the same time writes other stems, and
     * its files are left alone. Failures are logged: the run is committed already.
     */
    private void removeAbandoned(Set<String> stems) {
        Path tmp = markers.resolve(CommitMarkers.TMP);
        if (stems.isEmpty() || !Files.isDirectory(tmp)) {
            return;
        }
        long[] removed = new long[2];
        try (DirectoryStream<Path> attempts = Files.newDirectoryStream(tmp, Files::isDirectory)) {
            for (Path other : attempts) {
                if (other.getFileName().toString().equals(attempt)) {
                    continue;
                }
                Files.walkFileTree(other, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (attrs.lastModifiedTime().toMillis() < openedAtMillis
                                && stems.contains(CommitMarkers.partStem(file.getFileName().toString()))) {
                            Files.deleteIfExists(file);
                            removed[0]++;
                            removed[1] += attrs.size();
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                        deleteIfEmpty(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            }
        } catch (IOException e) {
            LOG.warn("could not remove the temporary parts earlier attempts left under {}: {}", tmp, e.toString());
        }
        deleteIfEmptyQuietly(tmp);
        if (removed[0] > 0) {
            LOG.info("removed {} temporary part(s) ({} bytes) that killed earlier attempts left under {}", removed[0],
                    removed[1], tmp);
        }
    }

    private static void deleteIfEmptyQuietly(Path folder) {
        try {
            deleteIfEmpty(folder);
        } catch (IOException e) {
            LOG.debug("could not remove {}", folder, e);
        }
    }

    @Override
    public synchronized void abort() throws IOException {
        parts.clear();
        deleteTemporary();
        deleteIfEmpty(markers);
    }

    /** Lists the commit markers in {@code <dest>/_geniusrise/}; none when the folder does not exist. */
    @Override
    public List<String> committedRunIds(String prefix) throws IOException {
        return FileMarkers.committedRunIds(markers, prefix);
    }

    /** Aborts what was not committed. */
    @Override
    public void close() throws IOException {
        abort();
    }

    @Override
    public String location() {
        return config.destination();
    }

    private void deleteTemporary() throws IOException {
        if (Files.exists(temporary)) {
            Files.walkFileTree(temporary, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        deleteIfEmpty(temporary.getParent());
    }

    private static void deleteIfEmpty(Path folder) throws IOException {
        try {
            Files.deleteIfExists(folder);
        } catch (DirectoryNotEmptyException e) {
            // still used by another attempt or holding markers
        }
    }

    /** Forces a folder's entries (renames, new files) to disk; a no-op where folders cannot be opened. */
    static void syncDirectory(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on this platform or file system; the rename is still atomic
        }
    }

    @Override
    public String toString() {
        return "FileBatchOutput{" + destination + ", attempt " + attempt + "}";
    }
}
