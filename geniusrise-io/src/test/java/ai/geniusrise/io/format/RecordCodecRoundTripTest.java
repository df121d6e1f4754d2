package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.PartWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static ai.geniusrise.io.format.Codecs.LOCATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecRoundTripTest {

    static Stream<Arguments> formatsAndCompressions() {
        return Stream.of(Format.values()).flatMap(f -> (f.hasSchema()
                ? Stream.of(Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.ZSTD)
                : Stream.of(Compression.NONE, Compression.GZIP)).map(c -> Arguments.of(f, c)));
    }

    static List<Record> sample(Format format) {
        return switch (format) {
            case JSONL -> List.of(Record.of("{\"id\":1,\"name\":\"ä\"}"), Record.of("{\"id\":2,\"tags\":[1,2]}"),
                    Record.of("[]"));
            case TEXT -> List.of(Record.of("first line"), Record.of(""), Record.of("  indented, with, commas"),
                    Record.of("ünïcödé"));
            case CSV -> List.of(Record.of("{\"id\":\"1\",\"name\":\"plain\"}"),
                    Record.of("{\"id\":\"2\",\"name\":\"with, comma and \\\"quotes\\\"\"}"),
                    Record.of("{\"id\":\"3\",\"name\":\"two\\nlines\"}"));
            case RAW -> List.of(Record.of(new byte[] {0, 1, 2, (byte) 0xFF, '\n', '\r', 3}));
            case PARQUET, AVRO -> List.of(Record.of("{\"id\":1,\"name\":\"ä\",\"tags\":[1,2],\"at\":{\"x\":0.5}}"),
                    Record.of("{\"id\":2,\"name\":null,\"tags\":[],\"at\":null}"));
        };
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("formatsAndCompressions")
    void recordsSurviveAnEncodeDecodeRoundTrip(Format format, Compression compression) throws IOException {
        RecordCodec codec = RecordCodec.of(format);
        List<Record> records = sample(format);
        byte[] bytes = Codecs.encode(codec, compression, records);
        String object = "part-00000" + codec.suffix(compression);

        List<Record> back = Codecs.readAll(Codecs.reader(codec, object, bytes));

        assertThat(back).hasSameSizeAs(records);
        for (int i = 0; i < records.size(); i++) {
            if (format == Format.CSV) {
                assertThat(back.get(i).valueAsJson()).isEqualTo(records.get(i).valueAsJson());
            } else {
                assertThat(back.get(i).value()).isEqualTo(records.get(i).value());
            }
            assertThat(back.get(i).position()).isInstanceOf(Position.InObject.class);
            Position.InObject at = (Position.InObject) back.get(i).position();
            assertThat(at.location()).isEqualTo(LOCATION);
            assertThat(at.object()).isEqualTo(object);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"JSONL", "CSV", "TEXT", "RAW"})
    void gzipOutputIsRealGzipAndBytesWrittenCountsUncompressedBytes(Format format) throws IOException {
        RecordCodec codec = RecordCodec.of(format);
        List<Record> records = sample(format);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        PartWriter p = codec.writer(plain, Compression.NONE);
        PartWriter g = codec.writer(gzipped, Compression.GZIP);
        for (Record r : records) {
            p.write(r);
            g.write(r);
        }
        p.close();
        g.close();
        long plainCount = p.bytesWritten();
        long gzipCount = g.bytesWritten();
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gzipped.toByteArray())).readAllBytes();
        assertThat(unzipped).isEqualTo(plain.toByteArray());
        assertThat(plainCount).isEqualTo(plain.size());
        assertThat(gzipCount).isEqualTo(plain.size());
    }

    @Test
    void autoCompressionDecompressesOnlyNamesEndingInGz() throws IOException {
        RecordCodec codec = RecordCodec.of(Format.TEXT);
        byte[] gz = Codecs.encode(codec, Compression.GZIP, List.of(Record.of("hello")));
        byte[] plain = Codecs.encode(codec, Compression.NONE, List.of(Record.of("hello")));

        assertThat(Codecs.values(Codecs.readAll(Codecs.reader(codec, "a.txt.gz", gz)))).containsExactly("hello");
        assertThat(Codecs.values(Codecs.readAll(Codecs.reader(codec, "a.txt", plain)))).containsExactly("hello");
        assertThat(Codecs.values(Codecs.readAll(codec.reader(new ByteArrayInputStream(gz), LOCATION, "no-suffix",
                Compression.GZIP)))).containsExactly("hello");
    }

    @Test
    void notGzipUnderAGzSuffixIsAnIOExceptionNamingTheObject() {
        RecordCodec codec = RecordCodec.of(Format.JSONL);
        assertThatThrownBy(() -> Codecs.reader(codec, "broken.jsonl.gz", "{}\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("broken.jsonl.gz").hasMessageContaining("gzip");
    }

    @Test
    void lineFormatsWriteEachValueFollowedByNewline() throws IOException {
        byte[] bytes = Codecs.encode(RecordCodec.of(Format.JSONL), Compression.NONE,
                List.of(Record.of("{\"a\":1}"), Record.of("{\"a\":2}")));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
    }

    @Test
    void suffixNamesTheFormatsExtensionAndGzip() {
        assertThat(RecordCodec.of(Format.JSONL).suffix(Compression.NONE)).isEqualTo(".jsonl");
        assertThat(RecordCodec.of(Format.CSV).suffix(Compression.GZIP)).isEqualTo(".csv.gz");
        assertThat(RecordCodec.of(Format.TEXT).suffix(Compression.NONE)).isEqualTo(".txt");
        assertThat(RecordCodec.of(Format.RAW).suffix(Compression.GZIP)).isEqualTo(".bin.gz");
    }

    @Test
    void autoCompressionIsRefusedForWriting() {
        assertThatThrownBy(() -> RecordCodec.of(Format.JSONL).writer(new ByteArrayOutputStream(), Compression.AUTO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputs only");
    }
}
