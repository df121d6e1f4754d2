package ai.geniusrise.io.tcp;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.ErrorPolicy;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.TaskFailedException;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.TaskSpec;
import ai.geniusrise.core.runtime.RunSummary;
import ai.geniusrise.core.runtime.TaskRunner;
import ai.geniusrise.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in TCP line listener writing to a real embedded Kafka, fed by real sockets. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TcpListenerSpoutTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static TaskSpec.Builder spec(String name, String source, String topic, Map<String, String> properties) {
        return TaskSpec.builder(name, TaskSpec.Kind.SPOUT)
                .input(StreamingInputConfig.builder(source).properties(properties).build())
                .output(StreamingOutputConfig.builder(topic).bootstrapServers(kafka.bootstrapServers()).build());
    }

    /** A runner on a thread of its own. */
    private record Running(TaskRunner runner, CompletableFuture<RunSummary> result) {
        static Running start(TaskSpec spec, TcpListenerSpout spout) {
            TaskRunner.Builder b = TaskRunner.builder(spec).pipelineName("test");
            if (spout != null) {
                b.task(spout);
            }
            TaskRunner runner = b.build();
            return new Running(runner, CompletableFuture.supplyAsync(runner::run));
        }

        RunSummary stop() throws Exception {
            return stop(Duration.ofSeconds(30));
        }

        RunSummary stop(Duration wait) throws Exception {
            runner.requestStop();
            return result.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Waits up to 30 s until the runner is ready: its topic checked, its producer open. */
    private static void awaitReady(Running running) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!running.runner().isReady() && !running.result().isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(running.runner().isReady()).as("the spout is ready").isTrue();
    }

    private static int awaitPort(TcpListenerSpout spout, Running running) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (spout.port() < 0 && !running.result().isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(spout.port()).as("the spout listens").isPositive();
        return spout.port();
    }

    private static Socket connect(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return new Socket("127.0.0.1", port);
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void aSpoutWithoutClassOnTcpRunsTheListenerAndKeepsEachConnectionsLinesInOrder() throws Exception {
        kafka.createTopic("lines", 1);
        int port = freePort();
        Running running = Running.start(spec("lines", "tcp://127.0.0.1:" + port, "lines", Map.of()).build(), null);
        int connections = 4;
        int perConnection = 2_000;
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            clients.add(CompletableFuture.runAsync(() -> {
                try (Socket s = connect(port); OutputStream out = s.getOutputStream()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < perConnection; i++) {
                        sb.append("c").append(id).append('-').append(i).append(i % 2 == 0 ? "\r\n" : "\n");
                        if (i % 100 == 99) {
                            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                            sb.setLength(0);
                        }
                    }
                    out.write("\n\nc".concat(String.valueOf(id)).concat("-last").getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        int expected = connections * (perConnection + 1);
        List<ConsumerRecord<String, String>> records = kafka.read("lines", expected);
        RunSummary summary = running.stop();

        assertThat(records).hasSize(expected);
        assertThat(summary.recordsOut()).isEqualTo(expected);
        Map<String, List<String>> byConnection = new LinkedHashMap<>();
        for (String v : values(records)) {
            byConnection.computeIfAbsent(v.substring(0, v.indexOf('-')), k -> new ArrayList<>()).add(v);
        }
        assertThat(byConnection).hasSize(connections);
        byConnection.forEach((connection, lines) -> {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < perConnection; i++) {
                sent.add(connection + "-" + i);
            }
            sent.add(connection + "-last"); // the unterminated last line of a connection the client closed
            assertThat(lines).as("lines of %s, in the order sent", connection).isEqualTo(sent);
        });
        assertThat(records.get(0).headers().lastHeader("remote")).isNotNull();
    }

    @Test
    void anOverLongLineIsSkippedUnderSkipAndTheConnectionGoesOn() throws Exception {
        kafka.createTopic("skipping", 1);
        TcpListenerSpout spout = new TcpListenerSpout();
        Running running = Running.start(spec("skipping", "tcp://127.0.0.1:0", "skipping", Map.of("maxLineBytes", "10"))
                .errors(ErrorPolicy.SKIP).build(), spout);
        try (Socket s = connect(awaitPort(spout, running))) {
            s.getOutputStream().write(("short\n" + "x".repeat(5000) + "\nexactly-10\nafter\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        List<ConsumerRecord<String, String>> records = kafka.read("skipping", 3);
        RunSummary summary = running.stop();

        assertThat(values(records)).containsExactly("short", "exactly-10", "after");
        assertThat(summary.skipped()).isEqualTo(1);
        assertThat(summary.recordsOut()).isEqualTo(3);
    }

    @Test
    void anOverLongLineGoesToTheDeadLetterTopicWithItsFirstBytesAndTheReason() throws Exception {
        kafka.createTopic("lettered", 1);
        TcpListenerSpout spout = new TcpListenerSpout();
        Running running = Running.start(spec("lettered", "tcp://127.0.0.1:0", "lettered", Map.of("maxLineBytes", "10"))
                .errors(ErrorPolicy.DEAD_LETTER).build(), spout);
        try (Socket s = connect(awaitPort(spout, running))) {
            s.getOutputStream().write(("before\n0123456789-and-more\nafter\n").getBytes(StandardCharsets.UTF_8));
        }
        List<ConsumerRecord<String, String>> records = kafka.read("lettered", 2);
        List<ConsumerRecord<String, String>> letters = kafka.read("lettered.dlq", 1);
        RunSummary summary = running.stop();

        assertThat(values(records)).containsExactly("before", "after");
        assertThat(values(letters)).containsExactly("0123456789");
        assertThat(new String(letters.get(0).headers().lastHeader("geniusrise.error.message").value(),
                StandardCharsets.UTF_8)).contains("longer than maxLineBytes (10)");
        assertThat(summary.deadLettered()).isEqualTo(1);
    }

    @Test
    void anOverLongLineFailsTheTaskUnderFail() throws Exception {
        kafka.createTopic("failing", 1);
        TcpListenerSpout spout = new TcpListenerSpout();
        Running running = Running.start(spec("failing", "tcp://127.0.0.1:0", "failing", Map.of("maxLineBytes", "4"))
                .build(), spout);
        try (Socket s = connect(awaitPort(spout, running))) {
            s.getOutputStream().write("ok\ntoo-long\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThatThrownBy(() -> running.result().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TaskFailedException.class)
                .hasMessageContaining("longer than maxLineBytes (4)")
                .hasMessageContaining("errors: skip");
    }

    @Test
    void stopWritesEveryLineReadBeforeItAndRefusesNewConnections() throws Exception {
        kafka.createTopic("stopping", 1);
        TcpListenerSpout spout = new TcpListenerSpout();
        Running running = Running.start(spec("stopping", "tcp://127.0.0.1:0", "stopping", Map.of()).build(), spout);
        int port = awaitPort(spout, running);
        int sent = 20_000;
        RunSummary summary;
        try (Socket s = connect(port)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < sent; i++) {
                sb.append("line-").append(i).append('\n');
            }
            sb.append("cut-off-line-without-end");
            s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            // stop while the client still holds its connection open
            summary = running.stop();
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

        // one more than produced is awaited (briefly) to show that nothing else arrives
        List<String> onTopic = values(EmbeddedKafka.read(kafka.bootstrapServers(), "stopping",
                (int) summary.recordsOut() + 1, Duration.ofSeconds(3)));
        assertThat(summary.recordsOut()).isPositive();
        assertThat(onTopic).hasSize((int) summary.recordsOut());
        List<String> prefix = new ArrayList<>();
        for (int i = 0; i < onTopic.size(); i++) {
            prefix.add("line-" + i);
        }
        assertThat(onTopic).as("what was read is produced, in order, without gaps").isEqualTo(prefix)
                .doesNotContain("cut-off-line-without-end");
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void linesOfClientsThatFinishedSendingBeforeTheStopAreAllProduced() throws Exception {
        kafka.createTopic("finished", 2);
        TcpListenerSpout spout = new TcpListenerSpout();
        // a loaded machine may take tens of seconds to write 200,000 lines: the drain deadline is not what is tested
        Running running = Running.start(spec("finished", "tcp://127.0.0.1:0", "finished",
                Map.of("drainTimeoutSeconds", "60")).build(), spout);
        int port = awaitPort(spout, running);
        int perClient = 100_000;
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int id = c;
            clients.add(CompletableFuture.runAsync(() -> {
                try (Socket s = connect(port); OutputStream out = s.getOutputStream()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < perClient; i++) {
                        sb.append(id).append('-').append(i).append('\n');
                    }
                    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        // stop at once: most of the lines are still in the kernel's buffers, not read yet
        RunSummary summary = running.stop(Duration.ofSeconds(80));

        assertThat(summary.recordsOut()).isEqualTo(2L * perClient);
        assertThat(kafka.read("finished", 2 * perClient)).hasSize(2 * perClient);
    }

    @Test
    void eachLineCountsInTheTasksProgressSoonAfterItIsWrittenEvenWhenLinesAreFew() throws Exception {
        kafka.createTopic("trickle", 1);
        TcpListenerSpout spout = new TcpListenerSpout();
        Running running = Running.start(spec("trickle", "tcp://127.0.0.1:0", "trickle", Map.of()).build(), spout);
        try (Socket s = connect(awaitPort(spout, running))) {
            for (int i = 1; i <= 3; i++) {
                s.getOutputStream().write(("event-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                awaitRecordsOut(running, i); // what a progress line and --until-idle see
            }
        }
        RunSummary summary = running.stop();

        assertThat(summary.recordsOut()).isEqualTo(3);
        assertThat(values(kafka.read("trickle", 3))).containsExactly("event-1", "event-2", "event-3");
    }

    /**
     * Waits up to 60 s until {@code sent} has not grown for one second, or the client is done:
     * either the client is blocked, or it sent everything.
     */
    private static void awaitStalled(AtomicLong sent, CompletableFuture<Void> client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen = -1;
        long since = System.nanoTime();
        while (!client.isDone() && System.nanoTime() < deadline) {
            long now = sent.get();
            if (now != seen) {
                seen = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= Duration.ofSeconds(1).toNanos()) {
                return;
            }
            Thread.sleep(50);
        }
        if (!client.isDone()) {
            throw new AssertionError("the client's writes did not stop within 60 s: " + sent.get() + " bytes sent");
        }
    }

    /**
     * Lets the outage that began at {@code down} (a {@link System#nanoTime()}) last {@code outage}, failing
     * as soon as the task ends or the client gives up meanwhile.
     */
    private static void awaitOutage(Running running, CompletableFuture<Void> client, long down, Duration outage)
            throws InterruptedException {
        while (System.nanoTime() - down < outage.toNanos()) {
            assertThat(running.result()).as("the task while Kafka is down").isNotDone();
            assertThat(client).as("the client while Kafka is down").isNotDone();
            Thread.sleep(200);
        }
    }

    /** Waits until the client is done; fails once it has sent nothing for {@code stuck}. */
    private static void awaitSent(AtomicLong sent, CompletableFuture<Void> client, Duration stuck)
            throws InterruptedException {
        long seen = sent.get();
        long since = System.nanoTime();
        while (!client.isDone()) {
            long now = sent.get();
            if (now != seen) {
                seen = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > stuck.toNanos()) {
                throw new AssertionError("the client sent nothing for " + stuck + " once Kafka was back: "
                        + now + " bytes sent");
            }
            Thread.sleep(50);
        }
    }

    private static void awaitRecordsOut(Running running, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (running.runner().progress().recordsOut() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(running.runner().progress().recordsOut()).as("records out in the task's progress")
                .isEqualTo(expected);
        assertThat(running.runner().recordsSoFar()).as("records counted for --until-idle").isEqualTo(expected);
    }

    @Test
    void aClientStillSendingAtTheDrainDeadlineIsCutAndTheLogSaysSo() throws Exception {
        kafka.createTopic("endless", 1);
        TcpListenerSpout spout = new TcpListenerSpout();
        Running running = Running.start(spec("endless", "tcp://127.0.0.1:0", "endless",
                Map.of("drainTimeoutSeconds", "1")).build(), spout);
        int port = awaitPort(spout, running);
        CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
            try (Socket s = connect(port); OutputStream out = s.getOutputStream()) {
                for (int i = 0; ; i++) { // until the spout cuts the connection
                    out.write(("line-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // cut
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        kafka.read("endless", 1_000); // the client is sending
        String log;
        long stopNanos = System.nanoTime();
        RunSummary summary;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeOutputStream(err, captured), true, StandardCharsets.UTF_8));
        try {
            summary = running.stop();
        } finally {
            System.setErr(err);
        }
        Duration stopTook = Duration.ofNanos(System.nanoTime() - stopNanos);
        log = captured.toString(StandardCharsets.UTF_8);
        client.get(10, TimeUnit.SECONDS);

        assertThat(log).containsPattern("stopped listening on tcp://127\\.0\\.0\\.1:" + port + "; 1 connection\\(s\\) "
                + "not read to their end by the drain deadline \\(drainTimeoutSeconds: 1\\) were cut, [1-9][0-9]* "
                + "bytes received and not written were dropped");
        assertThat(stopTook).as("the drain deadline bounds the stop (plus the flush)").isLessThan(Duration.ofSeconds(20));
        List<String> onTopic = values(EmbeddedKafka.read(kafka.bootstrapServers(), "endless",
                (int) summary.recordsOut(), Duration.ofSeconds(60)));
        assertThat(onTopic).hasSize((int) summary.recordsOut());
        for (int i = 0; i < onTopic.size(); i += 997) {
            assertThat(onTopic.get(i)).as("what was read is produced, in order, without gaps").isEqualTo("line-" + i);
        }
    }

    /** Writes to two streams: the test sees the log and so does the report. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeOutputStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }

    /** Longer than both of the producer's time limits by Kafka's defaults (60 s blocked, 120 s to deliver). */
    private static final Duration KAFKA_OUTAGE = Duration.ofSeconds(125);

    @Test
    @Timeout(value = 720, unit = TimeUnit.SECONDS) // a 125 s outage, two broker starts, 19 MB on a loaded machine
    void whenKafkaIsDownTheSocketsStopBeingReadAndNothingIsLostOnceItIsBack() throws Exception {
        try (EmbeddedKafka own = EmbeddedKafka.builder().build().start()) {
            own.createTopic("pressed", 1);
            TcpListenerSpout spout = new TcpListenerSpout();
            TaskSpec spec = TaskSpec.builder("pressed", TaskSpec.Kind.SPOUT)
                    .input(StreamingInputConfig.builder("tcp://127.0.0.1:0").properties(Map.of("queueCapacity", "100"))
                            .build())
                    .output(StreamingOutputConfig.builder("pressed").bootstrapServers(own.bootstrapServers())
                            .properties(Map.of("buffer.memory", "1048576")).build())
                    .build();
            Running running = Running.start(spec, spout);
            int port = awaitPort(spout, running);
            awaitReady(running); // its topic checked and its producer open: only then may Kafka go away
            own.stop();
            long down = System.nanoTime();

            int lines = 200_000;
            String pad = "y".repeat(90);
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
                try (Socket s = connect(port); OutputStream out = s.getOutputStream()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < lines; i++) {
                        sb.append(i).append(pad).append('\n');
                        if (sb.length() > 60_000) {
                            byte[] chunk = sb.toString().getBytes(StandardCharsets.UTF_8);
                            out.write(chunk);
                            sent.addAndGet(chunk.length);
                            sb.setLength(0);
                        }
                    }
                    byte[] last = sb.toString().getBytes(StandardCharsets.UTF_8);
                    out.write(last);
                    sent.addAndGet(last.length);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // ~19 MB cannot fit in a 1 MiB producer buffer, 100 queued lines and the socket buffers: the
            // client's writes block, so what it has sent stops growing well short of it (waited for up to 60 s)
            awaitStalled(sent, client);
            assertThat(client).as("the client is held back while Kafka is down").isNotDone();
            assertThat(sent.get()).as("bytes the client sent while Kafka is down").isLessThan(lines * 96L / 2);
            // an outage longer than the producer's own limits (max.block.ms 60 s, delivery.timeout.ms 120 s by
            // Kafka's defaults): a spout waits for Kafka instead of giving up on what it received
            awaitOutage(running, client, down, KAFKA_OUTAGE);

            own.start();
            // 19 MB through a 1 MiB producer buffer and a broker that has just started: seconds on a quiet
            // machine, minutes at a load average of 60 (seen); stuck is no byte sent for 60 s
            awaitSent(sent, client, Duration.ofSeconds(60));
            client.get();
            List<String> values = values(EmbeddedKafka.read(own.bootstrapServers(), "pressed", lines,
                    Duration.ofSeconds(60)));
            RunSummary summary = running.stop();

            assertThat(summary.recordsOut()).isEqualTo(lines);
            assertThat(values).hasSize(lines);
            for (int i = 0; i < lines; i += 9_999) {
                assertThat(values.get(i)).isEqualTo(i + pad);
            }
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsWaitUntilOneCloses() throws Exception {
        kafka.createTopic("bounded", 1);
        TcpListenerSpout spout = new TcpListenerSpout();
        Running running = Running.start(spec("bounded", "tcp://127.0.0.1:0", "bounded",
                Map.of("maxConnections", "1")).build(), spout);
        int port = awaitPort(spout, running);
        Socket first = connect(port);
        first.getOutputStream().write("first\n".getBytes(StandardCharsets.UTF_8));
        assertThat(values(kafka.read("bounded", 1))).containsExactly("first");
        try (Socket second = connect(port)) {
            second.getOutputStream().write("second\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(values(EmbeddedKafka.read(kafka.bootstrapServers(), "bounded", 2, Duration.ofSeconds(2))))
                .as("the second connection is not read while the first is open").containsExactly("first");

        first.close();
        assertThat(values(kafka.read("bounded", 2))).containsExactly("first", "second");
        running.stop();
    }

    /** The status {@code /readyz} answers, or -1 while the runner serves no port (not started, or ended). */
    private static int readyz(HttpClient http, TaskRunner runner) throws InterruptedException {
        int port = runner.httpPort();
        if (port <= 0) {
            return -1;
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException closed) {
            return -1;
        }
    }

    @Test
    void isNeverReadyWhenItsTopicIsMissingAndNotReadyOnceItHasFailed() throws Exception {
        TcpListenerSpout spout = new TcpListenerSpout();
        TaskRunner runner = TaskRunner.builder(spec("missing", "tcp://127.0.0.1:0", "no-such-topic", Map.of()).build())
                .pipelineName("test").task(spout).httpPort(0).build();
        CompletableFuture<RunSummary> result = CompletableFuture.supplyAsync(runner::run);
        HttpClient http = HttpClient.newHttpClient();
        List<Integer> answers = new ArrayList<>();
        boolean everReady = false;
        // the run fails within the topic check's time (a few seconds); the test's @Timeout bounds it
        while (!result.isDone()) {
            everReady |= runner.isReady();
            int status = readyz(http, runner);
            if (status > 0) {
                answers.add(status);
            } else {
                Thread.sleep(1);
            }
            everReady |= runner.isReady();
        }

        assertThatThrownBy(result::join).hasCauseInstanceOf(ConfigException.class)
                .hasMessageContaining("no-such-topic");
        assertThat(everReady).as("the runner said it was ready before its topic was checked").isFalse();
        assertThat(answers).as("/readyz while the spout ran").doesNotContain(200);
        assertThat(runner.isReady()).as("ready after the failure").isFalse();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void isReadyOnlyOnceItsTopicIsCheckedAndNoLongerOnceStopped() throws Exception {
        // Kafka unreachable: the spout listens while the topic check waits out its 10 s, then fails
        TcpListenerSpout waiting = new TcpListenerSpout();
        TaskSpec unreachable = TaskSpec.builder("unreachable", TaskSpec.Kind.SPOUT)
                .input(StreamingInputConfig.builder("tcp://127.0.0.1:0").build())
                .output(StreamingOutputConfig.builder("lines").bootstrapServers("127.0.0.1:" + freePort())
                        .properties(Map.of("default.api.timeout.ms", "10000")).build()).build();
        TaskRunner blocked = TaskRunner.builder(unreachable).pipelineName("test").task(waiting).httpPort(0).build();
        CompletableFuture<RunSummary> failed = CompletableFuture.supplyAsync(blocked::run);
        HttpClient http = HttpClient.newHttpClient();
        awaitPort(waiting, new Running(blocked, failed));
        List<Integer> answers = new ArrayList<>();
        while (!failed.isDone()) {
            int status = readyz(http, blocked);
            if (status > 0) {
                answers.add(status);
            }
            Thread.sleep(20);
        }
        assertThat(answers).as("/readyz while the spout listens and its topic is not checked").contains(503)
                .doesNotContain(200);
        assertThatThrownBy(failed::join).hasMessageContaining("127.0.0.1");
        assertThat(blocked.isReady()).as("ready after the failure").isFalse();

        kafka.createTopic("ready", 1);
        TaskRunner runner = TaskRunner.builder(spec("ready", "tcp://127.0.0.1:0", "ready", Map.of()).build())
                .pipelineName("test").task(new TcpListenerSpout()).httpPort(0).build();
        Running running = new Running(runner, CompletableFuture.supplyAsync(runner::run));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (readyz(http, runner) != 200 && !running.result().isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(readyz(http, runner)).as("/readyz once the topic is checked (waited up to 30 s)").isEqualTo(200);
        running.stop();
        assertThat(runner.isReady()).as("ready after the stop").isFalse();
    }

    @Test
    void aSubclassShapesEachLinesRecord() throws Exception {
        kafka.createTopic("keyed", 1);
        TcpListenerSpout keyed = new TcpListenerSpout() {
            @Override
            protected Record toRecord(byte[] line, String remote) {
                String text = new String(line, StandardCharsets.UTF_8);
                int colon = text.indexOf(':');
                return super.toRecord(text.substring(colon + 1).getBytes(StandardCharsets.UTF_8), remote)
                        .withKey(text.substring(0, colon));
            }
        };
        Running running = Running.start(spec("keyed", "tcp://127.0.0.1:0", "keyed", Map.of()).build(), keyed);
        try (Socket s = connect(awaitPort(keyed, running))) {
            s.getOutputStream().write("ada:clicked\nbob:scrolled\n".getBytes(StandardCharsets.UTF_8));
        }
        List<ConsumerRecord<String, String>> records = kafka.read("keyed", 2);
        running.stop();

        assertThat(records).extracting(r -> r.key() + "=" + r.value()).containsExactly("ada=clicked", "bob=scrolled");
    }

    @Test
    void aSourceThatIsNotATcpAddressIsALocatedConfigError() {
        TaskSpec spec = spec("bad", "tcp://127.0.0.1:9000/path", "x", Map.of()).build();

        assertThatThrownBy(() -> TaskRunner.builder(spec).task(new TcpListenerSpout()).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.source")
                .hasMessageContaining("tcp://0.0.0.0:9000");
    }

    @Test
    void aPropertyOutOfRangeIsALocatedConfigError() {
        TaskSpec spec = spec("bad", "tcp://127.0.0.1:0", "x", Map.of("maxConnections", "0")).build();

        assertThatThrownBy(() -> TaskRunner.builder(spec).task(new TcpListenerSpout()).build().run())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.inputConfig.properties.maxConnections")
                .hasMessageContaining("got '0'");
    }
}
