package ai.geniusrise.io.commit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commit markers every batch store of geniusrise-io writes under a destination's
 * {@code _geniusrise/} folder, independent of where they are stored: their names, their JSON,
 * and the rule that decides which parts are visible. Shared by the local-file and S3 storages
 * so that both publish and read runs the same way; not part of the user-facing API.
 *
 * <p>A run writes {@code pending-<runId>.json} before it publishes parts, then
 * {@code commit-<runId>.json} after, then deletes the pending marker. Both list the run's
 * parts and the attempt (one output instance) that wrote them. Stateless; safe from any thread.
 */
public final class CommitMarkers {

    /** The folder, under a destination, holding markers and temporary parts. */
    public static final String FOLDER = "_geniusrise";
    /** The sub-folder of {@link #FOLDER} holding temporary parts, one folder per attempt. */
    public static final String TMP = "tmp";
    private static final String COMMIT_PREFIX = "commit-";
    private static final String PENDING_PREFIX = "pending-";
    private static final String SUFFIX = ".json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern PART_NAME = Pattern.compile("(.+)-[0-9]{5,}(\\.[A-Za-z0-9.]*)?");

    private CommitMarkers() {
    }

    /** A marker's content: the run, the attempt that wrote it (an output instance) and the parts. */
    public record Marker(String runId, String attempt, List<String> parts) {
    }

    /**
     * A marker as found in a store: its file name (without folder), its content and when it was
     * written, by whatever clock orders the store's markers (file modification time, or the
     * time written inside the marker).
     */
    public record Found(String fileName, Marker marker, Instant writtenAt) {
    }

    /** The file name of a run's pending marker. */
    public static String pendingName(String runId) {
        return PENDING_PREFIX + fileSafe(runId) + SUFFIX;
    }

    /** The file name of a run's commit marker. */
    public static String commitName(String runId) {
        return COMMIT_PREFIX + fileSafe(runId) + SUFFIX;
    }

    /**
     * The start of the file names of the commit markers of runs whose id starts with
     * {@code runIdPrefix}: what to list to find them.
     */
    public static String commitNamePrefix(String runIdPrefix) {
        return COMMIT_PREFIX + fileSafe(runIdPrefix);
    }

