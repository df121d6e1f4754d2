package ai.geniusrise.cli;

import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.StreamingInputConfig;
import ai.geniusrise.core.config.StreamingOutputConfig;
import ai.geniusrise.core.pipeline.Pipeline;
import ai.geniusrise.core.pipeline.TaskSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code geniusrise graph}: the pipeline's tasks and what flows between them, as Mermaid or DOT. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Prints the pipeline as a graph: a node per task (spouts as stadiums, bolts as boxes), an "
                + "edge from each task to each bolt that reads what it writes, labelled with the topic or "
                + "location, and the external sources of spouts.",
                "Mermaid renders on GitHub and in most Markdown viewers; DOT with Graphviz (dot -Tsvg)."},
        footer = {"", "Examples:", "  geniusrise graph pipeline.yaml", "  geniusrise graph pipeline.yaml --format dot | dot -Tsvg > pipeline.svg"})
final class GraphCommand implements Callable<Integer> {

    /** The output formats. */
    enum Format {
        mermaid, dot
    }

    @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
    Path file;

    @Option(names = "--format", paramLabel = "mermaid|dot", defaultValue = "mermaid",
            description = "mermaid (default) or dot.")
    Format format;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        Pipeline pipeline = TargetOptions.load(file, command.commandLine().getErr());
        PrintWriter out = command.commandLine().getOut();
        boolean dot = format == Format.dot;
        out.println(dot ? "digraph \"" + pipeline.name() + "\" {" : "flowchart LR");
        if (dot) {
            out.println("  rankdir=LR;");
        }
        for (TaskSpec t : pipeline.tasks()) {
            String id = id(t.name());
            boolean spout = t.kind() == TaskSpec.Kind.SPOUT;
            if (dot) {
                out.println("  " + id + " [label=\"" + t.name() + "\", shape=" + (spout ? "ellipse" : "box") + "];");
            } else {
                out.println("  " + id + (spout ? "([" : "[") + "\"" + t.name() + "\"" + (spout ? "])" : "]"));
            }
            if (spout) {
                String source = where(t.input());
                String src = id + "_source";
                if (dot) {
                    out.println("  " + src + " [label=\"" + escape(source) + "\", shape=note];");
                    out.println("  " + src + " -> " + id + ";");
                } else {
                    out.println("  " + src + "[/\"" + escape(source) + "\"/] --> " + id);
                }
            }
        }
        for (TaskSpec producer : pipeline.tasks()) {
            for (TaskSpec consumer : pipeline.tasks()) {
                if (producer != consumer && pipeline.feeds(producer, consumer)) {
                    String label = escape(where(producer.output()));
                    out.println(dot ? "  " + id(producer.name()) + " -> " + id(consumer.name()) + " [label=\"" + label
                            + "\"];" : "  " + id(producer.name()) + " -->|\"" + label + "\"| " + id(consumer.name()));
                }
            }
        }
        if (dot) {
            out.println("}");
        }
        return 0;
    }

    private static String where(Object config) {
        if (config instanceof StreamingInputConfig s) {
            return s.source();
        }
        if (config instanceof StreamingOutputConfig s) {
            return s.destination();
        }
        if (config instanceof BatchInputConfig b) {
            return b.source();
        }
        if (config instanceof BatchOutputConfig b) {
            return b.destination();
        }
        return String.valueOf(config);
    }

    private static String id(String name) {
        return "t_" + name.replace('-', '_');
    }

    private static String escape(String text) {
        return text.replace("\"", "'");
    }
}
