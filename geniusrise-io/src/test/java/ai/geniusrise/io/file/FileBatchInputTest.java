package ai.geniusrise.io.file;

import ai.geniusrise.core.ConfigException;
import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.BatchInput;
import ai.geniusrise.core.spi.BatchStorage;
import ai.geniusrise.core.spi.RecordReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class FileBatchInputTest {

    @TempDir
    Path dir;

    private final FileBatchStorage storage = new FileBatchStorage();

    private void file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private BatchInput input(String source, String glob) {
        return storage.openInput(BatchInputConfig.builder(source).glob(glob).build(), null);
    }

    static List<Record> read(BatchInput input, String object) throws IOException {
        List<Record> out = new ArrayList<>();
        try (RecordReader r = input.open(object)) {
            for (Record rec = r.next(); rec != null; rec = r.next()) {
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void listsRegularFilesRecursivelyInSortedOrderWithSlashSeparatedNames() throws IOException {
        file("b.jsonl", "{}");
        file("a/z.jsonl", "{}");
        file("a/b/c.jsonl", "{}");
        file("a.jsonl", "{}");
        Files.createDirectories(dir.resolve("empty"));

        assertThat(input(dir.toString(), null).objects())
                .containsExactly("a.jsonl", "a/b/c.jsonl", "a/z.jsonl", "b.jsonl");
    }

    @Test
    void skipsHiddenAndUnderscoreNamesAtAnyDepth() throws IOException {
        file("keep.jsonl", "{}");
        file(".hidden.jsonl", "{}");
        file("_SUCCESS", "");
        file("sub/_temporary/x.jsonl", "{}");
        file(".git/config", "");
        file("sub/.crc", "");
        file("sub/keep.jsonl", "{}");

        assertThat(input(dir.toString(), null).objects()).containsExactly("keep.jsonl", "sub/keep.jsonl");
    }

    @Test
    void globFiltersRelativeNames() throws IOException {
        file("a.csv", "");
        file("a.jsonl", "");
        file("dt=1/b.csv", "");
        file("dt=1/c.jsonl.gz", "");

        assertThat(input(dir.toString(), "*.csv").objects()).containsExactly("a.csv");
        assertThat(input(dir.toString(), "**.csv").objects()).containsExactly("a.csv", "dt=1/b.csv");
        assertThat(input(dir.toString(), "dt=*/*.gz").objects()).containsExactly("dt=1/c.jsonl.gz");
    }

    @Test
    void invalidGlobIsAConfigErrorNamingTheGlob() {
        assertThatThrownBy(() -> input(dir.toString(), "[abc"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("glob: '[abc' is not a valid glob");
    }

    @Test
    void fileUriAndRelativePathLocationsResolveToTheSameFolder() throws IOException {
        file("x.jsonl", "{\"n\":1}\n");
        Path relative = Path.of("").toAbsolutePath().relativize(dir);

        assertThat(input(dir.toUri().toString(), null).objects()).containsExactly("x.jsonl");
        assertThat(input("file://" + dir, null).objects()).containsExactly("x.jsonl");
        assertThat(input(relative.toString(), null).objects()).containsExactly("x.jsonl");
    }

    @Test
    void aFileLocationIsReadAlone() throws IOException {
        file("one.jsonl", "{\"n\":1}\n{\"n\":2}\n");
        file("other.jsonl", "{}");
        BatchInput in = input(dir.resolve("one.jsonl").toString(), null);

        assertThat(in.objects()).containsExactly("one.jsonl");
        assertThat(read(in, "one.jsonl")).extracting(Record::valueAsString).containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void missingLocationIsAnIOExceptionNamingThePathAndSayingItDoesNotExist() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> input(missing.toString(), null).objects())
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void unreadableLocationIsAnIOExceptionNamingThePath() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads every folder");
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("-wx------"));
        try {
            assertThatThrownBy(() -> input(locked.toString(), null).objects())
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining(locked.toString())
                    .hasMessageContaining("not readable");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void recordsCarryTheSourceObjectAndLineAndGzipIsReadByExtension() throws IOException {
        Path gz = dir.resolve("d/x.jsonl.gz");
        Files.createDirectories(gz.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("{\"n\":1}\n\n{\"n\":2}\n".getBytes(StandardCharsets.UTF_8));
        }
        BatchInput in = input(dir.toString(), null);

        List<Record> records = read(in, "d/x.jsonl.gz");

        assertThat(records).extracting(Record::valueAsString).containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(records).extracting(Record::position).containsExactly(
                Position.inObject(dir.toString(), "d/x.jsonl.gz", 1), Position.inObject(dir.toString(), "d/x.jsonl.gz", 3));
    }

    @Test
    void openingAnObjectThatVanishedNamesIt() {
        assertThatThrownBy(() -> input(dir.toString(), null).open("gone.jsonl"))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("gone.jsonl")
                .hasMessageContaining("does not exist");
    }

    @Test
    void objectsOutsideTheLocationCannotBeOpened() {
        assertThatThrownBy(() -> input(dir.resolve("sub").toString(), null).open("../secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
    }

    @Test
    void lineLimitComesFromTheInputsOptions() throws IOException {
        file("x.txt", "short\n" + "x".repeat(50) + "\n");
        BatchInput in = storage.openInput(BatchInputConfig.builder(dir.toString()).format(Format.TEXT)
                .options(java.util.Map.of("maxLineBytes", "20")).build(), null);

        try (RecordReader r = in.open("x.txt")) {
            assertThat(r.next().valueAsString()).isEqualTo("short");
            assertThatThrownBy(r::next).isInstanceOf(ai.geniusrise.core.RecordFormatException.class)
                    .hasMessageContaining("x.txt:2");
            assertThat(r.next()).isNull();
        }
        assertThatThrownBy(() -> storage.openInput(BatchInputConfig.builder(dir.toString())
                .options(java.util.Map.of("maxLineBytes", "lots")).build(), null))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("options.maxLineBytes:");
    }

    @Test
    void serviceLoaderFindsTheFileStorageForFileLocations() {
        assertThat(BatchStorage.forScheme("file", "source")).isInstanceOf(FileBatchStorage.class);
    }

    @Test
    void fileUriWithAnotherHostIsAConfigError() {
        assertThatThrownBy(() -> input("file://server/share", null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("source:").hasMessageContaining("host 'server'");
    }
}
