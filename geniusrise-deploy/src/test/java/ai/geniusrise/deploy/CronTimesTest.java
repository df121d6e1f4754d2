package ai.geniusrise.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class CronTimesTest {

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
        assertThat(new CronTimes(schedule.trim()).next(ZonedDateTime.parse(after.trim())))
                .isEqualTo(ZonedDateTime.parse(expected.trim()));
    }
}
