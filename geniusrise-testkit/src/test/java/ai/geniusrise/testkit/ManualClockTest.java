package ai.geniusrise.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManualClockTest {

    @Test
    void standsStillAtItsStartUntilMoved() {
        ManualClock clock = new ManualClock();
        assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START);
        assertThat(clock.millis()).isEqualTo(ManualClock.DEFAULT_START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void advanceMovesForwardAndReturnsTheNewTime() {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        assertThat(clock.advance(Duration.ofSeconds(90))).isEqualTo(Instant.ofEpochSecond(90));
        assertThat(clock.instant()).isEqualTo(Instant.ofEpochSecond(90));
    }

    @Test
    void advanceByANegativeDurationIsRejected() {
        ManualClock clock = new ManualClock();
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set(Instant)");
    }

    @Test
    void setMovesTheClockBackOrForward() {
        ManualClock clock = new ManualClock();
        clock.set(Instant.EPOCH);
        assertThat(clock.instant()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void aClockInAnotherZoneSharesTheTime() {
        ManualClock utc = new ManualClock(Instant.EPOCH);
        ManualClock paris = utc.withZone(ZoneId.of("Europe/Paris"));
        utc.advance(Duration.ofHours(1));
        assertThat(paris.instant()).isEqualTo(Instant.ofEpochSecond(3600));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        paris.advance(Duration.ofHours(1));
        assertThat(utc.instant()).isEqualTo(Instant.ofEpochSecond(7200));
    }

    @Test
    void concurrentAdvancesAreNeverLost() throws InterruptedException {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofMillis(1));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(clock.millis()).isEqualTo(8000);
    }
}
