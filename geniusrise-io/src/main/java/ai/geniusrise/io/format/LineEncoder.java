package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;

import java.io.IOException;

/** jsonl and text: each record's value bytes followed by {@code \n}. The value is not checked. */
final class LineEncoder extends RecordEncoder {

    LineEncoder(CountingOutput out) {
        super(out);
    }

    @Override
    void encode(Record record) throws IOException {
        byte[] v = record.value();
        out.write(v, 0, v.length);
        out.write('\n');
    }
}
