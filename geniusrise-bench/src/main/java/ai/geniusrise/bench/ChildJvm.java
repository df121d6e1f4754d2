package ai.geniusrise.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server of a benchmark (a broker, a store) in a JVM of its own, on the benchmark's class path,
 * so that its heap and CPU are apart from the measured client's: started, then read until it
 * prints the line that says where it serves; stopped by closing its standard input.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final String served;

    private ChildJvm(Process process, String served) {
        this.process = process;
        this.served = served;
    }

    /**
     * Runs {@code main} with {@code args} under {@code -Xmx<heap>} and waits for its line starting
     * with {@code prefix}.
     */
    static ChildJvm start(Class<?> main, String heap, String prefix, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(Writer.nullWriter());
                    } catch (IOException ignored) {
                        // it ended
                    }
                }, main.getSimpleName() + "-output");
                drain.setDaemon(true);
                drain.start();
                return new ChildJvm(process, line.substring(prefix.length()).trim());
            }
        }
        throw new IOException(main.getSimpleName() + "'s JVM ended before serving (exit " + process.waitFor() + ")");
    }

    /** What followed the prefix: the endpoint or the bootstrap servers. */
    String served() {
        return served;
    }

    /** CPU time so far of the child's JVM. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // it is gone already
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
