package ai.geniusrise.deploy;

import ai.geniusrise.core.runtime.TaskRunner;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricStatistic;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task's {@code deploy.autoscale} on ECS: an Application Auto Scaling scalable target on the
 * service's {@code ecs:service:DesiredCount} (min and max), and a target-tracking policy on the
 * CloudWatch metric of the lag the task publishes ({@link TaskRunner#LAG_METRIC_ENV}: each task
 * writes the lag of the partitions it is assigned as an Embedded Metric Format log line, which the
 * awslogs driver sends to CloudWatch Logs and CloudWatch turns into the metric). The policy tracks
 * the metric's {@code Average} over the tasks (total lag / tasks) at {@code lagPerReplica}, so the
 * desired count is total lag / lagPerReplica, as KEDA computes it on Kubernetes.
 *
 * @param target the request of {@code aws application-autoscaling register-scalable-target}
 * @param policy the request of {@code aws application-autoscaling put-scaling-policy}
 */
record EcsScaling(RegisterScalableTargetRequest target, PutScalingPolicyRequest policy) {

    /** How often a task writes its lag: CloudWatch's standard resolution. */
    static final String LAG_METRIC_INTERVAL = "60s";

    /** The scaling of service {@code serviceName} in cluster {@code clusterName} (a name, not an ARN). */
    static EcsScaling of(DeployedTask task, Autoscale scale, String clusterName, String serviceName) {
        String resource = "service/" + clusterName + "/" + serviceName;
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(DeployedTask.PIPELINE_LABEL, task.pipeline());
        tags.put(DeployedTask.TASK_LABEL, task.name());
        tags.put(DeployedTask.MANAGED_BY_LABEL, DeployedTask.MANAGER);
        RegisterScalableTargetRequest target = RegisterScalableTargetRequest.builder()
                .serviceNamespace(ServiceNamespace.ECS)
                .resourceId(resource)
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .minCapacity(scale.min())
                .maxCapacity(scale.max())
                .tags(tags)
                .build();
        PutScalingPolicyRequest policy = PutScalingPolicyRequest.builder()
                .policyName(DeployedTask.shorten(serviceName, 252) + "-lag")
                .serviceNamespace(ServiceNamespace.ECS)
                .resourceId(resource)
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .policyType(PolicyType.TARGET_TRACKING_SCALING)
                .targetTrackingScalingPolicyConfiguration(c -> c
                        .targetValue((double) scale.lagPerReplica())
                        .customizedMetricSpecification(m -> m
                                .namespace(TaskRunner.LAG_METRIC_NAMESPACE)
                                .metricName(TaskRunner.LAG_METRIC_NAME)
                                .dimensions(d -> d.name("Pipeline").value(task.pipeline()),
                                        d -> d.name("Task").value(task.name()))
                                .statistic(MetricStatistic.AVERAGE)
                                .unit("Count")))
                .build();
        return new EcsScaling(target, policy);
    }
}
