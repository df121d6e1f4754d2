package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import picocli.CommandLine.Option;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --classpath}: the jars and class folders of the user's tasks. */
final class ClasspathOption {

    @Option(names = {"--classpath", "-cp"}, paramLabel = "PATH", split = "${sys:path.separator}", splitSynopsisLabel = ":",
            description = "Jars and class folders holding the pipeline's task classes (and extra adapters), "
                    + "separated by '${sys:path.separator}'.")
    List<Path> classpath = new ArrayList<>();

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
