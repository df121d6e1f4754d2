package ai.geniusrise.cli;

import ai.geniusrise.core.runtime.TaskProgress;
import ai.geniusrise.core.runtime.TaskProgress.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress lines are a pure function of two snapshots and the time between them. */
@Timeout(10)
class ProgressLinesTest {

    private static TaskProgress bolt(String name, Phase phase, long in, long out, long skipped, long dead,
                                     long done, long total) {
        return new TaskProgress(name, false, total < 0, phase, in, out, skipped, dead, done, total, -1);
    }

    private static TaskProgress spout(String name, Phase phase, long out) {
        return new TaskProgress(name, true, true, phase, 0, out, 0, 0, 0, -1, -1);
    }

    @Test
    void aRunningBatchBoltShowsObjectsRecordsFailuresAndItsRateOfRecordsRead() {
        List<String> lines = ProgressLines.render(
                List.of(bolt("clean", Phase.RUNNING, 1_000, 900, 10, 5, 1, 4)),
                List.of(bolt("clean", Phase.RUNNING, 21_000, 19_000, 30, 20, 3, 4)), 2.0);

        assertThat(lines).containsExactly("clean  running  objects 3/4  in 21,000  out 19,000  failed 50  10k/s");
    }

    @Test
    void aStreamingBoltShowsItsInputLagOnceKnown() {
        TaskProgress before = new TaskProgress("cleaner", false, true, Phase.RUNNING, 100, 90, 0, 0, 0, -1, -1);
        TaskProgress now = new TaskProgress("cleaner", false, true, Phase.RUNNING, 300, 280, 1, 0, 0, -1, 1_250);

        assertThat(ProgressLines.render(List.of(before), List.of(now), 2.0))
                .containsExactly("cleaner  running  in 300  out 280  failed 1  100/s  lag 1,250");
        assertThat(ProgressLines.render(List.of(), List.of(before), 0))
                .as("unknown lag is left out").containsExactly("cleaner  running  in 100  out 90  failed 0");
    }

    @Test
    void aSpoutShowsWhatItWroteAndNoInputCount() {
        List<String> lines = ProgressLines.render(List.of(spout("listener", Phase.RUNNING, 40)),
                List.of(spout("listener", Phase.RUNNING, 52)), 4.0);

        assertThat(lines).containsExactly("listener  running  out 52  failed 0  3.0/s");
    }

    @Test
    void namesArePaddedToOneColumnAndWaitingOrFinishedTasksShowNoRate() {
        List<TaskProgress> before = List.of(spout("fetch", Phase.RUNNING, 0),
                bolt("valid-events", Phase.WAITING, 0, 0, 0, 0, 0, -1));
        List<TaskProgress> now = List.of(spout("fetch", Phase.FINISHED, 5),
                bolt("valid-events", Phase.WAITING, 0, 0, 0, 0, 0, -1));

        assertThat(ProgressLines.render(before, now, 1.0)).containsExactly(
                "fetch         done     out 5  failed 0",
                "valid-events  waiting");
    }

    @Test
    void theFirstSampleHasNoRateBecauseThereIsNothingToCompareItWith() {
        assertThat(ProgressLines.render(List.of(), List.of(bolt("b", Phase.RUNNING, 7, 7, 0, 0, 0, -1)), 0))
                .containsExactly("b  running  in 7  out 7  failed 0");
    }

    @Test
    void ratesAreShortAtEveryScale() {
        assertThat(ProgressLines.rate(0)).isEqualTo("0/s");
        assertThat(ProgressLines.rate(0.25)).isEqualTo("0.3/s");
        assertThat(ProgressLines.rate(42)).isEqualTo("42/s");
        assertThat(ProgressLines.rate(1_234)).isEqualTo("1.2k/s");
        assertThat(ProgressLines.rate(56_700)).isEqualTo("57k/s");
        assertThat(ProgressLines.rate(1_250_000)).isEqualTo("1.3M/s");
    }

    @Test
    void aBoltProcessingManyRecordsAtOnceShowsThoseInProcessAndThoseWaiting() {
        TaskProgress before = new TaskProgress("enricher", false, true, Phase.RUNNING, 100, 100, 0, 0, 0, -1, 500, 256, 40);
        TaskProgress now = new TaskProgress("enricher", false, true, Phase.RUNNING, 3_100, 3_100, 0, 0, 0, -1, 480, 250,
                1_012);
        assertThat(ProgressLines.render(List.of(before), List.of(now), 1.0)).containsExactly(
                "enricher  running  in 3,100  out 3,100  failed 0  3.0k/s  lag 480  in process 250, waiting 1,012");
        assertThat(ProgressLines.render(List.of(before), List.of(new TaskProgress("enricher", false, true, Phase.RUNNING,
                200, 200, 0, 0, 0, -1, 480)), 1.0)).singleElement().asString().doesNotContain("in process");
    }
}
