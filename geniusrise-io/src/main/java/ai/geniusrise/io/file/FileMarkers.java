package ai.geniusrise.io.file;

import ai.geniusrise.io.commit.CommitMarkers;
import ai.geniusrise.io.commit.CommitMarkers.Marker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code _geniusrise/} folder of a local destination: {@link CommitMarkers} read and written
 * as files. See {@link FileBatchStorage} for the protocol. Markers are written to a hidden
 * temporary name, forced to disk, then renamed atomically, so a reader sees a whole marker or
 * none; file modification times order them. Stateless; safe from any thread.
 */
final class FileMarkers {

    private FileMarkers() {
    }

    static Path pendingFile(Path folder, String runId) {
        return folder.resolve(CommitMarkers.pendingName(runId));
    }

    static void writePending(Path folder, Marker marker, Instant at) throws IOException {
        writeAtomically(pendingFile(folder, marker.runId()), CommitMarkers.pendingJson(marker, at));
    }

    static void writeCommit(Path folder, Marker marker, Instant at) throws IOException {
        writeAtomically(folder.resolve(CommitMarkers.commitName(marker.runId())), CommitMarkers.commitJson(marker, at));
    }

    /** The committed parts under the destination whose marker folder is {@code folder}. */
    static Set<String> visibleParts(Path folder) throws IOException {
        List<CommitMarkers.Found> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (CommitMarkers.isMarkerName(name) && Files.isRegularFile(f)) {
                    Instant written = Files.getLastModifiedTime(f).toInstant();
                    found.add(new CommitMarkers.Found(name, CommitMarkers.parse(Files.readAllBytes(f), f.toString()),
                            written));
                }
            }
        }
        return CommitMarkers.visibleParts(found);
    }

    /** The run ids of the commit markers in {@code folder} starting with {@code prefix}; none if it does not exist. */
    static List<String> committedRunIds(Path folder, String prefix) throws IOException {
        List<String> ids = new ArrayList<>();
        String start = CommitMarkers.commitNamePrefix(prefix);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder,
                f -> f.getFileName().toString().startsWith(start))) {
            for (Path f : files) {
                String id = CommitMarkers.committedRunId(f.getFileName().toString());
                if (id != null) {
                    ids.add(id);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        }
        return ids;
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        FileBatchOutput.syncDirectory(target.getParent());
    }
}