    /**
     * The run id of a commit marker's file name ({@code %XX} decoded), or {@code null} when
     * {@code fileName} is not the name of a commit marker.
     */
    public static String committedRunId(String fileName) {
        if (!fileName.startsWith(COMMIT_PREFIX) || !fileName.endsWith(SUFFIX)) {
            return null;
        }
        String safe = fileName.substring(COMMIT_PREFIX.length(), fileName.length() - SUFFIX.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(safe.length());
        for (int i = 0; i < safe.length(); i++) {
            char c = safe.charAt(i);
            if (c == '%' && i + 2 < safe.length()) {
                bytes.write(Integer.parseInt(safe, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * The stem of a part: its name without folders, sequence number and suffix
     * ({@code dt=2024-05-01/part-clean-3f2a9c01b7de-00002.jsonl.gz} has the stem
     * {@code part-clean-3f2a9c01b7de}), or {@code null} for a name without a sequence number.
     * The runtime names the parts of one writer {@code [folders/]<stem>-<nnnnn>}, with a stem made of
     * the task, the input object or shard, so two runs write parts of the same stem only when
     * they are attempts at the same work: a committed run's stems name the parts that earlier,
     * killed attempts at its work left behind.
     */
    public static String partStem(String name) {
        Matcher m = PART_NAME.matcher(name.substring(name.lastIndexOf('/') + 1));
        return m.matches() ? m.group(1) : null;
    }

    /** The stems of {@code partNames} (those that have one). */
    public static Set<String> partStems(Collection<String> partNames) {
        Set<String> stems = new HashSet<>();
        for (String name : partNames) {
            String stem = partStem(name);
            if (stem != null) {
                stems.add(stem);
            }
        }
        return stems;
    }

    /** Whether {@code fileName} is the name of a pending or commit marker. */
    public static boolean isMarkerName(String fileName) {
        return fileName.endsWith(SUFFIX) && (fileName.startsWith(COMMIT_PREFIX) || fileName.startsWith(PENDING_PREFIX));
    }

    /** The JSON of a pending marker started at {@code at}. */
    public static byte[] pendingJson(Marker marker, Instant at) throws IOException {
        return json(marker, "startedAt", at);
    }

    /** The JSON of a commit marker committed at {@code at}. */
    public static byte[] commitJson(Marker marker, Instant at) throws IOException {
        return json(marker, "committedAt", at);
    }

    /**
     * Parses a marker.
     *
     * @param where the marker's location, for the message
     * @throws IOException if it is not a marker of ours
     */
    public static Marker parse(byte[] content, String where) throws IOException {
        JsonNode n = tree(content, where);
        JsonNode parts = n.get("parts");
        List<String> names = new ArrayList<>(parts.size());
        parts.forEach(p -> names.add(p.asText()));
        return new Marker(n.get("runId").asText(), n.path("attempt").asText(""), List.copyOf(names));
    }

    /**
     * The time written inside a marker ({@code committedAt} or {@code startedAt}), or
     * {@code null} if it has none.
     *
     * @throws IOException if it is not a marker of ours
     */
    public static Instant writtenAt(byte[] content, String where) throws IOException {
        JsonNode n = tree(content, where);
        JsonNode at = n.has("committedAt") ? n.get("committedAt") : n.get("startedAt");
        if (at == null || !at.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(at.asText());
        } catch (DateTimeParseException e) {
            throw new IOException("commit marker " + where + " is not valid: '" + at.asText()
                    + "' is not an ISO-8601 instant", e);
        }
    }

    private static JsonNode tree(byte[] content, String where) throws IOException {
        try {
            JsonNode n = JSON.readTree(content);
            JsonNode parts = n == null ? null : n.get("parts");
            if (n == null || !n.path("runId").isTextual() || parts == null || !parts.isArray()) {
                throw new IOException("commit marker " + where + " is not valid: expected a JSON object with "
                        + "\"runId\" and \"parts\"");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IOException("commit marker " + where + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The visible parts, given the markers found in one {@code _geniusrise/} folder: those
     * listed by a commit marker, less those listed by an unmatched pending marker (one whose run
     * has no commit marker of the same attempt: a commit in progress, or one that crashed while
     * publishing parts). A part listed by an unmatched pending marker stays visible only if a
     * commit marker listing it was written after the pending marker (a later run that published
     * it again). Entries whose names are not marker names are ignored.
     */
    public static Set<String> visibleParts(List<Found> markers) {
        Map<String, Marker> commits = new HashMap<>();
        Map<String, Instant> latestCommitOfPart = new HashMap<>();
        List<Found> pendings = new ArrayList<>();
        for (Found f : markers) {
            if (!f.fileName().endsWith(SUFFIX)) {
                continue;
            }
            if (f.fileName().startsWith(COMMIT_PREFIX)) {
                commits.put(f.marker().runId(), f.marker());
                for (String part : f.marker().parts()) {
                    latestCommitOfPart.merge(part, f.writtenAt(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            } else if (f.fileName().startsWith(PENDING_PREFIX)) {
                pendings.add(f);
            }
        }
        Set<String> visible = new HashSet<>(latestCommitOfPart.keySet());
        for (Found f : pendings) {
            Marker p = f.marker();
            Marker c = commits.get(p.runId());
            if (c != null && c.attempt().equals(p.attempt())) {
                continue;
            }
            for (String part : p.parts()) {
                Instant committed = latestCommitOfPart.get(part);
                if (committed == null || committed.compareTo(f.writtenAt()) <= 0) {
                    visible.remove(part);
                }
            }
        }
        return visible;
    }

    /**
     * Checks a part name given to {@code BatchOutput.createPart}: a relative path with {@code /}
     * between folders, no empty, {@code .} or {@code ..} segment, none starting with {@code _} or
     * {@code .} (readers skip those as hidden).
     *
     * @throws IllegalArgumentException if it is not such a name
     */
    public static void checkPartName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("part name must not be empty");
        }
        if (name.startsWith("/") || name.contains("\\")) {
            throw new IllegalArgumentException("part name '" + name + "' must be a relative path with '/' "
                    + "between folders, such as dt=2024-01-01/part-00000");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("part name '" + name + "' has an empty, '.' or '..' segment");
            }
            if (segment.startsWith("_") || segment.startsWith(".")) {
                throw new IllegalArgumentException("part name '" + name + "' has segment '" + segment
                        + "' starting with '_' or '.', which readers skip as hidden");
            }
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

    /** A run id as a file-name fragment: letters, digits and {@code . _ = + -} kept, other bytes as {@code %XX}. */
    public static String fileSafe(String runId) {
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
