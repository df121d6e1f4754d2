package ai.geniusrise.core.pipeline;

import ai.geniusrise.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {

    @ParameterizedTest(name = "{0} after {1} is {2}")
    @CsvSource(delimiter = '|', value = {
            "*/15 * * * *    | 2026-11-24T08:07:30Z | 2026-11-24T08:15Z",
            "0 2 * * *       | 2026-11-24T08:07:00Z | 2026-11-25T02:00Z",
            "0 2 * * *       | 2026-11-24T01:59:59Z | 2026-11-24T02:00Z",
            "30 6 * * 0      | 2026-11-24T08:00:00Z | 2026-11-29T06:30Z",
            "30 6 * * 7      | 2026-11-24T08:00:00Z | 2026-11-29T06:30Z",
            "0 0 1 jan *     | 2026-11-24T08:00:00Z | 2027-01-01T00:00Z",
            "@hourly         | 2026-11-24T08:00:00Z | 2026-11-24T09:00Z",
            "0 9 13 * fri    | 2026-11-24T08:00:00Z | 2026-11-27T09:00Z",
            "0 0 29 2 *      | 2026-11-24T08:00:00Z | 2028-02-29T00:00Z"})
    void nextRunFollowsKubernetesCronRules(String schedule, String after, String expected) {
        assertThat(CronSchedule.parse(schedule).next(ZonedDateTime.parse(after.trim())))
                .isEqualTo(ZonedDateTime.parse(expected.trim()));
    }

    @ParameterizedTest(name = "{0} for Kubernetes is {1}")
    @CsvSource(delimiter = '|', value = {
            "30 6 * * 7      | 30 6 * * 0",
            "0 3 * * 5-7     | 0 3 * * 5,6,0",
            "0 3 * * 1,7     | 0 3 * * 1,0",
            "0 3 * * */2     | 0 3 * * */2",
            "@daily          | @daily",
            "0 9 13 * fri    | 0 9 13 * fri"})
    void kubernetesGetsSundayAsZeroAndRangesReachingSevenWrittenOut(String schedule, String expected) {
        assertThat(CronSchedule.parse(schedule).forKubernetes()).isEqualTo(expected.trim());
    }

    @ParameterizedTest(name = "''{0}'' is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "61 * * * *      | the minute field '61' holds 61, outside 0-59",
            "* * * * 8       | the day-of-week field '8' holds 8, outside 0-7",
            "*/0 * * * *     | has a step '0' that is not a positive whole number",
            "0 5-2 * * *     | has a range 5-2 that runs backwards",
            "0 0 * foo *     | holds 'foo', expected a number from 1 to 12 or a name such as JAN",
            "* * * *         | expected a cron schedule of 5 fields",
            "@often          | expected a cron schedule of 5 fields"})
    void aBadScheduleIsRefusedAtScheduleSayingWhatIsWrong(String schedule, String problem) {
        assertThatThrownBy(() -> CronSchedule.parse(schedule))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.path()).isEqualTo("schedule");
                    assertThat(e.problem()).contains(problem.trim());
                });
    }

    @Test
    void macrosAreWrittenOutAsFiveFields() {
        assertThat(CronSchedule.parse(" @weekly ").fields()).containsExactly("0", "0", "*", "*", "0");
        assertThat(CronSchedule.parse("@weekly").text()).isEqualTo("@weekly");
        assertThat(CronSchedule.parse("0 3 * * 6-7").daysOfWeek()).isEqualTo("6,0");
    }
}
