package ai.geniusrise.io;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.InputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.BuiltInTasks;
import ai.geniusrise.io.file.FileBatchStorage;
import ai.geniusrise.io.http.HttpFetchSpout;
import ai.geniusrise.io.http.HttpListenerSpout;
import ai.geniusrise.io.kafka.KafkaStreamingEngine;
import ai.geniusrise.io.tcp.TcpListenerSpout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The spouts of geniusrise-io that a pipeline gets by naming a source without a {@code class:}.
 * Found by {@link java.util.ServiceLoader}; stateless.
 *
 * <table>
 *   <caption>Which spout serves which input</caption>
 *   <tr><th>inputConfig</th><th>spout</th></tr>
 *   <tr><td>{@code type: streaming, source: http://host:port/path}</td>
 *       <td>{@link ai.geniusrise.io.http.HttpListenerSpout}</td></tr>
 *   <tr><td>{@code type: streaming, source: tcp://host:port}</td>
 *       <td>{@link ai.geniusrise.io.tcp.TcpListenerSpout}</td></tr>
 *   <tr><td>{@code type: streaming, source: <topic>} (no scheme)</td>
 *       <td>{@code ai.geniusrise.io.kafka.KafkaBridgeSpout}</td></tr>
 *   <tr><td>{@code type: batch, source: http(s)://host/path}</td>
 *       <td>{@link ai.geniusrise.io.http.HttpFetchSpout}</td></tr>
 *   <tr><td>{@code type: batch, source: file:///dir}, or a path</td>
 *       <td>{@link ai.geniusrise.io.file.FileSourceSpout}</td></tr>
 * </table>
 */
public final class BuiltInSpouts implements BuiltInTasks {

    /** Kafka's legal topic characters: a source made of them alone names a topic. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]+");

    /** For {@link java.util.ServiceLoader}. */
    public BuiltInSpouts() {
    }

    @Override
    public String classFor(TaskSpec.Kind kind, InputConfig input) {
        if (kind != TaskSpec.Kind.SPOUT) {
            return null;
        }
        if (input instanceof BatchInputConfig batch) {
            return switch (batch.scheme()) {
                case "http", "https" -> "ai.geniusrise.io.http.HttpFetchSpout";
                case "file" -> "ai.geniusrise.io.file.FileSourceSpout";
                default -> null;
            };
        }
        if (input instanceof StreamingInputConfig streaming) {
            String source = streaming.source().trim();
            if (TOPIC.matcher(source).matches()) {
                return "ai.geniusrise.io.kafka.KafkaBridgeSpout";
            }
            int colon = source.indexOf("://");
            String scheme = colon > 0 ? source.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            return switch (scheme) {
                case "http" -> "ai.geniusrise.io.http.HttpListenerSpout";
                case "tcp" -> "ai.geniusrise.io.tcp.TcpListenerSpout";
                default -> null;
            };
        }
        return null;
    }

    @Override
    public SettingsDef settings(TaskSpec.Kind kind, InputConfig input) {
        String className = classFor(kind, input);
        if (className == null) {
            return null;
        }
        return switch (className) {
            case "ai.geniusrise.io.http.HttpListenerSpout" -> HttpListenerSpout.SETTINGS;
            case "ai.geniusrise.io.tcp.TcpListenerSpout" -> TcpListenerSpout.SETTINGS;
            case "ai.geniusrise.io.kafka.KafkaBridgeSpout" -> KafkaStreamingEngine.PROPERTIES;
            case "ai.geniusrise.io.file.FileSourceSpout" -> new FileBatchStorage().settings();
            default -> HttpFetchSpout.SETTINGS;
        };
    }

    @Override
    public Map<String, SettingsDef> allSettings() {
        Map<String, SettingsDef> all = new LinkedHashMap<>();
        all.put("http-listener", HttpListenerSpout.SETTINGS);
        all.put("tcp-listener", TcpListenerSpout.SETTINGS);
        all.put("http-fetch", HttpFetchSpout.SETTINGS);
        return all;
    }

    @Override
    public List<String> served() {
        return List.of("streaming spout from http://host:port/path (HTTP listener)",
                "streaming spout from tcp://host:port (TCP lines listener)",
                "streaming spout from a Kafka topic name (Kafka bridge)",
                "batch spout from http(s)://host/path (HTTP fetch)",
                "batch spout from file:///path or a path (local files)");
    }
}
