package ai.geniusrise.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Writes a streaming task's consumer lag (the lag of the partitions this process is assigned) as
 * one CloudWatch Embedded Metric Format line every interval: on ECS the awslogs driver sends the
 * line to CloudWatch Logs, which turns it into the metric {@value TaskRunner#LAG_METRIC_NAME} of
 * namespace {@value TaskRunner#LAG_METRIC_NAMESPACE}, dimensions {@code Pipeline} and {@code Task}
 * — what the service's scaling policy tracks. No client, no dependency, no credentials. A line is
 * skipped while the lag is unknown (before the first assignment).
 */
final class LagMetricLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String pipeline;
    private final String task;
    private final LongSupplier lag;
    private final Consumer<String> out;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closed;

    LagMetricLog(String pipeline, String task, Duration every, LongSupplier lag, Consumer<String> out, Clock clock) {
        this.pipeline = pipeline;
        this.task = task;
        this.lag = lag;
        this.out = out;
        this.clock = clock;
        long millis = Math.max(1, every.toMillis());
        this.thread = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    return;
                }
                write();
            }
        }, "geniusrise-" + task + "-lag-metric");
        thread.setDaemon(true);
        thread.start();
    }

    private void write() {
        long value = lag.getAsLong();
        if (value >= 0 && !closed) {
            out.accept(line(value, clock.millis()));
        }
    }

    /** One EMF document: the metric's definition under {@code _aws}, its value and dimensions at the root. */
    String line(long value, long timestampMillis) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", timestampMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", TaskRunner.LAG_METRIC_NAMESPACE);
        ArrayNode dimensions = directive.putArray("Dimensions").addArray();
        dimensions.add("Pipeline").add("Task");
        directive.putArray("Metrics").addObject().put("Name", TaskRunner.LAG_METRIC_NAME).put("Unit", "Count");
        root.put("Pipeline", pipeline);
        root.put("Task", task);
        root.put(TaskRunner.LAG_METRIC_NAME, value);
        return root.toString();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
