package ai.geniusrise.core.state;

import ai.geniusrise.testkit.ManualClock;
import ai.geniusrise.testkit.StateManagerContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The state manager contract over {@link FileStateManager} on a manual clock, and what it keeps across opens. */
class FileStateManagerContractTest extends StateManagerContract {

    private final ManualClock clock = new ManualClock();

    @TempDir
    Path dir;

    @Override
    protected StateManager createManager() {
        return FileStateManager.open(dir.resolve("state"), clock);
    }

    @Override
    protected boolean supportsManualTime() {
        return true;
    }

    @Override
    protected void advanceTime(Duration amount) {
        clock.advance(amount);
    }

    @Test
    void whatWasWrittenIsThereAfterTheFolderIsOpenedAgain() {
        Path folder = dir.resolve("kept");
        try (StateManager first = FileStateManager.open(folder)) {
            first.putString("a/1", "one");
            first.putString("a/2", "two");
            first.put("a/2", "zwei".getBytes(StandardCharsets.UTF_8));
            first.putString("b", "gone");
            first.delete("b");
        }
        try (StateManager second = FileStateManager.open(folder)) {
            assertThat(second.keys("")).containsExactly("a/1", "a/2");
            assertThat(second.getString("a/2")).contains("zwei");
            assertThat(second.get("a/2").orElseThrow().version()).isEqualTo(2);
            assertThat(second.compareAndSet("a/2", 2, new byte[] {1})).isPresent();
        }
    }

    @Test
    void aLineCutShortByACrashIsIgnored() throws IOException {
        Path folder = dir.resolve("crashed");
        try (StateManager first = FileStateManager.open(folder)) {
            first.putString("k", "v");
        }
        Files.writeString(folder.resolve("state.jsonl"), "{\"k\":\"half", java.nio.file.StandardOpenOption.APPEND);
        try (StateManager second = FileStateManager.open(folder)) {
            assertThat(second.keys("")).containsExactly("k");
        }
    }

    @Test
    void managersOfOneFolderInOneProcessShareTheirEntries() {
        Path folder = dir.resolve("shared");
        try (StateManager a = FileStateManager.open(folder); StateManager b = FileStateManager.open(folder)) {
            a.putString("x", "1");
            assertThat(b.getString("x")).contains("1");
            assertThat(b.compareAndSet("x", 0, new byte[] {2})).isEmpty();
        }
    }
}
