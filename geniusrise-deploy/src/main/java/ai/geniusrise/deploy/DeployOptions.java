package ai.geniusrise.deploy;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.spi.DeployTarget;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A task's {@code deploy:} settings as typed values, read with the {@link DeploySettings} every
 * target declares (a pipeline's defaults may carry both targets' keys; each manager reads its own).
 * The pipeline parser has checked them when the file was loaded; mistakes found here (a value
 * from {@code --deploy KEY=VALUE}) are located at the task.
 */
final class DeployOptions {

    private final TaskSpec task;
    private final Settings settings;

    DeployOptions(TaskSpec task) {
        this.task = task;
        try {
            this.settings = DeployTarget.definitionFor(null).parse(task.deployment().target(), "deploy.");
        } catch (ConfigException e) {
            throw task.locate(e);
        }
    }

    /** The value of {@code setting}: as written, else its default, else {@code null}. */
    <T> T get(Setting<T> setting) {
        return settings.get(setting);
    }

    /** True when {@code setting} was written. */
    boolean isSet(Setting<?> setting) {
        return settings.isSet(setting);
    }

    /**
     * Checks settings given on a command line, {@code --deploy KEY=VALUE}: a mistake (an unknown
     * key, a value its setting refuses) is reported as coming from there, not from the tasks they
     * are put over.
     */
    static void checkCommandLine(Map<String, String> settings) {
        SettingsDef known = DeployTarget.definitionFor(null);
        settings.forEach((key, value) -> {
            Setting<?> setting = known.setting(key);
            if (setting == null) {
                throw commandLine(key, value, known.unknownKey(key));
            }
            try {
                setting.parse(value);
            } catch (IllegalArgumentException e) {
                throw commandLine(key, value, e.getMessage());
            }
        });
    }

    /**
     * {@code deploy.autoscale} checked against the task (see {@link DeploySettings#checkAutoscale}),
     * or {@code null} when it is not written.
     */
    Settings autoscale() {
        if (!settings.isSet(DeploySettings.AUTOSCALE)) {
            return null;
        }
        try {
            DeploySettings.checkAutoscale(task, settings);
        } catch (ConfigException e) {
            throw task.locate(e);
        }
        return settings.get(DeploySettings.AUTOSCALE);
    }

    /**
     * Checks {@code task}, whose {@code deploy:} has the command line's {@code settings} put over
     * it, against the checks of {@code target} across settings; a mistake in a key the command line
     * gave is reported as the command line's, any other is left to the manager.
     */
    static void checkCommandLine(Map<String, String> settings, TaskSpec task, String target) {
        Optional<DeployTarget> found = DeployTarget.find(target);
        if (settings.isEmpty() || found.isEmpty()) {
            return;
        }
        try {
            // the target the command names, as if deploy.target said it (the file may leave it to --target)
            Map<String, Object> deploy = new LinkedHashMap<>(task.deployment().target());
            deploy.put(DeploySettings.TARGET.name(), target);
            found.get().check(task, DeployTarget.definitionFor(target).parse(deploy, ""));
        } catch (ConfigException e) {
            String key = e.path() == null ? "" : e.path().split("\\.", 2)[0];
            if (settings.containsKey(key)) {
                throw commandLine(key, settings.get(key), e.problem());
            }
        }
    }

    private static ConfigException commandLine(String key, String value, String problem) {
        return new ConfigException("--deploy " + key + "=" + value, problem);
    }

    /** The target named by {@code deploy.target}, or {@code null}. */
    String target() {
        return get(DeploySettings.TARGET);
    }

    /** A mistake in {@code deploy.<setting>} (or a key under it), located at the task. */
    ConfigException error(Setting<?> setting, String problem) {
        return error(setting.name(), problem);
    }

    ConfigException error(String key, String problem) {
        return task.locate(new ConfigException("deploy." + key, problem));
    }
}
