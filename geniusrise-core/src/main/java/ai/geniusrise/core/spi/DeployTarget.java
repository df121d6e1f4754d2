package ai.geniusrise.core.spi;

import ai.geniusrise.core.settings.SettingsDef;

import java.util.List;

/**
 * Service-provider interface of a deploy target's settings ({@code deploy.target: k8s}): what the
 * {@code deploy:} mapping of a task (and of {@code defaults:}) may hold when the task is deployed
 * there. Listed in {@code META-INF/services/ai.geniusrise.core.spi.DeployTarget} by the module that
 * deploys (geniusrise-deploy), so the pipeline parser checks {@code deploy:} when the file is loaded
 * without depending on a platform's client. Implementations need a public no-argument constructor.
 */
public interface DeployTarget {

    /** The value of {@code deploy.target} this serves, such as {@code k8s} or {@code ecs}. */
    String target();

    /** Every key of {@code deploy:} this target reads, {@code target} itself included. */
    SettingsDef settings();

    /** The deploy targets on the classpath, in the order found. */
    static List<DeployTarget> all() {
        return Providers.load(DeployTarget.class);
    }
}
