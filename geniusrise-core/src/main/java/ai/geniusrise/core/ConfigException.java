package ai.geniusrise.core;

import ai.geniusrise.core.settings.Suggestions;

import java.util.Collection;

/**
 * A user's configuration is wrong: a pipeline file, a task spec, a config built in code, or a
 * task class that cannot be used. The message says where (file:line:column when known, and the
 * path of the field) and what was expected. Commands exit with code 2 on it.
 *
 * <p>Example: {@code pipeline.yaml:14:17: tasks[1].config.outputConfig.format: expected one of
 * jsonl, csv, text, raw, got 'xml'}.
 */
public class ConfigException extends RuntimeException {

    private final String file;
    private final int line;
    private final int column;
    private final String path;
    private final String problem;

    /** A mistake in the field at {@code path} (e.g. {@code outputConfig.format}; {@code null} when not about one field). */
    public ConfigException(String path, String problem) {
        this(null, 0, 0, path, problem, null);
    }

    /** A mistake with a cause that explains it further. */
    public ConfigException(String path, String problem, Throwable cause) {
        this(null, 0, 0, path, problem, cause);
    }

    private ConfigException(String file, int line, int column, String path, String problem, Throwable cause) {
        super(render(file, line, column, path, problem), cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.path = path;
        this.problem = problem;
    }

    /**
     * This mistake, placed in a file at a 1-based line and column, under the field path
     * {@code fullPath} (which replaces the path this exception had).
     */
    public ConfigException locatedAt(String inFile, int atLine, int atColumn, String fullPath) {
        ConfigException e = new ConfigException(inFile, atLine, atColumn, fullPath, problem, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The file the mistake is in, or {@code null}. */
    public String file() {
        return file;
    }

    /** 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column, or 0 when unknown. */
    public int column() {
        return column;
    }

    /** The path of the field at fault, such as {@code tasks[1].config.outputConfig.format}, or {@code null}. */
    public String path() {
        return path;
    }

    /** What is wrong and what was expected, without the location. */
    public String problem() {
        return problem;
    }

    /**
     * A key that is none of {@code known}, at {@code path}: "unknown {@code kind} 'key'; did you mean
     * 'x'?" when one of them is {@linkplain Suggestions#nearest close}, else listing them all.
     */
    public static ConfigException unknownKey(String path, String kind, String key, Collection<String> known) {
        String near = Suggestions.nearest(key, known);
        return new ConfigException(path, "unknown " + kind + " '" + key + "'" + (near != null
                ? "; did you mean '" + near + "'?" : "; expected one of: " + String.join(", ", known)));
    }

    private static String render(String file, int line, int column, String path, String problem) {
        StringBuilder sb = new StringBuilder();
        if (file != null) {
            sb.append(file);
            if (line > 0) {
                sb.append(':').append(line).append(':').append(column);
            }
            sb.append(": ");
        }
        if (path != null && !path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(problem).toString();
    }
}
