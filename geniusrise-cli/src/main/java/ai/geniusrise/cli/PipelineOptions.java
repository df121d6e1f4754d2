package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.pipeline.Pipeline;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What every pipeline command takes: the pipeline file and the classpath of the user's tasks. */
final class PipelineOptions {

    @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "The pipeline file, or env:NAME to read "
            + "it from the environment variable NAME (how containers on ECS get it).")
    Path file;

    @Option(names = {"--classpath", "-cp"}, paramLabel = "PATH", split = "${sys:path.separator}", splitSynopsisLabel = ":",
            description = "Jars and class folders holding the pipeline's task classes (and extra adapters), "
                    + "separated by '${sys:path.separator}'.")
    List<Path> classpath = new ArrayList<>();

    /** Loads and checks the pipeline, printing its warnings to {@code err}. */
    Pipeline load(PrintWriter err) {
        Pipeline pipeline = load(file);
        pipeline.warnings().forEach(w -> err.println("warning: " + w));
        return pipeline;
    }

    /** The pipeline in {@code file}, or in the variable {@code NAME} when {@code file} is {@code env:NAME}. */
    static Pipeline load(Path file) {
        String name = file.toString();
        if (name.startsWith("env:")) {
            String variable = name.substring(4);
            String text = System.getenv(variable);
            if (text == null || text.isBlank()) {
                throw new ConfigException(null, "environment variable '" + variable + "' holds no pipeline file");
            }
            return Pipeline.parse(text, file, System.getenv());
        }
        return Pipeline.load(file);
    }

    /**
     * A class loader over {@link #classpath} whose parent holds Geniusrise; also made the thread's
     * context loader, so adapters in those jars are found too.
     */
    ClassLoader classLoader() {
        ClassLoader parent = PipelineOptions.class.getClassLoader();
        if (classpath.isEmpty()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        for (Path p : classpath) {
            if (!Files.exists(p)) {
                throw new ConfigException("--classpath", p + " does not exist");
            }
            try {
                urls.add(p.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new ConfigException("--classpath", "'" + p + "' is not a usable path: " + e.getMessage());
            }
        }
        ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), parent);
        Thread.currentThread().setContextClassLoader(loader);
        return loader;
    }
}
