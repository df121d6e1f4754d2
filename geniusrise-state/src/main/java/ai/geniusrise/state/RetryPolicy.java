package ai.geniusrise.state;

import ai.geniusrise.core.state.StateException;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Bounded exponential backoff for the operations of a state manager: an operation that fails
 * with an error its backend calls transient (connection refused or reset, timeout, server
 * starting) is tried again after {@code initialBackoff}, then twice that, and so on up to
 * {@code maxBackoff} between attempts (with jitter), at most {@code maxAttempts} times in all.
 * Then, or at once for an error that is not transient, it throws {@link StateException} naming
 * the store and the operation. Immutable and thread-safe.
 *
 * <p>Properties read from a state config: {@code maxAttempts} (default 6),
 * {@code initialBackoff} (default 50ms), {@code maxBackoff} (default 2s).
 */
public final class RetryPolicy {

    /** One attempt at an operation; {@code attempt} counts from 1. */
    @FunctionalInterface
    public interface Attempt<T> {
        /** Runs the operation once. */
        T run(int attempt) throws Exception;
    }

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    /** A policy of at most {@code maxAttempts} attempts with backoff from {@code initialBackoff} to {@code maxBackoff}. */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff <= maxBackoff, got "
                    + initialBackoff + " and " + maxBackoff);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** The policy the properties {@code maxAttempts}, {@code initialBackoff} and {@code maxBackoff} describe. */
    public static RetryPolicy from(StoreProperties properties) {
        int attempts = properties.integer("maxAttempts", 6, 1, 100);
        Duration initial = properties.duration("initialBackoff", Duration.ofMillis(50));
        Duration max = properties.duration("maxBackoff", Duration.ofSeconds(2));
        if (max.compareTo(initial) < 0) {
            throw new ai.geniusrise.core.ConfigException(StoreProperties.path("maxBackoff"),
                    "expected at least initialBackoff (" + initial.toMillis() + "ms), got " + max.toMillis() + "ms");
        }
        return new RetryPolicy(attempts, initial, max);
    }

    /** At most this many attempts per operation. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Runs {@code op}, retrying while it fails with an error {@code isTransient} accepts.
     *
     * @throws StateException naming {@code store} and {@code operation} once attempts are used up,
     *                        or at once for any other error
     */
    public <T> T call(String store, String operation, Predicate<Throwable> isTransient, Attempt<T> op) {
        for (int attempt = 1; ; attempt++) {
            try {
                return op.run(attempt);
            } catch (StateException | IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                if (!isTransient.test(e)) {
                    throw new StateException(store, operation, e);
                }
                if (attempt >= maxAttempts) {
                    throw new StateException(store, operation + " (after " + attempt + " attempts)", e);
                }
                sleep(store, operation, backoff(attempt), e);
            }
        }
    }

    private Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(Math.max(base, 0), maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static void sleep(String store, String operation, Duration d, Exception last) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            StateException e = new StateException(store, operation + " (interrupted while retrying)", last);
            e.addSuppressed(ie);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff.toMillis()
                + "ms, maxBackoff=" + maxBackoff.toMillis() + "ms}";
    }
}
