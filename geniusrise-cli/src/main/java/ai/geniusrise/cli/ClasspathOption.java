package ai.geniusrise.cli;

import ai.geniusrise.core.ConfigException;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/** {@code --classpath}: the jars and class folders of the user's tasks. */
final class ClasspathOption {

    @Option(names = {"--classpath", "-cp"}, paramLabel = "PATH", split = "${sys:path.separator}", splitSynopsisLabel = ":",
            description = "Jars and class folders holding the pipeline's task classes (and extra adapters), "
                    + "separated by '${sys:path.separator}'.")
    List<Path> classpath = new ArrayList<>();

    /** Whether {@code --classpath} was given. */
    boolean given() {
        return !classpath.isEmpty();
    }

    /**
     * The names of the classes in the {@code --classpath} jars and folders (not those of
     * Geniusrise itself): what a misspelt {@code class:} is compared with.
     */
    List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (Path p : classpath) {
            try {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.walk(p)) {
                        files.map(f -> p.relativize(f).toString().replace(File.separatorChar, '/'))
                                .forEach(entry -> addClassName(entry, names));
                    }
                } else if (Files.isRegularFile(p)) {
                    try (ZipFile jar = new ZipFile(p.toFile())) {
                        jar.stream().forEach(entry -> addClassName(entry.getName(), names));
                    }
                }
            } catch (IOException e) {
                throw new ConfigException("--classpath", "cannot read " + p + ": " + e.getMessage());
            }
        }
        return names;
    }

    private static void addClassName(String entry, List<String> names) {
        if (entry.endsWith(".class") && !entry.endsWith("module-info.class") && !entry.endsWith("package-info.class")
                && !entry.startsWith("META-INF/")) {
            names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
        }
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
