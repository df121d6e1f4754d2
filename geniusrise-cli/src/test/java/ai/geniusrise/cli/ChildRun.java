package ai.geniusrise.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The geniusrise command in a JVM of its own (this JVM's class path), everything it prints going
 * to a log file: for runs a test interrupts with a signal. {@link CliRun} runs it in this JVM.
 * Closing it stops the run (SIGTERM, then SIGKILL after 30 s).
 */
record ChildRun(Process process, Path log) implements AutoCloseable {

    /** Starts {@code geniusrise args...} with this JVM's environment. */
    static ChildRun start(Path log, String... args) throws IOException {
        return new ChildRun(command(log, args).start(), log);
    }

    /** Starts {@code geniusrise args...} with no Kafka brokers in its environment, so that it runs in local mode. */
    static ChildRun startInLocalMode(Path log, String... args) throws IOException {
        ProcessBuilder pb = command(log, args);
        pb.environment().remove(LocalMode.ENV_BOOTSTRAP);
        return new ChildRun(pb.start(), log);
    }

    /** Starts {@code main}'s {@code main(args)}, like a user's image does, with this JVM's environment. */
    static ChildRun startMain(Class<?> main, Path log, String... args) throws IOException {
        return new ChildRun(command(main, log, args).start(), log);
    }

    private static ProcessBuilder command(Path log, String... args) {
        return command(GeniusriseCommand.class, log, args);
    }

    private static ProcessBuilder command(Class<?> main, Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    /** A check a test waits for while the run goes on. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws IOException;
    }

    /**
     * Waits up to 60 s, while the run is alive, for {@code condition} to hold; fails naming
     * {@code what} did not happen, with the log, otherwise.
     */
    void await(String what, Condition condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(what + " in time; log:\n" + output());
    }

    /** Waits for a line of the log matching {@code line}, as {@link #await} does. */
    Matcher awaitLine(Pattern line) throws IOException, InterruptedException {
        Matcher[] found = new Matcher[1];
        await("the run printed no line matching " + line, () -> {
            found[0] = line.matcher(output());
            return found[0].find();
        });
        return found[0];
    }

    /** Whether the run ended within {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM; whether the run ended within 30 s. */
    boolean stop() throws InterruptedException {
        process.destroy();
        return awaitExit(Duration.ofSeconds(30));
    }

    /** SIGKILL; whether the run was gone within 30 s. */
    boolean kill() throws InterruptedException {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(30));
    }

    /** Everything the run printed so far. */
    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (!stop()) {
            kill();
        }
    }
}
