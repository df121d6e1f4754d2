package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.TaskSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's {@code deploy:} settings, read with located errors. Both targets' keys are accepted
 * (a pipeline's defaults may carry both); each manager reads its own and ignores the others.
 */
final class DeployOptions {

    /** Keys every target reads. */
    static final List<String> COMMON = List.of("target", "httpPort", "maxRAMPercentage", "timeZone",
            "startupSeconds");
    /** Keys {@link K8sManager} reads. */
    static final List<String> K8S = List.of("namespace", "serviceAccount", "nodeSelector", "labels", "annotations",
            "imagePullPolicy", "backoffLimit", "ttlSecondsAfterFinished", "successfulJobsHistoryLimit",
            "failedJobsHistoryLimit", "activeDeadlineSeconds", "readOnlyRootFilesystem", "automountServiceAccountToken",
            "runAsUser", "podDisruptionBudget");
    /** Keys {@link ECSManager} reads. */
    static final List<String> ECS = List.of("cluster", "region", "accountId", "launchType", "subnets",
            "securityGroups", "assignPublicIp", "taskRoleArn", "executionRoleArn", "logGroup", "schedulerRoleArn",
            "targetGroupArn", "serviceConnectNamespace");
    /** Every key a target reads. */
    static final List<String> KNOWN = java.util.stream.Stream.of(COMMON, K8S, ECS).flatMap(List::stream).toList();

    private final TaskSpec task;
    private final Map<String, Object> values;

    DeployOptions(TaskSpec task) {
        this.task = task;
        this.values = task.deployment().target();
        for (String key : values.keySet()) {
            if (!KNOWN.contains(key)) {
                throw task.locate(ConfigException.unknownKey("deploy." + key, "deploy key", key, KNOWN));
            }
        }
    }

    /**
     * Checks settings given on a command line, {@code --deploy KEY=VALUE}: a mistake is reported as
     * coming from there, not from the tasks they are put over.
     */
    static void checkCommandLine(Map<String, String> settings) {
        settings.forEach((key, value) -> {
            if (!KNOWN.contains(key)) {
                throw ConfigException.unknownKey("--deploy " + key + "=" + value, "deploy key", key, KNOWN);
            }
        });
    }

    /** The target named by {@code deploy.target}, or {@code null}. */
    String target() {
        return text("target", null);
    }

    ConfigException error(String key, String problem) {
        return task.locate(new ConfigException("deploy." + key, problem));
    }

    String text(String key, String fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map || v instanceof List) {
            throw error(key, "expected text, got " + (v instanceof Map ? "a mapping" : "a list"));
        }
        String s = v.toString().trim();
        return s.isEmpty() ? fallback : s;
    }

    int integer(String key, int fallback, int min) {
        return integer(key, fallback, min, Integer.MAX_VALUE);
    }

    int integer(String key, int fallback, int min, int max) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = v instanceof Number num ? Math.toIntExact(num.longValue()) : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw error(key, "expected a whole number, got '" + v + "'");
        }
        if (n < min) {
            throw error(key, "expected a whole number of at least " + min + ", got " + n);
        }
        if (n > max) {
            throw error(key, "expected a whole number from " + min + " to " + max + ", got " + n);
        }
        return n;
    }

    boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw error(key, "expected true or false, got '" + v + "'");
    }

    /** A list of text: a YAML list, or one text of comma-separated items. */
    List<String> list(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> items) {
            for (Object item : items) {
                if (item == null || item instanceof Map || item instanceof List) {
                    throw error(key, "expected a list of text, got an item '" + item + "'");
                }
                out.add(item.toString().trim());
            }
        } else if (v instanceof Map) {
            throw error(key, "expected a list, got a mapping");
        } else {
            for (String item : v.toString().split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        }
        return List.copyOf(out);
    }

    /** A text map, in the order written. */
    Map<String, String> map(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw error(key, "expected a mapping, got '" + v + "'");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getValue() == null || e.getValue() instanceof Map || e.getValue() instanceof List) {
                throw error(key + "." + e.getKey(), "expected text, got '" + e.getValue() + "'");
            }
            out.put(String.valueOf(e.getKey()), e.getValue().toString());
        }
        return out;
    }
}
