package ai.geniusrise.testkit;

import ai.geniusrise.core.state.StateManager;
import ai.geniusrise.core.state.Versioned;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The behaviour every {@link StateManager} promises, written once and run against every
 * implementation, the in-memory one as much as Redis, Postgres and DynamoDB.
 *
 * <p>To run it, extend this class in a test and implement {@link #createManager()}:
 * <pre>{@code
 * class RedisStateManagerContractTest extends StateManagerContract {
 *     protected StateManager createManager() {
 *         return redis.namespaced("contract-" + UUID.randomUUID() + "/");
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets its own manager from {@link #createManager()} and closes it afterwards. For
 * time-to-live, a backend on a clock the test controls overrides {@link #supportsManualTime()}
 * and {@link #advanceTime(Duration)}; a backend on real time is tested with entries living
 * {@link #shortTtl()} and checked by polling for at most {@link #expiryGrace()} after that.
 *
 * <p>"Sorted" means in the order of {@link String#compareTo(String)}, which for the keys used
 * here is also the order of their UTF-8 bytes: a SQL backend must not sort by a locale's
 * collation. Prefixes are literal: no character in a prefix or namespace is a wildcard.
 */
public abstract class StateManagerContract {

    private static final int THREADS = 8;

    private StateManager manager;

    /** For subclasses. */
    protected StateManagerContract() {
    }

    /**
     * A manager for one test: empty, or a view on a namespace no other test uses. It is closed
     * after the test.
     */
    protected abstract StateManager createManager();

    /**
     * True when the manager's time-to-live follows a clock that {@link #advanceTime(Duration)}
     * moves; then expiry tests take no real time. Default false.
     */
    protected boolean supportsManualTime() {
        return false;
    }

    /**
     * Moves the manager's clock forward; called only when {@link #supportsManualTime()} is true.
     * The default throws {@link UnsupportedOperationException}.
     */
    protected void advanceTime(Duration amount) {
        throw new UnsupportedOperationException(getClass().getName() + " says supportsManualTime() but does not "
                + "override advanceTime(Duration)");
    }

    /** The time-to-live of entries that expire in real-time tests; default 1 second. */
    protected Duration shortTtl() {
        return Duration.ofSeconds(1);
    }

    /** How long after {@link #shortTtl()} an expired entry may still be seen; default 3 seconds. */
    protected Duration expiryGrace() {
        return Duration.ofSeconds(3);
    }

    /** The manager of the running test. */
    protected final StateManager manager() {
        return manager;
    }

    @BeforeEach
    final void openManager() {
        manager = createManager();
        assertThat(manager).as("createManager()").isNotNull();
    }

    @AfterEach
    final void closeManager() {
        if (manager != null) {
            manager.close();
        }
    }

    // ---- get, put, delete -----------------------------------------------------------------

    @Test
    void getOfAnAbsentKeyIsEmpty() {
        assertThat(manager.get("absent")).isEmpty();
    }

    @Test
    void getReturnsTheValueAndTheVersionPutReturned() {
        long version = manager.put("k", bytes("v"));
        assertThat(manager.get("k")).contains(new Versioned(bytes("v"), version));
    }

    @Test
    void putReturnsAPositiveVersion() {
        assertThat(manager.put("k", bytes("v"))).isPositive();
    }

    @Test
    void overwriteReplacesTheValueAndRaisesTheVersion() {
        long first = manager.put("k", bytes("one"));
        long second = manager.put("k", bytes("two"));
        assertThat(second).isGreaterThan(first);
        assertThat(manager.get("k")).contains(new Versioned(bytes("two"), second));
    }

    @Test
    void repeatedPutsReturnStrictlyIncreasingVersions() {
        long last = 0;
        for (int i = 0; i < 20; i++) {
            long v = manager.put("k", bytes("v" + i));
            assertThat(v).as("version of put #%d", i + 1).isGreaterThan(last);
            last = v;
        }
    }

    @Test
    void putsToDifferentKeysDoNotAffectEachOther() {
        manager.put("a", bytes("1"));
        manager.put("b", bytes("2"));
        manager.put("a", bytes("3"));
        assertThat(manager.getString("a")).contains("3");
        assertThat(manager.getString("b")).contains("2");
    }

    @Test
    void deleteOfAPresentKeyReturnsTrueAndRemovesIt() {
        manager.put("k", bytes("v"));
        assertThat(manager.delete("k")).isTrue();
        assertThat(manager.get("k")).isEmpty();
    }

    @Test
    void deleteOfAnAbsentKeyReturnsFalse() {
        assertThat(manager.delete("absent")).isFalse();
    }

    @Test
    void deleteOfAnAlreadyDeletedKeyReturnsFalse() {
        manager.put("k", bytes("v"));
        manager.delete("k");
        assertThat(manager.delete("k")).isFalse();
    }

    @Test
    void putAfterDeleteStoresTheNewValue() {
        manager.put("k", bytes("old"));
        manager.delete("k");
        long v = manager.put("k", bytes("new"));
        assertThat(v).isPositive();
        assertThat(manager.get("k")).contains(new Versioned(bytes("new"), v));
    }

    // ---- compare-and-set -------------------------------------------------------------------

    @Test
    void compareAndSetWithZeroCreatesAnAbsentKey() {
        OptionalLong v = manager.compareAndSet("k", 0, bytes("v"));
        assertThat(v).isPresent();
        assertThat(v.getAsLong()).isPositive();
        assertThat(manager.get("k")).contains(new Versioned(bytes("v"), v.getAsLong()));
    }

    @Test
    void compareAndSetWithZeroFailsWhenTheKeyIsPresent() {
        long v = manager.put("k", bytes("first"));
        assertThat(manager.compareAndSet("k", 0, bytes("second"))).isEmpty();
        assertThat(manager.get("k")).contains(new Versioned(bytes("first"), v));
    }

    @Test
    void compareAndSetWithTheCurrentVersionReplacesTheValueAndRaisesTheVersion() {
        long v1 = manager.put("k", bytes("one"));
        OptionalLong v2 = manager.compareAndSet("k", v1, bytes("two"));
        assertThat(v2).isPresent();
        assertThat(v2.getAsLong()).isGreaterThan(v1);
        assertThat(manager.get("k")).contains(new Versioned(bytes("two"), v2.getAsLong()));
    }

    @Test
    void compareAndSetWithAStaleVersionFailsAndChangesNothing() {
        long v1 = manager.put("k", bytes("one"));
        long v2 = manager.put("k", bytes("two"));
        assertThat(manager.compareAndSet("k", v1, bytes("three"))).isEmpty();
        assertThat(manager.get("k")).contains(new Versioned(bytes("two"), v2));
    }

    @Test
    void compareAndSetWithAVersionAboveTheCurrentOneFails() {
        long v = manager.put("k", bytes("one"));
        assertThat(manager.compareAndSet("k", v + 1, bytes("two"))).isEmpty();
        assertThat(manager.get("k")).contains(new Versioned(bytes("one"), v));
    }

    @Test
    void compareAndSetWithANonZeroVersionFailsOnAnAbsentKey() {
        assertThat(manager.compareAndSet("absent", 1, bytes("v"))).isEmpty();
        assertThat(manager.get("absent")).isEmpty();
    }

    @Test
    void compareAndSetWithZeroSucceedsAgainAfterDelete() {
        manager.put("k", bytes("old"));
        manager.delete("k");
        OptionalLong v = manager.compareAndSet("k", 0, bytes("new"));
        assertThat(v).isPresent();
        assertThat(manager.getString("k")).contains("new");
    }

    @Test
    void versionFromCompareAndSetIsAcceptedByTheNextCompareAndSet() {
        long v = manager.compareAndSet("k", 0, bytes("0")).orElseThrow();
        for (int i = 1; i <= 5; i++) {
            long next = manager.compareAndSet("k", v, bytes(String.valueOf(i))).orElseThrow();
            assertThat(next).isGreaterThan(v);
            v = next;
        }
        assertThat(manager.get("k")).contains(new Versioned(bytes("5"), v));
    }

    @Test
    @Timeout(120)
    void concurrentCompareAndSetHasExactlyOneWinnerPerRound() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long version = 0;
            for (int round = 1; round <= 50; round++) {
                CountDownLatch start = new CountDownLatch(1);
                long expected = version;
                List<Future<OptionalLong>> attempts = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    byte[] value = bytes(round + ":" + t);
                    attempts.add(pool.submit(() -> {
                        start.await();
                        return manager.compareAndSet("contended", expected, value);
                    }));
                }
                start.countDown();
                int winner = -1;
                long winningVersion = 0;
                for (int t = 0; t < THREADS; t++) {
                    OptionalLong result = attempts.get(t).get(60, TimeUnit.SECONDS);
                    if (result.isPresent()) {
                        assertThat(winner).as("round %d: threads %d and %d both won", round, winner, t)
                                .isEqualTo(-1);
                        winner = t;
                        winningVersion = result.getAsLong();
                    }
                }
                assertThat(winner).as("round %d: one thread wins", round).isNotEqualTo(-1);
                assertThat(winningVersion).as("round %d: version", round).isGreaterThan(version);
                assertThat(manager.get("contended")).as("round %d: stored value", round)
                        .contains(new Versioned(bytes(round + ":" + winner), winningVersion));
                version = winningVersion;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- keys --------------------------------------------------------------------------------

    @Test
    void keysWithAnEmptyPrefixListsEveryKeySorted() {
        for (String k : List.of("c", "a", "b/2", "b/1")) {
            manager.put(k, bytes(k));
        }
        assertThat(manager.keys("")).containsExactly("a", "b/1", "b/2", "c");
    }

    @Test
    void keysOfAnEmptyManagerIsEmpty() {
        assertThat(manager.keys("")).isEmpty();
    }

    @Test
    void keysFiltersByPrefixAndSorts() {
        for (String k : List.of("job/3", "job/1", "jobs", "other/1", "jo", "job/2")) {
            manager.put(k, bytes(k));
        }
        assertThat(manager.keys("job/")).containsExactly("job/1", "job/2", "job/3");
        assertThat(manager.keys("job")).containsExactly("job/1", "job/2", "job/3", "jobs");
    }

    @Test
    void keysIncludesTheKeyEqualToThePrefix() {
        manager.put("ab", bytes("1"));
        manager.put("abc", bytes("2"));
        manager.put("a", bytes("3"));
        assertThat(manager.keys("ab")).containsExactly("ab", "abc");
    }

    @Test
    void keysOfAPrefixNothingStartsWithIsEmpty() {
        manager.put("a/1", bytes("1"));
        assertThat(manager.keys("b")).isEmpty();
        assertThat(manager.keys("a/1/")).isEmpty();
    }

    @Test
    void keysOmitsDeletedKeys() {
        manager.put("a", bytes("1"));
        manager.put("b", bytes("2"));
        manager.delete("a");
        assertThat(manager.keys("")).containsExactly("b");
    }

    @Test
    void keysTreatsSqlLikeWildcardsInThePrefixLiterally() {
        for (String k : List.of("a%", "a%b", "axb", "a_b", "ayb", "abc", "a\\b", "a'b")) {
            manager.put(k, bytes(k));
        }
        assertThat(manager.keys("a%")).containsExactly("a%", "a%b");
        assertThat(manager.keys("a_")).containsExactly("a_b");
        assertThat(manager.keys("a\\")).containsExactly("a\\b");
        assertThat(manager.keys("a'")).containsExactly("a'b");
    }

    @Test
    void keysTreatsGlobAndRegexCharactersInThePrefixLiterally() {
        for (String k : List.of("g*1", "g11", "g?2", "gx2", "g[ab]3", "ga3", "g\\4", "g4", "g.5", "gz5",
                "g^6", "g$7", "g(8)", "g+9", "g{10}")) {
            manager.put(k, bytes(k));
        }
        assertThat(manager.keys("g*")).containsExactly("g*1");
        assertThat(manager.keys("g?")).containsExactly("g?2");
        assertThat(manager.keys("g[ab]")).containsExactly("g[ab]3");
        assertThat(manager.keys("g[")).containsExactly("g[ab]3");
        assertThat(manager.keys("g\\")).containsExactly("g\\4");
        assertThat(manager.keys("g.")).containsExactly("g.5");
        assertThat(manager.keys("g^")).containsExactly("g^6");
        assertThat(manager.keys("g$")).containsExactly("g$7");
        assertThat(manager.keys("g(")).containsExactly("g(8)");
        assertThat(manager.keys("g+")).containsExactly("g+9");
        assertThat(manager.keys("g{")).containsExactly("g{10}");
    }

    @Test
    void keysAreSortedByCharacterCodeNotByLocale() {
        List<String> keys = List.of("b", "B", "a-1", "a_1", "a1", "a/1", "A", "a 1", "~", "0", "a.1", "Z");
        for (String k : keys) {
            manager.put(k, bytes(k));
        }
        assertThat(manager.keys("")).containsExactlyElementsOf(keys.stream().sorted().toList());
    }

    @Test
    void keysReturnsNonAsciiKeysUnchanged() {
        List<String> keys = List.of("emoji🌍", "é/1", "ключ", "日本/語");
        for (String k : keys) {
            manager.put(k, bytes(k));
        }
        assertThat(manager.keys("")).containsExactlyElementsOf(keys.stream().sorted().toList());
        assertThat(manager.keys("日本/")).containsExactly("日本/語");
        assertThat(manager.getString("ключ")).contains("ключ");
    }

    // ---- time-to-live ------------------------------------------------------------------------

    @Test
    void entryWithTtlIsVisibleBeforeItExpires() {
        long v = manager.put("k", bytes("v"), Duration.ofMinutes(10));
        assertThat(manager.get("k")).contains(new Versioned(bytes("v"), v));
        assertThat(manager.keys("")).containsExactly("k");
        if (supportsManualTime()) {
            advanceTime(Duration.ofMinutes(9));
            assertThat(manager.get("k")).isPresent();
        }
    }

    @Test
    void expiredEntryIsAbsentFromGet() {
        Duration ttl = expiringTtl();
        manager.put("k", bytes("v"), ttl);
        letExpire(ttl);
        eventually("the expired entry is absent from get", () -> manager.get("k").isEmpty());
    }

    @Test
    void expiredEntryIsAbsentFromKeys() {
        Duration ttl = expiringTtl();
        manager.put("short", bytes("v"), ttl);
        manager.put("long", bytes("v"));
        letExpire(ttl);
        eventually("the expired entry is absent from keys", () -> manager.keys("").equals(List.of("long")));
        assertThat(manager.keys("sh")).isEmpty();
    }

    @Test
    void compareAndSetTreatsAnExpiredEntryAsAbsent() {
        Duration ttl = expiringTtl();
        long v = manager.put("k", bytes("old"), ttl);
        letExpire(ttl);
        eventually("the expired entry is absent from get", () -> manager.get("k").isEmpty());
        assertThat(manager.compareAndSet("k", v, bytes("stale"))).as("compare-and-set with the expired version")
                .isEmpty();
        assertThat(manager.compareAndSet("k", 0, bytes("new"))).as("compare-and-set with 0").isPresent();
        assertThat(manager.getString("k")).contains("new");
    }

    @Test
    void compareAndSetWithTtlWritesAnEntryThatExpires() {
        Duration ttl = expiringTtl();
        assertThat(manager.compareAndSet("k", 0, bytes("v"), ttl)).isPresent();
        assertThat(manager.get("k")).isPresent();
        letExpire(ttl);
        eventually("the entry written by compare-and-set expires", () -> manager.get("k").isEmpty());
    }

    @Test
    void putWithoutTtlOverAnEntryWithTtlKeepsItForever() {
        Duration ttl = expiringTtl();
        manager.put("renewed", bytes("old"), ttl);
        manager.put("renewed", bytes("new"));
        manager.put("witness", bytes("v"), ttl);
        letExpire(ttl);
        eventually("the witness entry with the same ttl expires", () -> manager.get("witness").isEmpty());
        assertThat(manager.getString("renewed")).contains("new");
        assertThat(manager.keys("")).containsExactly("renewed");
    }

    // ---- values ------------------------------------------------------------------------------

    @Test
    void emptyValueRoundTrips() {
        manager.put("k", new byte[0]);
        Optional<Versioned> got = manager.get("k");
        assertThat(got).isPresent();
        assertThat(got.get().value()).isEmpty();
    }

    @Test
    void oneMebibyteValueRoundTrips() {
        byte[] value = new byte[1 << 20];
        new Random(42).nextBytes(value);
        manager.put("big", value);
        assertThat(manager.get("big")).hasValueSatisfying(v -> assertThat(v.value()).isEqualTo(value));
    }

    @Test
    void everyByteValueRoundTrips() {
        byte[] value = new byte[512];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i < 256 ? i : 255 - (i - 256));
        }
        manager.put("binary", value);
        manager.compareAndSet("binary-cas", 0, value);
        assertThat(manager.get("binary")).hasValueSatisfying(v -> assertThat(v.value()).isEqualTo(value));
        assertThat(manager.get("binary-cas")).hasValueSatisfying(v -> assertThat(v.value()).isEqualTo(value));
    }

    @Test
    void storedValueIsTheValueAtTheTimeOfThePut() {
        byte[] value = bytes("before");
        manager.put("k", value);
        Arrays.fill(value, (byte) 'x');
        assertThat(manager.getString("k")).contains("before");
    }

    @Test
    void putStringAndGetStringRoundTripNonAsciiText() {
        String text = "Grüße, 世界! ключ 🌍 \u0000 end";
        long v = manager.putString("text", text);
        assertThat(manager.getString("text")).contains(text);
        assertThat(manager.get("text")).contains(new Versioned(text.getBytes(StandardCharsets.UTF_8), v));
    }

    @Test
    void getStringOfAnAbsentKeyIsEmpty() {
        assertThat(manager.getString("absent")).isEmpty();
    }

    // ---- namespaces --------------------------------------------------------------------------

    @Test
    void namespacedViewsOfDifferentNamespacesDoNotSeeEachOthersKeys() {
        StateManager a = manager.namespaced("a/");
        StateManager b = manager.namespaced("b/");
        a.putString("k", "from a");
        b.putString("k", "from b");
        a.putString("only-a", "1");
        assertThat(a.getString("k")).contains("from a");
        assertThat(b.getString("k")).contains("from b");
        assertThat(b.get("only-a")).isEmpty();
        assertThat(b.delete("only-a")).isFalse();
        assertThat(a.getString("only-a")).contains("1");
    }

    @Test
    void namespacedViewStoresKeysUnderTheNamespaceInTheManager() {
        manager.namespaced("task/").putString("k", "v");
        assertThat(manager.getString("task/k")).contains("v");
        assertThat(manager.keys("")).containsExactly("task/k");
    }

    @Test
    void keysOfANamespacedViewStripTheNamespace() {
        StateManager view = manager.namespaced("ns/");
        view.putString("b", "1");
        view.putString("a/1", "2");
        view.putString("a/2", "3");
        manager.putString("outside", "4");
        manager.putString("ns", "5");
        assertThat(view.keys("")).containsExactly("a/1", "a/2", "b");
        assertThat(view.keys("a/")).containsExactly("a/1", "a/2");
    }

    @Test
    void namespacesWithWildcardCharactersAreMatchedLiterally() {
        List<String> namespaces = List.of("n%/", "nx/", "n_/", "n*/", "n?/", "n[x]/", "n\\/", "n./");
        for (String ns : namespaces) {
            manager.namespaced(ns).putString("k", ns);
        }
        for (String ns : namespaces) {
            StateManager view = manager.namespaced(ns);
            assertThat(view.keys("")).as("keys of namespace %s", ns).containsExactly("k");
            assertThat(view.getString("k")).as("value in namespace %s", ns).contains(ns);
        }
    }

    @Test
    void nestedNamespacesConcatenate() {
        StateManager inner = manager.namespaced("outer/").namespaced("inner/");
        inner.putString("k", "v");
        assertThat(manager.getString("outer/inner/k")).contains("v");
        assertThat(manager.namespaced("outer/").keys("")).containsExactly("inner/k");
        assertThat(inner.keys("")).containsExactly("k");
    }

    @Test
    void compareAndSetDeleteAndTtlWorkThroughANamespacedView() {
        StateManager view = manager.namespaced("ns/");
        long v = view.compareAndSet("k", 0, bytes("1")).orElseThrow();
        assertThat(view.compareAndSet("k", 0, bytes("2"))).isEmpty();
        assertThat(view.compareAndSet("k", v, bytes("3"))).isPresent();
        assertThat(manager.getString("ns/k")).contains("3");
        assertThat(view.delete("k")).isTrue();
        assertThat(manager.get("ns/k")).isEmpty();
        Duration ttl = expiringTtl();
        view.put("t", bytes("v"), ttl);
        letExpire(ttl);
        eventually("the expired entry is absent through the view", () -> view.get("t").isEmpty()
                && view.keys("").isEmpty());
    }

    @Test
    void closingANamespacedViewLeavesTheManagerOpen() {
        manager.namespaced("ns/").close();
        manager.putString("k", "v");
        assertThat(manager.getString("k")).contains("v");
    }

    // ---- threads -----------------------------------------------------------------------------

    @Test
    @Timeout(120)
    void concurrentPutsOfDistinctKeysAreAllStored() throws Exception {
        int perThread = 100;
        runConcurrently(t -> {
            for (int i = 0; i < perThread; i++) {
                manager.putString(String.format("t%d/k%03d", t, i), t + ":" + i);
            }
        });
        List<String> keys = manager.keys("");
        assertThat(keys).hasSize(THREADS * perThread).isSorted();
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(manager.getString(String.format("t%d/k%03d", t, i))).contains(t + ":" + i);
            }
        }
    }

    @Test
    @Timeout(120)
    void concurrentPutsToOneKeyReturnDistinctVersionsAndTheHighestIsStored() throws Exception {
        int perThread = 25;
        long[][] versions = new long[THREADS][perThread];
        runConcurrently(t -> {
            for (int i = 0; i < perThread; i++) {
                versions[t][i] = manager.put("shared", bytes(t + ":" + i));
            }
        });
        List<Long> all = new ArrayList<>();
        long highest = 0;
        int highestThread = -1;
        int highestIndex = -1;
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < perThread; i++) {
                all.add(versions[t][i]);
                if (i > 0) {
                    assertThat(versions[t][i]).as("versions seen by one thread increase")
                            .isGreaterThan(versions[t][i - 1]);
                }
                if (versions[t][i] > highest) {
                    highest = versions[t][i];
                    highestThread = t;
                    highestIndex = i;
                }
            }
        }
        assertThat(all).doesNotHaveDuplicates();
        assertThat(manager.get("shared")).contains(new Versioned(bytes(highestThread + ":" + highestIndex), highest));
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** A body run on each of the test's threads, given the thread's number. */
    @FunctionalInterface
    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    private static void runConcurrently(ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Duration expiringTtl() {
        return supportsManualTime() ? Duration.ofMinutes(1) : shortTtl();
    }

    private void letExpire(Duration ttl) {
        if (supportsManualTime()) {
            advanceTime(ttl.plusSeconds(1));
        } else {
            sleep(ttl);
        }
    }

    private void eventually(String what, BooleanSupplier condition) {
        if (supportsManualTime()) {
            assertThat(condition.getAsBoolean()).as(what).isTrue();
            return;
        }
        long deadline = System.nanoTime() + expiryGrace().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": still not true " + expiryGrace() + " after the time-to-live of " + shortTtl());
            }
            sleep(Duration.ofMillis(25));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for entries to expire", e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
