package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.core.spi.RecordReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawFormatTest {

    @Test
    void wholeObjectIsOneRecordAtIndexOne() throws IOException {
        byte[] bytes = new byte[300_000];
        new Random(1).nextBytes(bytes);

        List<Record> records = Codecs.readAll(Codecs.reader(RecordCodec.of(Format.RAW), "img.bin", bytes));

        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).isEqualTo(bytes);
        assertThat(records.get(0).position()).isEqualTo(Position.inObject(Codecs.LOCATION, "img.bin", 1));
    }

    @Test
    void emptyObjectIsOneEmptyRecord() throws IOException {
        List<Record> records = Codecs.readAll(Codecs.reader(RecordCodec.of(Format.RAW), "empty", new byte[0]));
        assertThat(records).singleElement().satisfies(r -> assertThat(r.value()).isEmpty());
    }

    @Test
    void objectOverTheLimitRaisesFormatErrorNamingItThenTheReaderEnds() throws IOException {
        RecordCodec codec = RecordCodec.of(Format.RAW, 1024, 100);
        byte[] atLimit = new byte[100];
        assertThat(Codecs.readAll(Codecs.reader(codec, "ok", atLimit))).hasSize(1);

        RecordReader reader = Codecs.reader(codec, "big.bin", new byte[101]);
        assertThatThrownBy(reader::next).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("'big.bin'").hasMessageContaining("limit of 100 bytes");
        assertThat(reader.next()).isNull();
    }

    @Test
    void encoderWritesTheValueAsItIsAndRefusesASecondRecord() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PartWriter w = RecordCodec.of(Format.RAW).writer(out, Compression.NONE)) {
            w.write(Record.of(new byte[] {1, 2, 3}));
            assertThatThrownBy(() -> w.write(Record.of("again"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one record per part");
        }
        assertThat(out.toByteArray()).containsExactly(1, 2, 3);
    }
}
