package ai.geniusrise.core.spi;

import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Checks rules that join these settings with the task (an ECS cluster given by ARN for a
     * scheduled task); throws {@link Settings#error} for the key at fault. Run when the pipeline
     * file is loaded and again when the task is deployed. A {@code deploy:} naming no target is
     * checked by every target: rules of one target alone apply when {@code deploy.target} names it.
     */
    default void check(TaskSpec task, Settings settings) {
    }

    /** The deploy targets on the classpath, in the order found. */
    static List<DeployTarget> all() {
        return Providers.load(DeployTarget.class);
    }

    /** The target named {@code target} on the classpath, if any. */
    static Optional<DeployTarget> find(String target) {
        return all().stream().filter(t -> t.target().equals(target)).findFirst();
    }

    /**
     * What a {@code deploy:} mapping naming {@code target} (or none: {@code null}) is read with: the
     * target's settings, accepting the keys only other targets read (a pipeline's defaults may
     * carry both); with no target named, every target's settings.
     */
    static SettingsDef definitionFor(String target) {
        List<DeployTarget> targets = all();
        Optional<DeployTarget> named = targets.stream().filter(t -> t.target().equals(target)).findFirst();
        SettingsDef union = SettingsDef.of("deploy settings");
        for (DeployTarget t : targets) {
            for (Setting<?> s : t.settings().settings()) {
                if (union.setting(s.name()) == null) {
                    union = union.with(s);
                }
            }
        }
        if (named.isEmpty()) {
            return union;
        }
        SettingsDef own = named.get().settings();
        Set<String> others = new LinkedHashSet<>();
        for (Setting<?> s : union.settings()) {
            if (own.setting(s.name()) == null) {
                others.add(s.name());
            }
        }
        return own.ignoring(others);
    }
}
