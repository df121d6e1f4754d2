package ai.geniusrise.cli;

import ai.geniusrise.cli.fixtures.NoDefaultConstructorBolt;
import ai.geniusrise.cli.fixtures.NumbersSpout;
import ai.geniusrise.cli.fixtures.SlowBolt;
import ai.geniusrise.cli.fixtures.UppercaseBolt;
import ai.geniusrise.core.Geniusrise;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {

    @TempDir
    Path dir;
    Path input;
    Path output;

    @BeforeEach
    void writeInput() throws IOException {
        input = Files.createDirectories(dir.resolve("in"));
        output = dir.resolve("out");
        Files.writeString(input.resolve("a.jsonl"), "{\"v\":\"a1\"}\n{\"v\":\"a2\"}\n");
        Files.writeString(input.resolve("b.jsonl"), "{\"v\":\"b1\"}\n{\"v\":\"poison\"}\n{\"v\":\"b3\"}\n");
        Files.writeString(input.resolve("c.jsonl"), "{\"v\":\"c1\"}\n");
    }

    private Path pipeline(String taskYaml) throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, "version: 1\nname: test\ntasks:\n" + taskYaml);
        return file;
    }

    /** One task of a pipeline file; {@code extra} holds more task keys, one per line. */
    private static String task(String name, String type, String className, String extra, String input, String output) {
        StringBuilder sb = new StringBuilder()
                .append("  - name: ").append(name).append('\n')
                .append("    type: ").append(type).append('\n')
                .append("    class: ").append(className).append('\n');
        extra.lines().forEach(line -> sb.append("    ").append(line).append('\n'));
        return sb.append("    config:\n")
                .append("      inputConfig: {type: batch, ").append(input).append("}\n")
                .append("      outputConfig: {type: batch, ").append(output).append("}\n").toString();
    }

    private Path uppercase(String errors) throws IOException {
        return pipeline(task("upper", "bolt", UppercaseBolt.class.getName(), "errors: " + errors + "\n",
                "source: in, format: jsonl, parallelism: 2", "destination: out, format: jsonl"));
    }

    @Test
    void boltReadsEveryObjectAndCommitsItsOutput() throws IOException {
        Files.delete(input.resolve("b.jsonl"));
        CliRun run = CliRun.of("run", uppercase("fail").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(CliRun.visibleLines(output)).containsExactlyInAnyOrder("{\"V\":\"A1\"}", "{\"V\":\"A2\"}",
                "{\"V\":\"C1\"}");
        assertThat(run.out()).contains("task 'upper' done").contains("3 records in, 3 out").contains(output.toString());
    }

    @Test
    void aContainersArgumentsRunTheTaskWithOrWithoutTheLeadingRunOrFromTheEnvironmentThroughBothEntryPoints()
            throws IOException {
        Files.delete(input.resolve("b.jsonl"));
        String file = uppercase("fail").toString();
        List<String[]> forms = List.of(new String[] {"run", file, "--task", "upper"},
                new String[] {file, "--task=upper", "--http-port", "0"}, new String[] {"run"}, new String[0]);
        Map<String, String> env = Map.of("GENIUSRISE_PIPELINE", file, "GENIUSRISE_TASK", "upper");
        for (String[] args : forms) {
            Map<String, String> given = args.length < 2 ? env : Map.of();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = GeniusriseCommand.execute(args, given, new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as(List.of(args) + ": " + err).isZero();
            assertThat(out.toString()).contains("task 'upper' done").contains("3 records in, 3 out");
            ByteArrayOutputStream mainErr = new ByteArrayOutputStream();
            int mainCode = Geniusrise.execute(UppercaseBolt.class, List.of(args), given,
                    new PrintStream(mainErr, true, StandardCharsets.UTF_8));
            assertThat(mainCode).as(List.of(args) + ": " + mainErr).isZero();
            assertThat(mainErr.toString(StandardCharsets.UTF_8)).contains("task 'upper' done in ")
                    .contains("3 records in, 3 out");
        }
    }

    @Test
    void bothEntryPointsPrintTheSameSummaryCountingWhatTheBoltDropped() throws IOException {
        Files.writeString(input.resolve("c.jsonl"), "{\"v\":\"c1\"}\n{\"v\":\"unwanted c2\"}\n");
        String file = uppercase("skip").toString();
        String[] args = {"run", file, "--task", "upper"};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GeniusriseCommand.execute(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        ByteArrayOutputStream mainErr = new ByteArrayOutputStream();
        int mainCode = Geniusrise.execute(UppercaseBolt.class, List.of(args), Map.of(),
                new PrintStream(mainErr, true, StandardCharsets.UTF_8));
        assertThat(mainCode).as(mainErr.toString(StandardCharsets.UTF_8)).isZero();

        String expected = "task 'upper' done in S: 7 records in, 5 out, 1 skipped, 1 dropped\n  output: " + output
                + " (3 parts)";
        assertThat(summary(out.toString())).isEqualTo(expected);
        assertThat(summary(mainErr.toString(StandardCharsets.UTF_8))).isEqualTo(expected);
    }

    /** The summary lines in {@code printed}, the run's duration replaced by S. */
    private static String summary(String printed) {
        List<String> lines = printed.lines().toList();
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("task 'upper' done in ")) {
            first++;
        }
        assertThat(first).as("a summary line in:%n%s", printed).isLessThan(lines.size() - 1);
        return (lines.get(first) + "\n" + lines.get(first + 1)).replaceFirst("done in [0-9.]+ s:", "done in S:");
    }

    @Test
    void aUsageMistakeIsExitCodeTwoWithoutAStackTraceThroughBothEntryPoints() throws IOException {
        String file = uppercase("fail").toString();

        CliRun run = CliRun.of("run", file, "--task", "upper", "--no-such-option");
        ByteArrayOutputStream mainErr = new ByteArrayOutputStream();
        int mainCode = Geniusrise.execute(UppercaseBolt.class, List.of("run", file, "--no-such-option"), Map.of(),
                new PrintStream(mainErr, true, StandardCharsets.UTF_8));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--no-such-option").doesNotContain("\tat ");
        assertThat(mainCode).isEqualTo(2);
        assertThat(mainErr.toString(StandardCharsets.UTF_8)).contains("unknown argument '--no-such-option'")
                .contains("usage: [run] PIPELINE.yaml|env:NAME").doesNotContain("\tat ");
    }

    @Test
    void failPolicyStopsTheRunNamesTheRecordAndLeavesNoOutputVisible() throws IOException {
        CliRun run = CliRun.of("run", uppercase("fail").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("task 'upper'").contains("b.jsonl:2").contains("cannot digest")
                .doesNotContain("\tat ");
        assertThat(CliRun.visibleParts(output)).isEmpty();
        assertThat(CliRun.filesOutsideMarkers(output)).isEmpty();
    }

    @Test
    void skipPolicyDropsTheBadRecordCountsItAndKeepsTheRest() throws IOException {
        CliRun run = CliRun.of("run", uppercase("skip").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("6 records in, 5 out, 1 skipped");
        assertThat(CliRun.visibleLines(output)).as("what a failed record emitted is dropped").hasSize(5)
                .noneMatch(l -> l.contains("poison") || l.contains("POISON"));
    }

    @Test
    void deadLetterPolicyKeepsTheOriginalBytesThePositionAndTheError() throws IOException {
        CliRun run = CliRun.of("run", uppercase("dead-letter").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 dead-lettered");
        assertThat(CliRun.visibleLines(output)).hasSize(5);
        List<String> letters = CliRun.visibleLines(output.resolve("_dead-letter"));
        assertThat(letters).hasSize(1);
        JsonNode letter = new ObjectMapper().readTree(letters.get(0));
        assertThat(letter.get("task").asText()).isEqualTo("upper");
        assertThat(letter.get("value").asText()).isEqualTo("{\"v\":\"poison\"}");
        assertThat(letter.get("position").asText()).isEqualTo("b.jsonl:2");
        assertThat(letter.get("error").asText()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(letter.get("message").asText()).contains("cannot digest");
    }

    @Test
    void reRunningTheSameInputGivesByteIdenticalOutput() throws IOException {
        Path file = uppercase("skip");
        assertThat(CliRun.of("run", file.toString()).exitCode()).isZero();
        TreeMap<String, byte[]> first = CliRun.visibleParts(output);
        assertThat(CliRun.of("run", file.toString()).exitCode()).isZero();
        TreeMap<String, byte[]> second = CliRun.visibleParts(output);

        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void aClassThatDoesNotExistIsAConfigErrorLocatedInThePipelineFile() throws IOException {
        Path file = pipeline(task("upper", "bolt", "com.example.Missing", "", "source: in", "destination: out"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).containsPattern("pipeline\\.yaml:6:\\d+: ").contains("com.example.Missing")
                .contains("was not found").doesNotContain("\tat ");
    }

    @Test
    void aClassWithoutPublicNoArgConstructorIsAConfigError() throws IOException {
        Path file = pipeline(task("upper", "bolt", NoDefaultConstructorBolt.class.getName(), "",
                "source: in", "destination: out"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no public no-argument constructor");
    }

    @Test
    void aBoltClassOnASpoutTaskIsAConfigError() throws IOException {
        Path file = pipeline(task("upper", "spout", UppercaseBolt.class.getName(), "",
                "source: in", "destination: out"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is a Bolt but the task has type: spout");
    }

    @Test
    void aMissingInputFolderFailsTheTaskNamingTheFolder() throws IOException {
        Path file = pipeline(task("upper", "bolt", UppercaseBolt.class.getName(), "",
                "source: nowhere", "destination: out"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("task 'upper'").contains(dir.resolve("nowhere").toString());
        assertThat(CliRun.visibleParts(output)).isEmpty();
    }

    @Test
    void aBatchSpoutWritesItsRecordsInPartsOfTheConfiguredSize() throws IOException {
        Path file = pipeline(task("numbers", "spout", NumbersSpout.class.getName(), "args: {count: 25}\n",
                "source: generated", "destination: out, maxRecordsPerPart: 10, compression: gzip"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(CliRun.visibleParts(output)).hasSize(3).allSatisfy((name, bytes) -> assertThat(name).endsWith(".jsonl.gz"));
        assertThat(CliRun.visibleLines(output)).hasSize(25).contains("{\"n\":0}", "{\"n\":24}");
    }

    @Test
    void tasksRunInDependencyOrderWhateverTheirOrderInTheFile() throws IOException {
        Path file = pipeline(task("upper", "bolt", UppercaseBolt.class.getName(), "",
                "source: numbers", "destination: out")
                + task("numbers", "spout", NumbersSpout.class.getName(), "args: {count: 7}\n",
                        "source: generated", "destination: numbers"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().indexOf("task 'numbers' done")).isLessThan(run.out().indexOf("task 'upper' done"));
        assertThat(CliRun.visibleLines(output)).hasSize(7).contains("{\"N\":6}");
    }

    @Test
    void partitionByWritesEachRecordUnderItsFieldValueFolder() throws IOException {
        Files.writeString(input.resolve("b.jsonl"), "{\"v\":\"b1\",\"country\":\"fr\"}\n{\"v\":\"b2\",\"country\":\"de\"}\n");
        Files.writeString(input.resolve("a.jsonl"), "{\"v\":\"a1\",\"country\":\"fr\"}\n");
        Files.delete(input.resolve("c.jsonl"));
        Path file = pipeline(task("upper", "bolt", SlowBolt.class.getName(), "",
                "source: in", "destination: out, partitionBy: country"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(CliRun.visibleParts(output).keySet()).allMatch(n -> n.startsWith("country=fr/") || n.startsWith("country=de/"));
        long fr = CliRun.visibleParts(output).keySet().stream().filter(n -> n.startsWith("country=fr/"))
                .mapToLong(n -> new String(CliRun.visibleParts(output).get(n), StandardCharsets.UTF_8).lines().count()).sum();
        assertThat(fr).isEqualTo(2);
    }

    @Test
    void validateAcceptsAGoodPipelineAndChecksItsClasses() throws IOException {
        CliRun ok = CliRun.of("validate", uppercase("fail").toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("pipeline 'test' is valid (1 task, 0 warnings)");

        Path unfed = pipeline(task("upper", "bolt", UppercaseBolt.class.getName(), "",
                "source: made-elsewhere", "destination: out"));
        CliRun warned = CliRun.of("validate", unfed.toString());
        assertThat(warned.exitCode()).as(warned.err()).isZero();
        assertThat(warned.out()).contains("(1 task, 1 warning)");
        assertThat(warned.err()).containsPattern("warning: .*pipeline\\.yaml:\\d+:\\d+: tasks\\[0\\]\\.config\\.inputConfig"
                + "\\.source: no task of this pipeline writes");

        Path bad = pipeline(task("upper", "bolt", "com.example.Missing", "", "source: in", "destination: out"));
        CliRun run = CliRun.of("validate", bad.toString(), "--classpath", dir.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("com.example.Missing");
    }

    @Test
    void aCsvRowThatDoesNotDecodeIsDeadLetteredWithItsRawBytesAndLine() throws IOException {
        Path csv = Files.createDirectories(dir.resolve("csv"));
        Files.writeString(csv.resolve("people.csv"), "name,age\nana,31\nbob,40,extra\ncid,22\n");
        Path file = pipeline(task("upper", "bolt", UppercaseBolt.class.getName(), "errors: dead-letter\n",
                "source: csv, format: csv", "destination: out"));
        CliRun run = CliRun.of("run", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(CliRun.visibleLines(output)).containsExactly("{\"NAME\":\"ANA\",\"AGE\":\"31\"}",
                "{\"NAME\":\"CID\",\"AGE\":\"22\"}");
        JsonNode letter = new ObjectMapper().readTree(CliRun.visibleLines(output.resolve("_dead-letter")).get(0));
        assertThat(letter.get("position").asText()).isEqualTo("people.csv:3");
        assertThat(letter.get("value").asText()).isEqualTo("bob,40,extra");
        assertThat(letter.get("error").asText()).isEqualTo("ai.geniusrise.core.RecordFormatException");
    }

    @Test
    void verboseAddsTheStackTraceToAFailure() throws IOException {
        CliRun run = CliRun.of("run", uppercase("fail").toString(), "--verbose");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("b.jsonl:2").contains("\tat ").contains("UppercaseBolt.process");
    }

    @Test
    void usageMistakesExitWithTwo() {
        assertThat(CliRun.of("run").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("run", dir.resolve("absent.yaml").toString()).err()).contains("does not exist");
    }
}
