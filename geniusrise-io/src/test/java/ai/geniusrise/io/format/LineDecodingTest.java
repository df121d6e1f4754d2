package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.config.Format;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineDecodingTest {

    private final RecordCodec jsonl = RecordCodec.of(Format.JSONL);
    private final RecordCodec text = RecordCodec.of(Format.TEXT);

    @Test
    void jsonlValuesAreLineBytesWithoutLfOrCrLfBreaks() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(jsonl, "{\"a\":1}\n{\"a\":2}\r\n{\"a\":3}"));

        assertThat(Codecs.values(records)).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
        assertThat(Codecs.lines(records)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void jsonlSkipsBlankLinesButKeepsLineNumbersTrue() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(jsonl, "\n{\"a\":1}\n   \n\r\n\t\n{\"a\":2}\n\n"));

        assertThat(Codecs.values(records)).containsExactly("{\"a\":1}", "{\"a\":2}");
        assertThat(Codecs.lines(records)).containsExactly(2L, 6L);
        assertThat(records.get(1).position()).isEqualTo(Position.inObject(Codecs.LOCATION, "obj", 6));
    }

    @Test
    void textKeepsBlankLinesAsEmptyRecords() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(text, "a\n\n  \r\nb\n"));

        assertThat(Codecs.values(records)).containsExactly("a", "", "  ", "b");
        assertThat(Codecs.lines(records)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void emptyObjectHasNoRecords() throws IOException {
        assertThat(Codecs.readAll(Codecs.reader(text, ""))).isEmpty();
        assertThat(Codecs.readAll(Codecs.reader(jsonl, "\n\n"))).isEmpty();
    }

    @Test
    void loneCarriageReturnIsNotALineBreak() throws IOException {
        assertThat(Codecs.values(Codecs.readAll(Codecs.reader(text, "a\rb\nc\r")))).containsExactly("a\rb", "c");
    }

    @Test
    void utf8ByteOrderMarkIsDroppedFromTheFirstLine() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}', '\n', '{', '}'};
        assertThat(Codecs.values(Codecs.readAll(Codecs.reader(jsonl, "o", bom)))).containsExactly("{}", "{}");
    }

    @Test
    void jsonlIsNotParsedWhileDecodingButValueAsJsonReportsThePosition() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(jsonl, "{\"ok\":true}\nnot json\n"));

        assertThat(Codecs.values(records)).containsExactly("{\"ok\":true}", "not json");
        assertThatThrownBy(() -> records.get(1).valueAsJson()).isInstanceOf(RecordFormatException.class)
                .hasMessageStartingWith("obj:2: value is not JSON");
    }

    @Test
    void overLongLineRaisesFormatErrorWithPositionAndReaderContinuesAtNextLine() throws IOException {
        RecordCodec small = RecordCodec.of(Format.TEXT, 10, 100);
        String longLine = "x".repeat(25);

        List<Object> got = Codecs.readAllWithErrors(Codecs.reader(small, "short\n" + longLine + "\r\nafter\n"));

        assertThat(got).hasSize(3);
        assertThat(((Record) got.get(0)).valueAsString()).isEqualTo("short");
        RecordFormatException e = (RecordFormatException) got.get(1);
        assertThat(e.position()).isEqualTo(Position.inObject(Codecs.LOCATION, "obj", 2));
        assertThat(e.getMessage()).contains("obj:2").contains("25 bytes").contains("limit of 10 bytes");
        assertThat(new String(e.rawBytes(), StandardCharsets.UTF_8)).isEqualTo(longLine);
        assertThat(((Record) got.get(2)).valueAsString()).isEqualTo("after");
        assertThat(((Record) got.get(2)).position()).isEqualTo(Position.inObject(Codecs.LOCATION, "obj", 3));
    }

    @Test
    void overLongLineSpanningManyReadsIsSkippedWithoutGrowingTheBufferPastTheLimit() throws IOException {
        RecordCodec small = RecordCodec.of(Format.JSONL, 64, 100).withReadBuffer(16);
        String huge = "y".repeat(10_000);
        LineDecoder reader = (LineDecoder) Codecs.reader(small, "{}\n" + huge + "\n{\"n\":3}\n" + huge);

        List<Object> got = Codecs.readAllWithErrors(reader);

        assertThat(got).hasSize(4);
        assertThat(got.get(0)).isInstanceOf(Record.class);
        assertThat(got.get(1)).isInstanceOf(RecordFormatException.class);
        assertThat(((RecordFormatException) got.get(1)).getMessage()).contains("10000 bytes");
        assertThat(((Record) got.get(2)).valueAsString()).isEqualTo("{\"n\":3}");
        assertThat(Codecs.lines(List.of((Record) got.get(2)))).containsExactly(3L);
        assertThat(((RecordFormatException) got.get(3)).position())
                .isEqualTo(Position.inObject(Codecs.LOCATION, "obj", 4));
        assertThat(reader.splitter().bufferCapacity()).isLessThanOrEqualTo(64 + 2);
    }

    @Test
    void lineExactlyAtTheLimitIsAccepted() throws IOException {
        RecordCodec small = RecordCodec.of(Format.TEXT, 8, 100).withReadBuffer(16);
        assertThat(Codecs.values(Codecs.readAll(Codecs.reader(small, "12345678\r\n12345678\n12345678"))))
                .containsExactly("12345678", "12345678", "12345678");
    }

    @Test
    void splitsLikeBufferedReaderAcrossAnyBufferBoundary() throws IOException {
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            int len = random.nextInt(random.nextInt(10) == 0 ? 200 : 20);
            for (int j = 0; j < len; j++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            sb.append(random.nextInt(3) == 0 ? "\r\n" : "\n");
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                expected.add(line);
            }
        }
        for (int readSize : new int[] {16, 17, 64, 333, 65_536}) {
            RecordCodec codec = RecordCodec.of(Format.TEXT, 1 << 20, 100).withReadBuffer(readSize);
            assertThat(Codecs.values(Codecs.readAll(Codecs.reader(codec, "o", bytes))))
                    .as("read size %d", readSize).isEqualTo(expected);
        }
    }
}
