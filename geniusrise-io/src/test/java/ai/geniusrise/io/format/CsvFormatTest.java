package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.PartWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvFormatTest {

    private final RecordCodec csv = RecordCodec.of(Format.CSV);

    @Test
    void rowsBecomeJsonObjectsKeyedByTheHeader() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(csv, "id,name\r\n1,ann\n2,\"bob, jr\"\n"));

        assertThat(Codecs.values(records)).containsExactly("{\"id\":\"1\",\"name\":\"ann\"}",
                "{\"id\":\"2\",\"name\":\"bob, jr\"}");
        assertThat(Codecs.lines(records)).containsExactly(2L, 3L);
    }

    @Test
    void quotedLineBreaksKeepTheRowTogetherAtItsFirstLine() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(csv,
                "id,note\n1,\"two\nlines, \"\"quoted\"\"\"\n2,plain\n"));

        assertThat(records).hasSize(2);
        assertThat(records.get(0).valueAsJson().get("note").asText()).isEqualTo("two\nlines, \"quoted\"");
        assertThat(Codecs.lines(records)).containsExactly(2L, 4L);
    }

    @Test
    void blankLinesAreSkippedAndCounted() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(csv, "\na,b\n\n1,2\n\n"));
        assertThat(Codecs.values(records)).containsExactly("{\"a\":\"1\",\"b\":\"2\"}");
        assertThat(Codecs.lines(records)).containsExactly(4L);
    }

    @Test
    void rowWithWrongFieldCountRaisesFormatErrorWithPositionAndRawBytesThenReadingGoesOn() throws IOException {
        List<Object> got = Codecs.readAllWithErrors(Codecs.reader(csv, "a,b\n1,2\n3,4,5\n6\n7,8\n"));

        assertThat(got).hasSize(4);
        RecordFormatException tooMany = (RecordFormatException) got.get(1);
        assertThat(tooMany.position()).isEqualTo(Position.inObject(Codecs.LOCATION, "obj", 3));
        assertThat(tooMany.rawBytes()).isEqualTo("3,4,5".getBytes(StandardCharsets.UTF_8));
        assertThat(tooMany.getMessage()).contains("obj:3").contains("3 fields").contains("header has 2");
        RecordFormatException tooFew = (RecordFormatException) got.get(2);
        assertThat(tooFew.position()).isEqualTo(Position.inObject(Codecs.LOCATION, "obj", 4));
        assertThat(tooFew.rawBytes()).isEqualTo("6".getBytes(StandardCharsets.UTF_8));
        assertThat(((Record) got.get(3)).valueAsString()).isEqualTo("{\"a\":\"7\",\"b\":\"8\"}");
    }

    @Test
    void malformedMultiLineRowKeepsItsRawBytesIncludingBreaks() throws IOException {
        List<Object> got = Codecs.readAllWithErrors(Codecs.reader(csv, "a,b\n\"x\r\ny\",2,3\n4,5\n"));

        RecordFormatException e = (RecordFormatException) got.get(0);
        assertThat(e.rawBytes()).isEqualTo("\"x\r\ny\",2,3".getBytes(StandardCharsets.UTF_8));
        assertThat(e.position()).isEqualTo(Position.inObject(Codecs.LOCATION, "obj", 2));
        assertThat(Codecs.lines(List.of((Record) got.get(1)))).containsExactly(4L);
    }

    @Test
    void repeatedHeaderNameMakesTheObjectUnreadable() {
        assertThatThrownBy(() -> Codecs.readAll(Codecs.reader(csv, "a,b,a\n1,2,3\n")))
                .isInstanceOf(IOException.class).hasMessageContaining("'obj'").hasMessageContaining("'a' twice");
    }

    @Test
    void encoderWritesTheFirstRecordsFieldsAsHeaderAndValuesAsText() throws IOException {
        byte[] bytes = Codecs.encode(csv, Compression.NONE, List.of(
                Record.of("{\"id\":1,\"ok\":true,\"note\":\"a, b\",\"none\":null,\"tags\":[1,2]}"),
                Record.of("{\"tags\":{\"x\":1},\"none\":\"n\",\"note\":\"say \\\"hi\\\"\",\"ok\":false,\"id\":2.5}")));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(
                "id,ok,note,none,tags\n"
                        + "1,true,\"a, b\",,\"[1,2]\"\n"
                        + "2.5,false,\"say \"\"hi\"\"\",n,\"{\"\"x\"\":1}\"\n");
    }

    @Test
    void encoderNeedsAFieldInTheFirstRecordToMakeTheHeader() {
        assertThatThrownBy(() -> Codecs.encode(csv, Compression.NONE, List.of(Record.of("{}"))))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("at least one field");
    }

    @Test
    void encoderRejectsARecordWithAFieldOutsideTheHeaderNamingItAndWritesNothingOfIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PartWriter w = csv.writer(out, Compression.NONE)) {
            w.write(Record.of("{\"a\":1,\"b\":2}"));
            assertThatThrownBy(() -> w.write(Record.of("{\"a\":1,\"b\":2,\"c\":3}")))
                    .isInstanceOf(RecordFormatException.class).hasMessageContaining("field 'c'");
            assertThatThrownBy(() -> w.write(Record.of("{\"a\":1}")))
                    .isInstanceOf(RecordFormatException.class).hasMessageContaining("field 'b'")
                    .hasMessageContaining("missing");
            assertThatThrownBy(() -> w.write(Record.of("[1,2]")))
                    .isInstanceOf(RecordFormatException.class).hasMessageContaining("JSON object");
            assertThatThrownBy(() -> w.write(Record.of("not json")))
                    .isInstanceOf(RecordFormatException.class).hasMessageContaining("not JSON");
            assertThatThrownBy(() -> w.write(Record.of("{\"a\":1,\"b\":[\"unterminated\"")))
                    .isInstanceOf(RecordFormatException.class).hasMessageContaining("not JSON");
            w.write(Record.of("{\"b\":4,\"a\":3}"));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a,b\n1,2\n3,4\n");
    }
}
