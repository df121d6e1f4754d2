package ai.geniusrise.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StateBenchmarkTest {

    @Test
    void aSmallRunComparesEveryBackendWithItsRawClientAndPrintsTheTable() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new StateBenchmark()).execute("--ops", "200", "--dynamodb-ops", "20", "--rounds", "1",
                    "--warmup", "0", "--threads", "1,2");
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        stdout.print(out);

        assertThat(code).isZero();
        assertThat(out).contains("| backend | ops | threads | operation | raw client | geniusrise | geniusrise / raw | per-round ratio: median (min–max) |");
        for (String backend : new String[] {"Redis", "Redis, raw runs our Lua put and HMGET", "PostgreSQL", "DynamoDB Local"}) {
            for (String row : new String[] {" | 1 | put | ", " | 1 | get | ", " | 2 | put | ", " | 2 | get | "}) {
                assertThat(out).contains("| " + backend + " | ");
                assertThat(out).containsPattern("\\| " + java.util.regex.Pattern.quote(backend) + " \\| [0-9,]+"
                        + java.util.regex.Pattern.quote(row));
            }
        }
    }

    @Test
    void anUnknownBackendIsAUsageError() {
        assertThat(new CommandLine(new StateBenchmark()).execute("--backends", "cassandra")).isEqualTo(2);
    }
}
