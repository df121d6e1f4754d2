package ai.geniusrise.bench;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The foundation's batch benchmark: JSON lines of about 200 bytes in local files; parse each
 * line, add a field, write it back. Compares, in one JVM and interleaved round by round:
 * <ol>
 *   <li>{@code hand-written}: one thread, BufferedReader.readLine + Jackson readTree + put +
 *   writeValueAsString + BufferedWriter, file after file;</li>
 *   <li>{@code geniusrise p=1}: the same work as a bolt run by {@link TaskRunner}, parallelism 1;</li>
 *   <li>{@code geniusrise p=N}: the same with parallelism N (default: the number of cores).</li>
 * </ol>
 * Prints the median MB/s of each, the ratios, and the CPU time over wall time (how many cores were
 * busy). {@code --help} lists the options.
 */
@Command(name = "batch-files", mixinStandardHelpOptions = true,
        description = "Geniusrise batch bolt on local files against a hand-written loop, in one run.")
public final class BatchFileBenchmark implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--size-mb", description = "Total input size in MiB (default ${DEFAULT-VALUE}).")
    long sizeMb = 1024;

    @Option(names = "--files", description = "Number of input files (default ${DEFAULT-VALUE}).")
    int files = 8;

    @Option(names = "--rounds", description = "Rounds; medians are reported (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--warmup", description = "Rounds run first and not counted (default ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--parallelism", description = "Workers of the parallel run (default: the number of cores).")
    int parallelism = Runtime.getRuntime().availableProcessors();

    @Option(names = "--dir", description = "Working folder for data and outputs (default ${DEFAULT-VALUE}).")
    Path dir = Path.of("target", "bench-batch");

    public static void main(String[] args) {
        System.exit(new CommandLine(new BatchFileBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path input = dir.resolve("input-" + sizeMb + "mb-" + files);
        long bytes = generate(input, sizeMb << 20, files);
        System.out.printf(Locale.ROOT, "input: %s, %d files, %.1f MiB; max heap %d MiB; %d cores%n", input, files,
                bytes / 1048576.0, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

        for (int r = 0; r < warmup; r++) {
            System.out.println("warm-up round " + (r + 1) + " (not counted)");
            round(input, bytes);
        }
        List<double[][]> results = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            System.out.println("round " + (r + 1));
            results.add(round(input, bytes));
        }
        System.out.printf(Locale.ROOT, "%nmedians of %d rounds (MB/s of wall time; MB per CPU-second, which noise from "
                + "other processes on the machine disturbs less):%n", rounds);
        String[] names = {"hand-written loop, 1 thread", "geniusrise, parallelism 1", "geniusrise, parallelism " + parallelism};
        double handWall = median(results, 0, 0);
        double handCpu = median(results, 0, 2);
        for (int i = 0; i < names.length; i++) {
            double wall = median(results, i, 0);
            double perCpu = median(results, i, 2);
            System.out.printf(Locale.ROOT, "  %-30s %7.1f MB/s (%.2fx)   %7.1f MB/cpu-s (%.2fx)   %.2f cores busy%n",
                    names[i], wall, wall / handWall, perCpu, perCpu / handCpu, median(results, i, 1));
        }
        return 0;
    }

    /** One round: {MB/s, cores busy, MB per CPU-second} for the loop, p=1 and p=N. */
    private double[][] round(Path input, long bytes) throws Exception {
        Path dir = input.getParent();
        return new double[][] {
                measure("hand-written", bytes, () -> handWritten(input, dir.resolve("out-hand"))),
                measure("geniusrise p=1", bytes, () -> geniusrise(input, dir.resolve("out-p1"), 1)),
                measure("geniusrise p=" + parallelism, bytes, () -> geniusrise(input, dir.resolve("out-pn"), parallelism))};
    }

    private static double median(List<double[][]> results, int job, int metric) {
        return median(results.stream().map(r -> r[job][metric]).toList());
    }

    interface Job {
        void run() throws Exception;
    }

    /** Runs {@code job}; returns {MB/s, CPU seconds per wall second, MB per CPU second}. */
    private static double[] measure(String name, long bytes, Job job) throws Exception {
        System.gc();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        job.run();
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        double mbs = bytes / 1e6 / (wall / 1e9);
        double cores = (double) cpu / wall;
        System.out.printf(Locale.ROOT, "  %-16s %7.1f MB/s  %5.2f s  %.2f cores%n", name, mbs, wall / 1e9, cores);
        return new double[] {mbs, cores, bytes / 1e6 / (cpu / 1e9)};
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void handWritten(Path input, Path output) throws IOException {
        deleteRecursively(output);
        Files.createDirectories(output);
        List<Path> files;
        try (Stream<Path> s = Files.list(input)) {
            files = s.sorted().toList();
        }
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                 OutputStream os = Files.newOutputStream(output.resolve(file.getFileName()));
                 BufferedWriter out = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = in.readLine()) != null) {
                    ObjectNode node = (ObjectNode) JSON.readTree(line);
                    node.put("processed", true);
                    out.write(JSON.writeValueAsString(node));
                    out.write('\n');
                }
            }
        }
    }

    private static void geniusrise(Path input, Path output, int parallelism) {
        deleteRecursively(output);
        TaskSpec spec = TaskSpec.builder("add-field", TaskSpec.Kind.BOLT).taskClass(AddFieldBolt.class)
                .input(BatchInputConfig.builder(input.toString()).parallelism(parallelism).build())
                .output(BatchOutputConfig.builder(output.toString()).compression(Compression.NONE).build())
                .build();
        RunSummary summary = TaskRunner.builder(spec).pipelineName("bench").build().run();
        if (summary.recordsOut() != summary.recordsIn() || summary.recordsIn() == 0) {
            throw new IllegalStateException("lost records: " + summary);
        }
    }

    /** Writes {@code files} JSON-lines files of about {@code totalBytes} in all under {@code dir}, once; returns their size. */
    static long generate(Path dir, long totalBytes, int files) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                return s.mapToLong(p -> p.toFile().length()).sum();
            }
        }
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        Random random = new Random(42);
        String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"};
        long written = 0;
        long perFile = totalBytes / files;
        for (int f = 0; f < files; f++) {
            try (BufferedWriter w = Files.newBufferedWriter(tmp.resolve(String.format("data-%03d.jsonl", f)))) {
                long fileBytes = 0;
                long id = 0;
                while (fileBytes < perFile) {
                    StringBuilder sb = new StringBuilder(220);
                    sb.append("{\"id\":").append(f * 100_000_000L + id++).append(",\"user\":\"user-")
                            .append(random.nextInt(100_000)).append("\",\"event\":\"")
                            .append(words[random.nextInt(words.length)]).append("\",\"ts\":")
                            .append(1_700_000_000_000L + random.nextInt(1_000_000_000)).append(",\"score\":")
                            .append(random.nextInt(10_000) / 100.0).append(",\"tags\":[\"")
                            .append(words[random.nextInt(words.length)]).append("\",\"")
                            .append(words[random.nextInt(words.length)]).append("\"],\"text\":\"");
                    while (sb.length() < 196) {
                        sb.append(words[random.nextInt(words.length)]).append(' ');
                    }
                    sb.append("\"}\n");
                    w.write(sb.toString());
                    fileBytes += sb.length();
                }
                written += fileBytes;
            }
        }
        Files.move(tmp, dir);
        return written;
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + path, e);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
