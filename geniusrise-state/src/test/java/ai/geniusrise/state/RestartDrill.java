package ai.geniusrise.state;

import ai.geniusrise.core.state.StateException;
import ai.geniusrise.core.state.StateManager;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recovery drill every server-backed state manager passes: one thread keeps writing while
 * the server is stopped and started again under the same manager; afterwards every write the
 * manager reported done is there, the outage really hit the writer, and the manager still works.
 */
public final class RestartDrill {

    private RestartDrill() {
    }

    /**
     * Runs the drill.
     *
     * @param writes      writes done before the stop, and again after the start, before the writer stops
     * @param outage      how long the server stays down
     * @param slowWrite   a write that took longer than this was retried across the outage
     */
    public static void run(StateManager state, Runnable stopServer, Runnable startServer, int writes,
                           Duration outage, Duration slowWrite) throws InterruptedException {
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong slowest = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            for (int i = 0; running.get(); i++) {
                long start = System.nanoTime();
                try {
                    state.putString("w/" + i, "value " + i);
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    done.add(i);
                } catch (StateException e) {
                    failed.incrementAndGet();
                }
            }
        }, "recovery-writer");
        writer.start();
        waitFor(() -> done.size() >= writes);
        stopServer.run();
        int doneAtStop = done.size();
        Thread.sleep(outage.toMillis());
        startServer.run();
        waitFor(() -> done.size() >= doneAtStop + writes);
        running.set(false);
        writer.join(20_000);

        System.out.printf("writes done: %d (%d before the stop), failed: %d, slowest done: %d ms%n",
                done.size(), doneAtStop, failed.get(), slowest.get() / 1_000_000);
        assertThat(failed.get() > 0 || slowest.get() > slowWrite.toNanos())
                .as("the outage hit the writer: a write failed or was retried across it").isTrue();
        for (int i : done) {
            assertThat(state.getString("w/" + i)).as("write %d, reported done", i).contains("value " + i);
        }
        assertThat(state.keys("w/")).hasSizeGreaterThanOrEqualTo(done.size());
        assertThat(state.putString("after", "restart")).isPositive();
        assertThat(state.getString("after")).contains("restart");
    }

    /** Waits up to 40 s for {@code condition}, failing the test after that. */
    public static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 40 s").isNegative();
            Thread.sleep(10);
        }
    }
}
