package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Geniusrise;
import ai.geniusrise.core.RunArguments;
import ai.geniusrise.core.TaskFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code geniusrise} command. Exit codes: 0 done, 1 a task failed, 2 a configuration or
 * usage mistake. Errors print as one line without a stack trace unless {@code --verbose}.
 */
@Command(name = "geniusrise", mixinStandardHelpOptions = true, versionProvider = GeniusriseCommand.Version.class,
        description = "Batch and streaming pipelines of spouts and bolts on S3, Kafka and files.",
        subcommands = {ValidateCommand.class, RunCommand.class, GenerateCommand.class, ApplyCommand.class,
                StatusCommand.class, DeleteCommand.class, GraphCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 a task or the platform failed, 2 a mistake in the pipeline or the "
                + "command line.", "", "Examples:", "  geniusrise validate pipeline.yaml",
                "  geniusrise run pipeline.yaml --classpath target/classes",
                "  geniusrise run pipeline.yaml --task word-count",
                "  geniusrise generate pipeline.yaml",
                "  geniusrise apply -f pipeline.yaml",
                "  geniusrise status pipeline.yaml",
                "  geniusrise graph pipeline.yaml --format dot",
                "  source <(geniusrise completion)"})
public final class GeniusriseCommand {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces and debug logs.")
    boolean verbose;

    private Map<String, String> env = System.getenv();

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line, writing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, System.getenv(), out, err);
    }

    /**
     * {@link #execute(String[], PrintWriter, PrintWriter)} with {@code env} for the environment of
     * {@code run} (its {@code GENIUSRISE_*} variables and {@code env:NAME}).
     */
    static int execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        if (Arrays.asList(args).contains("--verbose")) {
            System.setProperty("geniusrise.log.level", "debug");
        }
        GeniusriseCommand root = new GeniusriseCommand();
        root.env = env;
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> root.report(e, err));
        return cli.execute(withRun(cli, args, env));
    }

    /**
     * Prints {@code e} as the command's error, a stack trace only with {@code --verbose}, and returns
     * the exit code it means: 2 for a configuration mistake, else 1.
     */
    int report(Exception e, PrintWriter err) {
        if (e instanceof ConfigException) {
            err.println("error: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
        } else {
            err.println("error: " + (e instanceof TaskFailedException ? e.getMessage() : "unexpected " + e));
            if (verbose) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --verbose for details)");
            }
        }
        err.flush();
        return exitCode(e);
    }

    /** The exit code {@code e} means: 2 for a configuration mistake, else 1. */
    static int exitCode(Exception e) {
        return e instanceof ConfigException ? Geniusrise.CONFIG_ERROR : Geniusrise.FAILED;
    }

    /** The environment {@code run} reads. */
    Map<String, String> environment() {
        return env;
    }

    /**
     * {@code args}, with {@code run} inserted when they start with no command (a pipeline file or
     * a run option), or are empty while {@code GENIUSRISE_PIPELINE} names the pipeline: a
     * container's arguments read alike with and without the leading {@code run}, as
     * {@link Geniusrise#run} reads them.
     */
    static String[] withRun(CommandLine cli, String[] args, Map<String, String> env) {
        int first = 0;
        while (first < args.length && args[first].equals("--verbose")) {
            first++;
        }
        if (first == args.length && env.get(RunArguments.PIPELINE_ENV) != null) {
            List<String> withRun = new ArrayList<>(Arrays.asList(args));
            withRun.add("run");
            return withRun.toArray(String[]::new);
        }
        if (first == args.length || cli.getSubcommands().containsKey(args[first])
                || List.of("-h", "--help", "-V", "--version").contains(args[first])) {
            return args;
        }
        List<String> withRun = new ArrayList<>(Arrays.asList(args));
        withRun.add(first, "run");
        return withRun.toArray(String[]::new);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GeniusriseCommand.class.getPackage().getImplementationVersion();
            return new String[] {"geniusrise " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
