package ai.geniusrise.deploy;

import ai.geniusrise.core.config.Ordering;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.settings.Settings;

/**
 * A task's {@code deploy.autoscale}, checked for deployment: how many replicas at least and at
 * most, and how much consumer lag one replica is given. Kubernetes renders it as a KEDA
 * {@code ScaledObject} ({@link KedaObjects}), ECS as an Application Auto Scaling target and
 * policy ({@link ECSManager}).
 *
 * @param min           fewest replicas
 * @param max           most replicas
 * @param lagPerReplica records of lag per replica
 * @param input         the Kafka input the lag is of
 */
record Autoscale(int min, int max, int lagPerReplica, StreamingInputConfig input) {

    /** The task's autoscaling, or {@code null} when {@code deploy.autoscale} is not written. */
    static Autoscale of(DeployedTask task) {
        Settings s = task.options().autoscale();
        if (s == null) {
            return null;
        }
        return new Autoscale(s.get(DeploySettings.AUTOSCALE_MIN), s.get(DeploySettings.AUTOSCALE_MAX),
                s.get(DeploySettings.AUTOSCALE_LAG), (StreamingInputConfig) task.spec().input());
    }

    /** The consumer group of the task's members: its {@code groupId}, else {@code <pipeline>.<task>}. */
    String consumerGroup(DeployedTask task) {
        return input.groupId() != null ? input.groupId() : task.pipeline() + "." + task.name();
    }

    /**
     * Whether one replica processes records of one partition concurrently ({@code ordering: key}
     * or {@code none}), which raises what a replica does, not how many replicas the partitions
     * keep busy.
     */
    boolean keyedConcurrency() {
        return input.ordering() != Ordering.PARTITION;
    }
}
