package ai.geniusrise.bench;

import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The jars a benchmark starts other JVMs with: the benchmark's, its runtime's, Kafka Streams'. */
final class BenchJars {

    @Option(names = "--lib", description = "Folder of the runtime jars (default ${DEFAULT-VALUE}).")
    Path lib = Path.of("target", "lib");

    @Option(names = "--streams-lib", description = "Folder of the Kafka Streams jars (default ${DEFAULT-VALUE}).")
    Path streamsLib = Path.of("target", "lib-streams");

    @Option(names = "--jar", description = "The benchmark's jar (default ${DEFAULT-VALUE}).")
    Path jar = Path.of("target", "geniusrise-bench.jar");

    /** The benchmark's jar and every runtime jar. */
    String classpath() {
        return jar + File.pathSeparator + lib + File.separator + "*";
    }

    /** Kafka Streams on the clients of its own version, with every other runtime jar but Kafka's. */
    String streamsClasspath() throws IOException {
        List<String> cp = new ArrayList<>();
        cp.add(jar.toString());
        try (Stream<Path> s = Files.list(streamsLib)) {
            s.forEach(p -> cp.add(p.toString()));
        }
        try (Stream<Path> s = Files.list(lib)) {
            s.filter(p -> !p.getFileName().toString().startsWith("kafka")).forEach(p -> cp.add(p.toString()));
        }
        return String.join(File.pathSeparator, cp);
    }
}
