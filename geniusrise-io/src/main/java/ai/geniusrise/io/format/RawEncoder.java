package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;

import java.io.IOException;

/** raw: the part is the one record's value bytes, as they are. A second record is refused. */
final class RawEncoder extends RecordEncoder {

    private boolean written;

    RawEncoder(CountingOutput out) {
        super(out);
    }

    @Override
    void encode(Record record) throws IOException {
        if (written) {
            throw new IllegalStateException("the raw format holds one record per part, and this part already "
                    + "has one; start a new part for each record");
        }
        written = true;
        byte[] v = record.value();
        out.write(v, 0, v.length);
    }
}
