package ai.geniusrise.core.runtime;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.TaskContext;
import ai.geniusrise.core.TaskHandle;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchOutput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One batch run of a task whose output is a batch location: a bolt over the objects of a batch
 * input (read by up to {@code parallelism} workers, one object each at a time), or a batch spout.
 *
 * <p>Records derived from one input object go to parts named after that object, so the output's
 * names and bytes do not depend on thread timing; records emitted by {@code flush} go to parts of
 * their own. Nothing is visible until every object is done and {@link BatchOutput#commit} has
 * run; any failure aborts the whole run.
 */
final class BatchRun {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRun.class);
    private static final int PUBLISH_EVERY = 4096;

    private final TaskHandle task;
    private final TaskContext context;
    private final TaskSpec spec;
    private final TaskMetrics metrics;
    private final BooleanSupplier stopRequested;
    private final String runIdOverride;
    private final Shard shard;
    private final Instant logicalTime;
    private final AtomicBoolean aborting = new AtomicBoolean();

    BatchRun(TaskHandle task, TaskContext context, TaskSpec spec, TaskMetrics metrics, BooleanSupplier stopRequested,
             String runIdOverride, Shard shard) {
        this(task, context, spec, metrics, stopRequested, runIdOverride, shard, Instant.now());
    }

    /** @param logicalTime the run's logical time: the time partition of records without a timestamp */
    BatchRun(TaskHandle task, TaskContext context, TaskSpec spec, TaskMetrics metrics, BooleanSupplier stopRequested,
             String runIdOverride, Shard shard, Instant logicalTime) {
        this.logicalTime = logicalTime;
        this.task = task;
        this.context = context;
        this.spec = spec;
        this.metrics = metrics;
        this.stopRequested = stopRequested;
        this.runIdOverride = runIdOverride;
        this.shard = shard;
    }

    RunSummary bolt(BatchInputConfig inConfig, BatchOutputConfig outConfig) {
        long started = System.nanoTime();
        BatchStorage inStorage = storage(inConfig.scheme(), "config.inputConfig.source");
        BatchStorage outStorage = storage(outConfig.scheme(), "config.outputConfig.destination");
        InputProgress progress = inConfig.select() == BatchInputConfig.Selection.NEW
                ? new InputProgress(context.state(), spec.name(), inConfig.source()) : null;
        RunSummary summary;
        List<String> objects;
        try (BatchInput input = inStorage.openInput(inConfig, context)) {
            objects = listObjects(input, inConfig, progress);
            metrics.objectsToRead(objects.size());
            String runId = runIdOverride != null ? runIdOverride + shard.nameSuffix() : "run-" + hash(spec.name() + "\n" + String.join("\n", objects));
            LOG.info("task '{}': {} object(s) to read from {} with {} worker(s); run {}", spec.name(), objects.size(),
                    inConfig.source(), Math.min(inConfig.parallelism(), Math.max(1, objects.size())), runId);
            BatchOutput output = openOutput(outStorage, outConfig);
            Failures failures = failures(outConfig);
            try {
                List<String> parts = readAll(input, objects, inConfig, output, outConfig, failures);
                TaskMetrics.Tally tally = new TaskMetrics.Tally();
                // an incremental run's flush output adds to the earlier runs': it must not replace theirs
                PartEmitter flushEmitter = new PartEmitter(output, outConfig, "part-" + spec.name() + shard.nameSuffix()
                        + "-flush" + (progress == null ? "" : "-" + runId), failures, tally, logicalTime);
                try {
                    task.flush(flushEmitter);
                } catch (TaskFailedException e) {
                    throw e;
                } catch (Exception e) {
                    throw new TaskFailedException("task '" + spec.name() + "' failed in flush(): "
                            + Failures.describe(e), e);
                }
                parts.addAll(flushEmitter.finish());
                if (tally.out > 0) {
                    metrics.flushEmitted();
                }
                metrics.publish(tally);
                summary = commit(output, failures, runId, parts, outConfig, started);
            } catch (RuntimeException | IOException e) {
                abort(output, failures);
                throw asTaskFailure(e, "write its output to " + outConfig.destination());
            }
        } catch (IOException e) {
            throw asTaskFailure(e, "read its input " + inConfig.source());
        }
        if (progress != null) {
            // only now that the output is committed: a crash before this re-reads these objects, and since
            // their parts are named after them, the next run rewrites the same parts
            objects.forEach(progress::markDone);
        }
        return summary;
    }

    RunSummary spout(BatchOutputConfig outConfig) {
        long started = System.nanoTime();
        BatchOutput output = openOutput(storage(outConfig.scheme(), "config.outputConfig.destination"), outConfig);
        Failures failures = failures(outConfig);
        TaskMetrics.Tally tally = new TaskMetrics.Tally();
        PartEmitter emitter = new PartEmitter(output, outConfig, "part-" + spec.name() + shard.nameSuffix(), failures,
                tally, logicalTime);
        try {
            try {
                task.produce(emitter);
            } catch (TaskFailedException e) {
                throw e;
            } catch (Exception e) {
                throw new TaskFailedException("spout '" + spec.name() + "' failed: " + Failures.describe(e), e);
            }
            if (stopRequested.getAsBoolean()) {
                throw stopped();
            }
            List<String> parts = new ArrayList<>(emitter.finish());
            metrics.publish(tally);
            String runId = runIdOverride != null ? runIdOverride + shard.nameSuffix()
                    : "run-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
            return commit(output, failures, runId, parts, outConfig, started);
        } catch (RuntimeException | IOException e) {
            emitter.discard();
            abort(output, failures);
            throw asTaskFailure(e, "write its output to " + outConfig.destination());
        }
    }

    private List<String> readAll(BatchInput input, List<String> objects, BatchInputConfig inConfig,
                                 BatchOutput output, BatchOutputConfig outConfig, Failures failures) throws IOException {
        int workers = Math.min(inConfig.parallelism(), Math.max(1, objects.size()));
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "geniusrise-" + spec.name() + "-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<String>>> futures = new ArrayList<>(objects.size());
            for (String object : objects) {
                futures.add(pool.submit(() -> readObject(input, inConfig, object, output, outConfig, failures)));
            }
            List<String> parts = new ArrayList<>();
            Throwable first = null;
            for (Future<List<String>> f : futures) {
                try {
                    parts.addAll(f.get());
                } catch (ExecutionException e) {
                    aborting.set(true);
                    if (first == null) {
                        first = e.getCause();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    aborting.set(true);
                    first = first == null ? stopped() : first;
                }
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first != null) {
                throw new TaskFailedException("task '" + spec.name() + "' failed: " + Failures.describe(first), first);
            }
            return parts;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> readObject(BatchInput input, BatchInputConfig inConfig, String object, BatchOutput output,
                                    BatchOutputConfig outConfig, Failures failures) throws IOException {
        TaskMetrics.Tally tally = new TaskMetrics.Tally();
        PartEmitter emitter = new PartEmitter(output, outConfig, "part-" + spec.name() + "-" + hash(object), failures, tally,
                logicalTime);
        long started = System.nanoTime();
        try (RecordReader reader = openObject(input, inConfig, object)) {
            while (true) {
                if (aborting.get()) {
                    emitter.discard();
                    return List.of();
                }
                if (stopRequested.getAsBoolean()) {
                    throw stopped();
                }
                Record record;
                try {
                    record = reader.next();
                } catch (RecordFormatException e) {
                    tally.in++;
                    failures.onFailure(e.position(), e.rawBytes(), e, tally);
                    continue;
                }
                if (record == null) {
                    metrics.objectRead();
                    break;
                }
                tally.in++;
                emitter.hold();
                try {
                    task.process(record, emitter);
                    emitter.release();
                } catch (TaskFailedException e) {
                    throw e;
                } catch (Exception e) {
                    emitter.drop();
                    failures.onFailure(record.position(), record.value(), e, tally);
                }
                if (tally.in % PUBLISH_EVERY == 0) {
                    metrics.publish(tally);
                }
            }
            return emitter.finish();
        } catch (IOException e) {
            emitter.discard();
            throw new TaskFailedException("task '" + spec.name() + "' cannot read " + object + " in "
                    + inConfig.source() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            emitter.discard();
            throw e;
        } finally {
            tally.processingNanos = System.nanoTime() - started;
            metrics.publish(tally);
        }
    }

    RecordReader openObject(BatchInput input, BatchInputConfig inConfig, String object) throws IOException {
        try {
            return input.open(object);
        } catch (IOException e) {
            throw new TaskFailedException("task '" + spec.name() + "' cannot open " + object + " in "
                    + inConfig.source() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The objects this run reads: this shard's, and with {@code progress}, only those no earlier
     * successful run read.
     */
    List<String> listObjects(BatchInput input, BatchInputConfig inConfig, InputProgress progress) {
        try {
            List<String> objects = input.objects().stream().filter(shard::owns).toList();
            if (shard.count() > 1) {
                LOG.info("task '{}': shard {} of {} takes {} object(s)", spec.name(), shard.index(), shard.count(),
                        objects.size());
            }
            if (progress != null) {
                if ("memory".equals(spec.state().type())) {
                    LOG.warn("task '{}' reads only new objects of {}, but its state is in memory: what this "
                            + "process reads is forgotten when it exits; set a durable stateConfig", spec.name(),
                            inConfig.source());
                }
                Set<String> done = progress.done();
                List<String> fresh = objects.stream().filter(o -> !done.contains(o)).toList();
                if (fresh.size() < objects.size()) {
                    LOG.info("task '{}': {} object(s) of {} were read by earlier runs; {} new", spec.name(),
                            objects.size() - fresh.size(), inConfig.source(), fresh.size());
                }
                if (fresh.isEmpty() && !objects.isEmpty()) {
                    return fresh;
                }
                objects = fresh;
            }
            if (objects.isEmpty()) {
                LOG.warn("task '{}': the input {} has no objects{}", spec.name(), inConfig.source(),
                        inConfig.glob() == null ? "" : " matching " + inConfig.glob());
            }
            return objects;
        } catch (IOException e) {
            throw new TaskFailedException("task '" + spec.name() + "' cannot list its input " + inConfig.source()
                    + ": " + e.getMessage() + "; check that it exists and can be read", e);
        }
    }

    private RunSummary commit(BatchOutput output, Failures failures, String runId, List<String> parts,
                              BatchOutputConfig outConfig, long started) throws IOException {
        parts.sort(null);
        output.commit(runId, parts);
        output.close();
        failures.deadLetters().commit(runId);
        long dead = failures.deadLetters().count();
        if (dead > 0) {
            LOG.warn("task '{}': {} record(s) went to the dead letters at {}", spec.name(), dead,
                    failures.deadLetters().location());
        }
        return new RunSummary(spec.name(), metrics.inTotal(), metrics.outTotal(), metrics.skippedTotal(),
                metrics.deadLetteredTotal(), metrics.droppedTotal(), parts, outConfig.destination(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private void abort(BatchOutput output, Failures failures) {
        try {
            output.abort();
            output.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("task '{}': could not remove the unfinished output at {}: {}", spec.name(), output.location(),
                    e.toString());
        }
        failures.deadLetters().abort();
    }

    private Failures failures(BatchOutputConfig outConfig) {
        String location = spec.deadLetter() != null ? spec.deadLetter()
                : outConfig.destination().replaceAll("/+$", "") + "/_dead-letter";
        BatchOutputConfig dlConfig;
        try {
            dlConfig = BatchOutputConfig.builder(location).format(Format.JSONL).options(outConfig.options()).build();
        } catch (ConfigException e) {
            throw spec.locate(e.locatedAt(null, 0, 0, "deadLetter"));
        }
        BatchStorage dlStorage = storage(dlConfig.scheme(), "deadLetter");
        DeadLetters deadLetters = new DeadLetters(spec.name(), location, () -> dlStorage.openOutput(dlConfig, context));
        return new Failures(spec.name(), spec.errors(), deadLetters, context.logger());
    }

    private BatchOutput openOutput(BatchStorage storage, BatchOutputConfig outConfig) {
        try {
            return storage.openOutput(outConfig, context);
        } catch (ConfigException e) {
            throw spec.locate(e);
        } catch (IOException e) {
            throw new TaskFailedException("task '" + spec.name() + "' cannot open its output "
                    + outConfig.destination() + ": " + e.getMessage(), e);
        }
    }

    BatchStorage storage(String scheme, String configPath) {
        try {
            return BatchStorage.forScheme(scheme, configPath);
        } catch (ConfigException e) {
            throw spec.locate(e);
        }
    }

    TaskFailedException stopped() {
        return new TaskFailedException("task '" + spec.name() + "' was stopped before its run finished; nothing of "
                + "the run was committed, and running it again starts over", null);
    }

    private RuntimeException asTaskFailure(Exception e, String what) {
        if (e instanceof TaskFailedException || e instanceof ConfigException) {
            return (RuntimeException) e;
        }
        return new TaskFailedException("task '" + spec.name() + "' could not " + what + ": " + Failures.describe(e), e);
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
