package ai.geniusrise.examples;

import ai.geniusrise.cli.GeniusriseCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code geniusrise} command in a JVM of its own, started from this module's folder with this
 * JVM's class path, everything it prints going to a log file. Closing it stops the run (SIGTERM,
 * then SIGKILL after 30 s). Public only because the example tests live in sub-packages.
 */
public final class LocalRun implements AutoCloseable {

    /** The line local mode prints once its embedded broker is up: bootstrap servers, data folder. */
    public static final Pattern KAFKA_LINE = Pattern.compile("local mode: Kafka at (\\S+) \\(data in (.+)\\)");

    private static final Duration STOP = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;

    private LocalRun(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** A run of {@code geniusrise args...}, to start with {@link Builder#start(Path)}. */
    public static Builder command(String... args) {
        return new Builder(List.of(args));
    }

    /**
     * Copies the example pipeline {@code file} (of this module's {@code pipelines} folder) into
     * {@code dir} with the schema files examples name beside them ({@code schemas/}), so that a run
     * keeps its {@code .geniusrise} data in {@code dir}.
     *
     * @return the copy of the pipeline file
     */
    public static Path copyExample(String file, Path dir) throws IOException {
        Path copy = Files.copy(Path.of("pipelines", file), dir.resolve(file));
        Files.createDirectories(dir.resolve("schemas"));
        try (var schemas = Files.list(Path.of("pipelines", "schemas"))) {
            for (Path schema : schemas.toList()) {
                Files.copy(schema, dir.resolve("schemas").resolve(schema.getFileName()));
            }
        }
        return copy;
    }

    /**
     * Runs {@code geniusrise args...} in this JVM until it ends (a batch pipeline in local mode does),
     * prints what it printed and returns it; fails, showing it, unless it exited with 0.
     */
    public static String runHere(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GeniusriseCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.print(out);
        if (code != 0) {
            throw new AssertionError("geniusrise " + String.join(" ", args) + " exited with " + code + ":\n" + out
                    + "\n" + err);
        }
        return out.toString();
    }

    /** A port nobody listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits up to 60 s for a line of the log matching {@code line}; fails, showing the log, if the run ends first. */
    public Matcher awaitLine(Pattern line) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run printed no line matching " + line + "; log:\n" + output());
    }

    /**
     * Calls {@code attempt} until it does not fail with an {@link IOException}, for up to 30 s while
     * the run is alive: for talking to a listener the pipeline opens on {@code port}.
     */
    public <T> T whenListening(int port, Attempt<T> attempt) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return attempt.call();
            } catch (IOException notYetListening) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("the pipeline did not listen on port " + port + "; log:\n" + output(),
                            notYetListening);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Whether the run ended within {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM; whether the run ended within 30 s. */
    public boolean stop() throws InterruptedException {
        process.destroy();
        return awaitExit(STOP);
    }

    /** SIGKILL; whether the run was gone within 30 s. */
    public boolean kill() throws InterruptedException {
        process.destroyForcibly();
        return awaitExit(STOP);
    }

    /** Everything the run printed so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (!stop()) {
            kill();
        }
    }

    /** One try at talking to the pipeline. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call() throws IOException, InterruptedException;
    }

    /** JVM options and environment of a run not yet started. */
    public static final class Builder {
        private final List<String> args;
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(List<String> args) {
            this.args = args;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Sets {@code name} in the run's environment. */
        public Builder env(String name, Object value) {
            env.put(name, String.valueOf(value));
            return this;
        }

        /** Leaves {@code names} out of the run's environment, e.g. to get local mode. */
        public Builder without(String... names) {
            for (String name : names) {
                env.put(name, null);
            }
            return this;
        }

        /** Starts the run, its output going to {@code log}. */
        public LocalRun start(Path log) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), GeniusriseCommand.class.getName()));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            env.forEach((name, value) -> {
                if (value == null) {
                    pb.environment().remove(name);
                } else {
                    pb.environment().put(name, value);
                }
            });
            return new LocalRun(pb.start(), log);
        }
    }
}
