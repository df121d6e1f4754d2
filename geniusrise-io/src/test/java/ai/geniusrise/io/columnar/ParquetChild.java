package ai.geniusrise.io.columnar;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.core.spi.PassThroughBolt;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main of a child JVM running a batch bolt from JSON lines to parquet partitioned by day:
 * {@code ParquetChild <input folder> <output folder> [option=value...]} (options of the output).
 * Prints {@code records-out=N} and {@code peak-heap-mib=M} when done. Also makes the input:
 * {@code ParquetChild --make <folder> <MiB> <files>}.
 */
public final class ParquetChild {

    private ParquetChild() {
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("--make")) {
            make(Path.of(args[1]), Long.parseLong(args[2]) << 20, Integer.parseInt(args[3]));
            return;
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            options.put(kv[0], kv[1]);
        }
        TaskSpec spec = TaskSpec.builder("to-parquet", TaskSpec.Kind.BOLT).taskClass(PassThroughBolt.class)
                .input(BatchInputConfig.builder(args[0]).parallelism(1).build())
                .output(BatchOutputConfig.builder(args[1]).format(Format.PARQUET).compression(Compression.SNAPPY)
                        .partitionBy("day").maxBytesPerPart(0).options(options).build())
                .build();
        RunSummary summary = TaskRunner.builder(spec).pipelineName("columnar").task(new PassThroughBolt())
                .runId("run-1").logicalTime(Instant.parse("2026-12-01T00:00:00Z")).build().run();
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("summary=" + summary);
        System.out.println("peak-heap-mib=" + (peak >> 20));
        System.exit(0);
    }

    /** Writes about {@code bytes} of JSON lines of 16 days in {@code files} files; prints the record count. */
    static long make(Path folder, long bytes, int files) throws IOException {
        Files.createDirectories(folder);
        long written = 0;
        long id = 0;
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int f = 0; f < files; f++) {
            try (BufferedWriter w = Files.newBufferedWriter(folder.resolve(String.format("events-%03d.jsonl", f)),
                    StandardCharsets.UTF_8)) {
                while (written < bytes * (f + 1) / files) {
                    String line = "{\"id\":" + id + ",\"day\":\"2026-11-" + String.format("%02d", 1 + id % 16)
                            + "\",\"user\":\"u" + (id * 7919 % 100_000) + "\",\"amount\":" + (id % 1000) / 4.0
                            + ",\"ok\":" + (id % 3 == 0) + ",\"tags\":[\"t" + id % 5 + "\",\"all\"],\"note\":\""
                            + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong())
                            + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()) + "\"}\n";
                    w.write(line);
                    written += line.length();
                    id++;
                }
            }
        }
        System.out.println("records-in=" + id);
        return id;
    }
}
