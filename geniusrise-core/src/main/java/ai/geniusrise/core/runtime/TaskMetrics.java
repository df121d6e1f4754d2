package ai.geniusrise.core.runtime;

import ai.geniusrise.core.spi.StreamingEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime's meters for one task. Workers count into their own {@link Tally} and publish it
 * in batches, so the per-record cost is a few field increments.
 */
final class TaskMetrics {

    final Counter in;
    final Counter out;
    final Counter skipped;
    final Counter deadLettered;
    final Counter dropped;
    final Timer processing;
    private final LongAdder inTotal = new LongAdder();
    private final LongAdder outTotal = new LongAdder();
    private final LongAdder skippedTotal = new LongAdder();
    private final LongAdder deadTotal = new LongAdder();
    private final LongAdder droppedTotal = new LongAdder();
    private final AtomicLong objectsDone = new AtomicLong();
    private volatile boolean flushEmitted;
    private volatile long objectsTotal = -1;
    private final MeterRegistry registry;

    TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.in = Counter.builder("geniusrise.records.in").description("Records read from the input")
                .register(registry);
        this.out = Counter.builder("geniusrise.records.out").description("Records written to the output")
                .register(registry);
        this.skipped = Counter.builder("geniusrise.records.failed").tag("policy", "skip")
                .description("Records that failed and were skipped").register(registry);
        this.deadLettered = Counter.builder("geniusrise.records.failed").tag("policy", "dead-letter")
                .description("Records that failed and went to the dead letters").register(registry);
        this.dropped = Counter.builder("geniusrise.records.dropped")
                .description("Records the task processed without emitting anything").register(registry);
        this.processing = Timer.builder("geniusrise.processing").description("Time spent in the task's code per batch of records")
                .register(registry);
    }

    /**
     * The input's lag as the engine reports it ({@link StreamingEngine#INPUT_LAG_GAUGE}, summed over
     * its members), or -1 when no engine reports one or a member does not know yet.
     */
    long inputLag() {
        return gaugeSum(StreamingEngine.INPUT_LAG_GAUGE);
    }

    /**
     * Records in process and waiting to run ({@link StreamingEngine#IN_PROCESS_GAUGE},
     * {@link StreamingEngine#WAITING_GAUGE}, summed over the members), or -1 when the engine reports
     * none (records one at a time).
     */
    long inProcess() {
        return gaugeSum(StreamingEngine.IN_PROCESS_GAUGE);
    }

    /** See {@link #inProcess()}. */
    long waiting() {
        return gaugeSum(StreamingEngine.WAITING_GAUGE);
    }

    /** The sum of the gauges named {@code name}, or -1 when there is none or one is unknown. */
    private long gaugeSum(String name) {
        long sum = 0;
        boolean any = false;
        for (Gauge g : registry.find(name).gauges()) {
            double v = g.value();
            if (Double.isNaN(v) || v < 0) {
                return -1;
            }
            sum += (long) v;
            any = true;
        }
        return any ? sum : -1;
    }

    /** Per-worker counts, published with {@link #publish(Tally)}. */
    static final class Tally {
        long in;
        long out;
        long skipped;
        long deadLettered;
        long dropped;
        long processingNanos;
    }

    void publish(Tally t) {
        in.increment(t.in);
        out.increment(t.out);
        skipped.increment(t.skipped);
        deadLettered.increment(t.deadLettered);
        dropped.increment(t.dropped);
        if (t.processingNanos > 0) {
            processing.record(t.processingNanos, TimeUnit.NANOSECONDS);
        }
        inTotal.add(t.in);
        outTotal.add(t.out);
        skippedTotal.add(t.skipped);
        deadTotal.add(t.deadLettered);
        droppedTotal.add(t.dropped);
        t.in = 0;
        t.out = 0;
        t.skipped = 0;
        t.deadLettered = 0;
        t.dropped = 0;
        t.processingNanos = 0;
    }

    long inTotal() {
        return inTotal.sum();
    }

    long outTotal() {
        return outTotal.sum();
    }

    long skippedTotal() {
        return skippedTotal.sum();
    }

    long deadLetteredTotal() {
        return deadTotal.sum();
    }

    /** The task's {@code flush} emitted records: it aggregates what {@code process} took in. */
    void flushEmitted() {
        flushEmitted = true;
    }

    /** Records {@code process} emitted nothing for; 0 for a task that aggregates into its flush output. */
    long droppedTotal() {
        return flushEmitted ? 0 : droppedTotal.sum();
    }

    /** A batch bolt's input: how many objects it will read. */
    void objectsToRead(long total) {
        objectsTotal = total;
    }

    /** A batch bolt's worker read one object to its end. */
    void objectRead() {
        objectsDone.incrementAndGet();
    }

    long objectsDone() {
        return objectsDone.get();
    }

    /** -1 until a batch bolt has listed its input. */
    long objectsTotal() {
        return objectsTotal;
    }
}
