package ai.geniusrise.bench;

import ai.geniusrise.core.Geniusrise;

/**
 * The benchmark's bolt started the way its container starts it: a user {@code main} calling
 * {@link Geniusrise#run} with the container's arguments (a pipeline file), as the Job that
 * {@code geniusrise generate} writes does. The system property {@code bench.records} is the number of
 * records to expect: once the bolt has processed that many, one line
 * {@code PROCESSED <nanoTime> <steady records/s> <cpu nanos> <cpu nanos before the first record> <nanoTime of the first record>} is printed, and the benchmark stops the
 * JVM with SIGTERM, as a container is stopped (drain, flush, commit, exit).
 */
public final class UppercaseBoltMain {

    private UppercaseBoltMain() {
    }

    public static void main(String[] args) {
        KafkaBenchmarkClient.started(Long.getLong("bench.records"));
        Thread watcher = new Thread(KafkaBenchmarkClient::reportWhenProcessed, "bench-progress");
        watcher.setDaemon(true);
        watcher.start();
        Geniusrise.run(UppercaseBolt.class, args);
    }
}
