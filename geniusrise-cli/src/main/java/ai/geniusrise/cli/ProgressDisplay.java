package ai.geniusrise.cli;

import ai.geniusrise.core.runtime.TaskProgress;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Shows the progress of a whole-pipeline run while it runs, from {@link TaskProgress} snapshots
 * rendered by {@link ProgressLines}.
 *
 * <p>On a terminal: one line per task at the bottom of the screen, redrawn in place every second
 * (ANSI cursor-up and erase-below, understood by every terminal emulator in use); whatever else the
 * run prints, through {@link #out()} or on standard error (the log), appears above those lines.
 * Elsewhere (output to a file or a pipe): one line per running task every {@code interval},
 * starting with {@code progress}, so a log keeps a record without control characters.
 * {@link #close()} stops it and, on a terminal, erases the lines: the run's summary follows.
 */
final class ProgressDisplay implements AutoCloseable {

    static final Duration REDRAW = Duration.ofSeconds(1);
    /** On a terminal, rates are taken over this many redraws, so that counts published in bursts read steadily. */
    private static final int RATE_WINDOW = 3;
    private static final String ERASE_BELOW = "\033[J";

    private final Supplier<List<TaskProgress>> tasks;
    private final PrintWriter base;
    private final boolean terminal;
    private final Duration interval;
    private final Object lock = new Object();
    private final PrintWriter out;
    private final long started = System.nanoTime();
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final Thread thread;
    private PrintStream savedErr;
    private int drawn;
    private boolean atLineStart = true;
    private volatile boolean closed;

    private record Sample(long nanos, List<TaskProgress> tasks) {
    }

    private ProgressDisplay(Supplier<List<TaskProgress>> tasks, PrintWriter base, boolean terminal, Duration interval) {
        this.tasks = tasks;
        this.base = base;
        this.terminal = terminal;
        this.interval = terminal ? REDRAW : interval;
        this.out = terminal ? new PrintWriter(new Above(), true) : base;
        this.thread = new Thread(this::loop, "geniusrise-progress");
        this.thread.setDaemon(true);
    }

    /**
     * Starts showing the progress of {@code tasks}.
     *
     * @param out      where the run prints
     * @param terminal true to redraw lines in place (standard output is a terminal)
     * @param interval without a terminal, how often to print the lines
     */
    static ProgressDisplay start(Supplier<List<TaskProgress>> tasks, PrintWriter out, boolean terminal,
                                 Duration interval) {
        ProgressDisplay display = new ProgressDisplay(tasks, out, terminal, interval);
        if (terminal) {
            display.savedErr = System.err;
            System.setErr(new PrintStream(display.new AboveErr(display.savedErr), true));
        }
        display.thread.start();
        return display;
    }

    /**
     * True when this process's standard input and output are a terminal that understands cursor
     * moves ({@code TERM} is not {@code dumb}); false under a pipe, a redirect or a CI log.
     */
    static boolean isTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Where the run prints: on a terminal, above the progress lines. */
    PrintWriter out() {
        return out;
    }

    private void loop() {
        try {
            while (!closed) {
                Thread.sleep(interval.toMillis());
                tick();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        Sample now = new Sample(System.nanoTime(), tasks.get());
        Sample before = samples.peekFirst();
        samples.addLast(now);
        while (samples.size() > (terminal ? RATE_WINDOW + 1 : 2)) {
            samples.removeFirst();
        }
        double seconds = before == null ? 0 : (now.nanos() - before.nanos()) / 1e9;
        List<String> lines = ProgressLines.render(before == null ? List.of() : before.tasks(), now.tasks(), seconds);
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (terminal) {
                redraw(lines);
            } else {
                String elapsed = Math.round((now.nanos() - started) / 1e9) + "s";
                for (int i = 0; i < lines.size(); i++) {
                    if (now.tasks().get(i).phase() == TaskProgress.Phase.RUNNING) {
                        base.println("progress " + elapsed + "  " + lines.get(i));
                    }
                }
                base.flush();
            }
        }
    }

    private void redraw(List<String> lines) {
        if (!atLineStart) {
            return;
        }
        erase();
        int width = width();
        for (String line : lines) {
            base.print(line.length() > width ? line.substring(0, width) : line);
            base.print('\n');
        }
        drawn = lines.size();
        base.flush();
    }

    /** Moves to the first progress line and erases it and everything below. Holds {@link #lock}. */
    private void erase() {
        if (drawn > 0) {
            base.print("\033[" + drawn + "A\r" + ERASE_BELOW);
            base.flush();
            drawn = 0;
        }
    }

    /** Lines longer than the terminal would wrap and break the redraw: cut them at {@code COLUMNS} (default 100) minus one. */
    private static int width() {
        try {
            String columns = System.getenv("COLUMNS");
            return columns == null ? 99 : Math.max(20, Integer.parseInt(columns.trim()) - 1);
        } catch (NumberFormatException e) {
            return 99;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            erase();
        }
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (savedErr != null) {
            System.setErr(savedErr);
        }
        out.flush();
    }

    /** The run's own output, written above the progress lines. */
    private final class Above extends Writer {
        @Override
        public void write(char[] chars, int off, int len) {
            if (len == 0) {
                return;
            }
            synchronized (lock) {
                erase();
                base.write(chars, off, len);
                atLineStart = chars[off + len - 1] == '\n';
            }
        }

        @Override
        public void flush() {
            synchronized (lock) {
                base.flush();
            }
        }

        @Override
        public void close() {
            flush();
        }
    }

    /** Standard error (the log), written above the progress lines. */
    private final class AboveErr extends OutputStream {
        private final PrintStream err;

        AboveErr(PrintStream err) {
            this.err = err;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            if (len == 0) {
                return;
            }
            synchronized (lock) {
                erase();
                err.write(bytes, off, len);
                err.flush();
                atLineStart = bytes[off + len - 1] == '\n';
            }
        }

        @Override
        public void flush() {
            err.flush();
        }
    }
}
