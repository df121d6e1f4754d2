package ai.geniusrise.cli;

import ai.geniusrise.core.runtime.TaskProgress;
import ai.geniusrise.core.runtime.TaskProgress.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** On a terminal, the progress lines are redrawn in place and everything else is printed above them. */
@Timeout(30)
class ProgressDisplayTest {

    private static final String ERASE_ONE_LINE = "\033[1A\r\033[J";
    private static final String LINE = "upper  running  in 7  out 7  failed 0";

    @Test
    void onATerminalTheLinesAreRedrawnInPlaceAndOutputAndLogGoAboveThem() throws Exception {
        StringWriter screen = new StringWriter();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream realErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (ProgressDisplay display = ProgressDisplay.start(() -> List.of(new TaskProgress("upper", false, true,
                Phase.RUNNING, 7, 7, 0, 0, 0, -1, -1)), new PrintWriter(screen, true), true, Duration.ofHours(1))) {
            awaitDraws(screen, 1);
            display.out().println("task 'copy' done");
            System.err.println("[WARN] something to know");
            awaitDraws(screen, 2);
        } finally {
            System.setErr(realErr);
        }

        String s = screen.toString();
        assertThat(s).startsWith(LINE + "\n").containsPattern(Pattern.quote(LINE) + "(  0/s)?\n"
                + Pattern.quote(ERASE_ONE_LINE) + "task 'copy' done\n");
        assertThat(s.indexOf(LINE, 1)).as("redrawn below what was printed").isGreaterThan(s.indexOf("done\n"));
        assertThat(s).as("erased when the display closes, for the summary to follow").endsWith(LINE + "  0/s\n"
                + ERASE_ONE_LINE);
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("[WARN] something to know" + System.lineSeparator());
        assertThat(System.err).isSameAs(realErr);
    }

    @Test
    void withoutATerminalNothingIsErasedAndOnlyRunningTasksArePrinted() throws Exception {
        StringWriter log = new StringWriter();
        try (ProgressDisplay display = ProgressDisplay.start(() -> List.of(
                new TaskProgress("fetch", true, false, Phase.FINISHED, 0, 5, 0, 0, 0, -1, -1),
                new TaskProgress("upper", false, true, Phase.RUNNING, 7, 7, 0, 0, 0, -1, -1)),
                new PrintWriter(log, true), false, Duration.ofMillis(200))) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (log.toString().lines().count() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(display.out()).isNotNull();
        }

        assertThat(log.toString()).doesNotContain("\033").doesNotContain("fetch")
                .containsPattern("progress [0-9]+s  " + LINE + "(  0/s)?\n");
    }

    private static void awaitDraws(StringWriter screen, int draws) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (count(screen.toString(), LINE) < draws && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(count(screen.toString(), LINE)).as(screen.toString()).isGreaterThanOrEqualTo(draws);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
