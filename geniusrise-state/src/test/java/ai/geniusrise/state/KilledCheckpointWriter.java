package ai.geniusrise.state;

import ai.geniusrise.core.config.StateConfig;
import ai.geniusrise.core.state.StateManager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@link CheckpointWriterProcess} in a child JVM against a state store, kills it with
 * SIGKILL once it has reported enough checkpoints, and checks with a fresh manager that every
 * checkpoint it reported done is stored.
 */
public final class KilledCheckpointWriter {

    private KilledCheckpointWriter() {
    }

    /**
     * Kills a checkpointing process after {@code reportedBeforeKill} checkpoints and checks them.
     *
     * @return how many checkpoints the process reported done
     */
    public static int killAndCheck(StateConfig config, int reportedBeforeKill) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        for (String p : List.of("aws.accessKeyId", "aws.secretAccessKey", "sqlite4java.library.path")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add(CheckpointWriterProcess.class.getName());
        cmd.add(config.type());
        for (Map.Entry<String, String> e : config.properties().entrySet()) {
            cmd.add(e.getKey() + "=" + e.getValue());
        }
        Path log = Files.createTempFile(Path.of("target"), "checkpoint-writer-", ".log");
        Process child = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        long lastDone = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("done ")) {
                    lastDone = Long.parseLong(line.substring(5));
                    if (lastDone + 1 == reportedBeforeKill) {
                        // SIGKILL through the handle: Process.destroyForcibly would also close our end of
                        // the pipe, losing the lines the child printed before it died
                        child.toHandle().destroyForcibly();
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(lastDone + 1).as("checkpoints reported before the kill (child's stderr: %s)", log)
                .isGreaterThanOrEqualTo(reportedBeforeKill);
        try (StateManager state = StateManager.open(config)) {
            for (long i = 0; i <= lastDone; i++) {
                assertThat(state.getString("processed/" + i)).as("checkpoint %d, reported done", i)
                        .contains(Long.toString(i));
            }
            long cursor = Long.parseLong(state.getString("cursor").orElseThrow());
            assertThat(cursor).as("cursor").isGreaterThanOrEqualTo(lastDone);
        }
        return (int) (lastDone + 1);
    }
}
