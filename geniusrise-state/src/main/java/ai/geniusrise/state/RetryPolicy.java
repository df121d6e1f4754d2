package ai.geniusrise.state;

import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
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
 * <p>Settings of a state config, declared in {@link #SETTINGS}: {@code maxAttempts} (default 6),
 * {@code initialBackoff} (default 50ms), {@code maxBackoff} (default 2s).
 */
public final class RetryPolicy {

    /** Attempts per operation, the first included. */
    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("maxAttempts", 1, 100,
            "Attempts per operation, the first included.").withDefault(6);
    /** Wait before the first retry. */
    public static final Setting<Duration> INITIAL_BACKOFF = Setting.duration("initialBackoff",
            "Wait before the first retry; it doubles with each retry.").withDefault(Duration.ofMillis(50));
    /** Longest wait between two attempts. */
    public static final Setting<Duration> MAX_BACKOFF = Setting.duration("maxBackoff",
            "Longest wait between two attempts; at least initialBackoff.").withDefault(Duration.ofSeconds(2));

    /** The retry settings every state backend of this module takes; add them with {@link SettingsDef#plus}. */
    public static final SettingsDef SETTINGS = SettingsDef.of("retries", MAX_ATTEMPTS, INITIAL_BACKOFF, MAX_BACKOFF)
            .withRule(s -> {
                if (s.get(MAX_BACKOFF).compareTo(s.get(INITIAL_BACKOFF)) < 0) {
                    throw s.error(MAX_BACKOFF, "expected at least initialBackoff (" + s.get(INITIAL_BACKOFF).toMillis()
                            + "ms), got " + s.get(MAX_BACKOFF).toMillis() + "ms");
                }
            });

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

    /** The policy that {@link #SETTINGS} read into {@code settings} describe. */
    public static RetryPolicy from(Settings settings) {
        return new RetryPolicy(settings.get(MAX_ATTEMPTS), settings.get(INITIAL_BACKOFF), settings.get(MAX_BACKOFF));
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
