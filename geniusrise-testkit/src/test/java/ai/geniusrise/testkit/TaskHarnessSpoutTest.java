package ai.geniusrise.testkit;

import ai.geniusrise.core.Emitter;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.Spout;
import ai.geniusrise.core.config.BatchInputConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class TaskHarnessSpoutTest {

    @Test
    void produceRunsABatchSpoutOnceAndCollectsItsRecordsAndDeadLetters() {
        try (TaskHarness<LinesSpout> h = TaskHarness.of(new LinesSpout()).args(Map.of("lines", "a,,c")).open()) {
            h.produce();
            assertThat(h.emittedValues()).containsExactly("a", "c");
            assertThat(h.emitted()).extracting(Record::keyAsString).containsExactly("1", "3");
            assertThat(h.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("blank line");
                assertThat(d.record().keyAsString()).isEqualTo("2");
                assertThat(d.error()).isNull();
            });
        }
    }

    @Test
    void aSpoutSeesTheInputConfigItWasGiven() {
        BatchInputConfig source = BatchInputConfig.builder("https://example.org/feed.csv").build();
        try (TaskHarness<LinesSpout> h = TaskHarness.of(new LinesSpout()).arg("lines", "x").input(source).open()) {
            h.produce();
            assertThat(h.emitted().get(0).header("source")).contains("https://example.org/feed.csv");
        }
    }

    @Test
    void produceUntilStopsAStreamingSpoutOnceItEmittedEnough() {
        CounterSpout spout = new CounterSpout();
        try (TaskHarness<CounterSpout> h = TaskHarness.of(spout).open()) {
            h.produceUntil(5);
            assertThat(h.emitted()).hasSizeGreaterThanOrEqualTo(5);
            assertThat(h.emittedValues()).startsWith("1", "2", "3", "4", "5");
            assertThat(spout.sawStop).isTrue();
            assertThat(h.context().stopRequested()).isTrue();
        }
    }

    @Test
    void produceUntilCanBeCalledAgainAndCountsOnlyTheNewRecords() {
        try (TaskHarness<CounterSpout> h = TaskHarness.of(new CounterSpout()).open()) {
            h.produceUntil(3);
            int first = h.emitted().size();
            h.produceUntil(3);
            assertThat(h.emitted()).hasSizeGreaterThanOrEqualTo(first + 3);
        }
    }

    @Test
    void produceForRunsAStreamingSpoutForAWhileThenStopsIt() {
        CounterSpout spout = new CounterSpout();
        try (TaskHarness<CounterSpout> h = TaskHarness.of(spout).open()) {
            h.produceFor(Duration.ofMillis(100));
            assertThat(h.emitted()).isNotEmpty();
            assertThat(spout.sawStop).isTrue();
        }
    }

    @Test
    void produceForReturnsEarlyWhenTheSpoutReturnsByItself() {
        try (TaskHarness<LinesSpout> h = TaskHarness.of(new LinesSpout()).arg("lines", "a,b").open()) {
            long start = System.nanoTime();
            h.produceFor(Duration.ofSeconds(20));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(h.emittedValues()).containsExactly("a", "b");
        }
    }

    @Test
    void produceUntilFailsWhenTheSpoutReturnsBeforeEmittingEnough() {
        try (TaskHarness<LinesSpout> h = TaskHarness.of(new LinesSpout()).taskName("lines").arg("lines", "a,b,c")
                .open()) {
            assertThatThrownBy(() -> h.produceUntil(10)).isInstanceOf(HarnessFailure.class)
                    .hasMessage("spout 'lines' emitted 3 of the 10 records awaited before produce returned");
            assertThat(h.emittedValues()).containsExactly("a", "b", "c");
        }
    }

    @Test
    void produceUntilFailsWhenTheRecordsDoNotComeInTime() {
        Spout silent = new Spout() {
            @Override
            protected void produce(Emitter out) throws InterruptedException {
                while (!context().stopRequested()) {
                    Thread.sleep(5);
                }
            }
        };
        try (TaskHarness<Spout> h = TaskHarness.of(silent).taskName("silent").open()) {
            assertThatThrownBy(() -> h.produceUntil(1, Duration.ofMillis(100))).isInstanceOf(HarnessFailure.class)
                    .hasMessage("spout 'silent' emitted 0 of the 1 records awaited within PT0.1S");
        }
    }

    @Test
    void aSpoutThatIgnoresStopRequestedFailsAfterTheStopTimeout() {
        Spout stubborn = new Spout() {
            @Override
            protected void produce(Emitter out) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (TaskHarness<Spout> h = TaskHarness.of(stubborn).taskName("stubborn")
                .stopTimeout(Duration.ofMillis(100)).open()) {
            assertThatThrownBy(() -> h.produceFor(Duration.ofMillis(10))).isInstanceOf(HarnessFailure.class)
                    .hasMessageStartingWith("spout 'stubborn' did not return from produce within PT0.1S after "
                            + "stopRequested() turned true");
        }
    }

    @Test
    void aSpoutThatThrowsFailsTheRunOnEveryWayOfProducing() {
        for (int way = 0; way < 3; way++) {
            Spout broken = new Spout() {
                @Override
                protected void produce(Emitter out) {
                    out.emit(Record.of("before"));
                    throw new IllegalStateException("source gone");
                }
            };
            try (TaskHarness<Spout> h = TaskHarness.of(broken).taskName("broken").open()) {
                Runnable call = switch (way) {
                    case 0 -> h::produce;
                    case 1 -> () -> h.produceUntil(5);
                    default -> () -> h.produceFor(Duration.ofSeconds(5));
                };
                assertThatThrownBy(call::run).isInstanceOf(HarnessFailure.class)
                        .hasMessage("task 'broken' failed in produce: java.lang.IllegalStateException: source gone");
                assertThat(h.emittedValues()).containsExactly("before");
                assertThatThrownBy(h::produce).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("already failed");
            }
        }
    }

    @Test
    void anAssertionErrorInsideASpoutThreadPropagatesToTheTest() {
        Spout asserting = new Spout() {
            @Override
            protected void produce(Emitter out) {
                throw new AssertionError("spout saw the wrong thing");
            }
        };
        try (TaskHarness<Spout> h = TaskHarness.of(asserting).open()) {
            assertThatThrownBy(() -> h.produceUntil(1)).isExactlyInstanceOf(AssertionError.class)
                    .hasMessage("spout saw the wrong thing");
        }
    }

    @Test
    void boltOperationsOnASpoutAreRejectedWithAHint() {
        try (TaskHarness<CounterSpout> h = TaskHarness.of(new CounterSpout()).open()) {
            assertThatThrownBy(() -> h.send("a")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is a spout").hasMessageContaining("produce()");
            assertThatThrownBy(h::flush).isInstanceOf(IllegalStateException.class);
        }
    }
}
