package ai.geniusrise.cli;

import ai.geniusrise.core.RunArguments;
import ai.geniusrise.core.pipeline.Pipeline;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;

/** What every pipeline command takes: the pipeline file and the classpath of the user's tasks. */
final class PipelineOptions {

    @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "The pipeline file, or env:NAME to read "
            + "it from the environment variable NAME (how containers on ECS get it).")
    Path file;

    @Mixin
    ClasspathOption classpath;

    /** Loads and checks the pipeline, printing its warnings to {@code err}. */
    Pipeline load(PrintWriter err) {
        Pipeline pipeline = load(file);
        pipeline.warnings().forEach(w -> err.println("warning: " + w));
        return pipeline;
    }

    /** The pipeline in {@code file}, or in the variable {@code NAME} when {@code file} is {@code env:NAME}. */
    static Pipeline load(Path file) {
        return RunArguments.loadPipeline(file.toString(), System.getenv());
    }

    /** See {@link ClasspathOption#classLoader()}. */
    ClassLoader classLoader() {
        return classpath.classLoader();
    }
}
