package ai.geniusrise.io.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code _geniusrise/} folder of a destination: pending and commit markers, read and
 * written. See {@link FileBatchStorage} for the protocol. Markers are written to a hidden
 * temporary name, forced to disk, then renamed atomically, so a reader sees a whole marker or
 * none. Stateless; safe from any thread.
 */
final class CommitMarkers {

    /** The folder, under a destination, holding markers and temporary parts. */
    static final String FOLDER = "_geniusrise";
    static final String TMP = "tmp";
    private static final String COMMIT_PREFIX = "commit-";
    private static final String PENDING_PREFIX = "pending-";
    private static final String SUFFIX = ".json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private CommitMarkers() {
    }

    /** A marker's content: the run, the attempt that wrote it (an output instance) and the parts. */
    record Marker(String runId, String attempt, List<String> parts) {
    }

    static Path pendingFile(Path folder, String runId) {
        return folder.resolve(PENDING_PREFIX + fileSafe(runId) + SUFFIX);
    }

    static Path commitFile(Path folder, String runId) {
        return folder.resolve(COMMIT_PREFIX + fileSafe(runId) + SUFFIX);
    }

    static void writePending(Path folder, Marker marker, Instant at) throws IOException {
        writeAtomically(pendingFile(folder, marker.runId()), json(marker, "startedAt", at));
    }

    static void writeCommit(Path folder, Marker marker, Instant at) throws IOException {
        writeAtomically(commitFile(folder, marker.runId()), json(marker, "committedAt", at));
    }

    /**
     * The committed parts under the destination whose marker folder is {@code folder}: those
     * listed by a commit marker, less those listed by an unmatched pending marker (one whose run
     * has no commit marker of the same attempt: a commit in progress, or one that crashed while
     * moving parts). A part listed by an unmatched pending marker stays visible only if a commit
     * marker listing it was written after the pending marker (a later run that published it
     * again); file modification times order the markers.
     */
    static Set<String> visibleParts(Path folder) throws IOException {
        Map<String, Marker> commits = new HashMap<>();
        Map<String, FileTime> latestCommitOfPart = new HashMap<>();
        List<Marker> pendings = new ArrayList<>();
        List<FileTime> pendingTimes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(COMMIT_PREFIX) && Files.isRegularFile(f)) {
                    FileTime written = Files.getLastModifiedTime(f);
                    Marker m = read(f);
                    commits.put(m.runId(), m);
                    for (String part : m.parts()) {
                        latestCommitOfPart.merge(part, written, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                    }
                } else if (name.startsWith(PENDING_PREFIX) && Files.isRegularFile(f)) {
                    pendingTimes.add(Files.getLastModifiedTime(f));
                    pendings.add(read(f));
                }
            }
        }
        Set<String> visible = new HashSet<>(latestCommitOfPart.keySet());
        for (int i = 0; i < pendings.size(); i++) {
            Marker p = pendings.get(i);
            Marker c = commits.get(p.runId());
            if (c != null && c.attempt().equals(p.attempt())) {
                continue;
            }
            FileTime started = pendingTimes.get(i);
            for (String part : p.parts()) {
                FileTime committed = latestCommitOfPart.get(part);
                if (committed == null || committed.compareTo(started) <= 0) {
                    visible.remove(part);
                }
            }
        }
        return visible;
    }

    private static Marker read(Path file) throws IOException {
        try {
            JsonNode n = JSON.readTree(file.toFile());
            JsonNode parts = n == null ? null : n.get("parts");
            if (n == null || !n.path("runId").isTextual() || parts == null || !parts.isArray()) {
                throw new IOException("commit marker " + file + " is not valid: expected a JSON object with "
                        + "\"runId\" and \"parts\"");
            }
            List<String> names = new ArrayList<>(parts.size());
            parts.forEach(p -> names.add(p.asText()));
            return new Marker(n.get("runId").asText(), n.path("attempt").asText(""), List.copyOf(names));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("commit marker " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static byte[] json(Marker marker, String timeField, Instant at) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("runId", marker.runId());
        ArrayNode parts = n.putArray("parts");
        marker.parts().forEach(parts::add);
        n.put(timeField, at.toString());
        n.put("attempt", marker.attempt());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
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

    /** A run id as a file-name fragment: letters, digits and {@code . _ = + -} kept, other bytes as {@code %XX}. */
    static String fileSafe(String runId) {
        StringBuilder sb = new StringBuilder(runId.length());
        for (byte b : runId.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '=' || c == '+' || c == '-') {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
