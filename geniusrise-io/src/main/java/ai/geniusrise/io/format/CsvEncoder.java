package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.RecordFormatException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * csv: each record's value must be a JSON object. The first record's field names, in their
 * order, make the header row; every later record must have exactly those fields (in any
 * order). Values are written as text: strings as they are, numbers and booleans in their JSON
 * spelling, {@code null} as an empty field, arrays and objects as their JSON text. A record
 * that does not fit raises {@link RecordFormatException} before anything of it is written.
 */
final class CsvEncoder extends RecordEncoder {

    private final ObjectMapper json;
    private final CsvFactory csv;
    private List<String> header;
    private Set<String> headerSet;
    private CsvGenerator rows;

    CsvEncoder(CountingOutput out, ObjectMapper json, CsvFactory csv) {
        super(out);
        this.json = json;
        this.csv = csv;
    }

    @Override
    void encode(Record record) throws IOException {
        JsonNode node;
        try {
            node = json.readTree(record.value());
        } catch (IOException e) {
            throw new RecordFormatException("csv output needs a JSON object as the record value, and this value "
                    + "is not JSON: " + RecordFormatException.describe(e), record.position(),
                    record.value(), e);
        }
        if (node == null || !node.isObject()) {
            throw new RecordFormatException("csv output needs a JSON object as the record value, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)),
                    record.position(), record.value(), null);
        }
        if (header == null) {
            startWith(node, record);
        } else {
            check(node, record);
        }
        rows.writeStartArray();
        for (String name : header) {
            rows.writeString(text(node.get(name)));
        }
        rows.writeEndArray();
        rows.flush();
    }

    private void startWith(JsonNode first, Record record) throws IOException {
        List<String> names = new ArrayList<>();
        first.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            throw new RecordFormatException("csv output needs at least one field in the part's first record to make "
                    + "the header, got {}", record.position(), record.value(), null);
        }
        header = List.copyOf(names);
        headerSet = new HashSet<>(names);
        CsvSchema.Builder schema = CsvSchema.builder();
        names.forEach(schema::addColumn);
        rows = csv.createGenerator(new RowSink(out));
        rows.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        rows.setSchema(schema.build().withHeader());
    }

    private void check(JsonNode node, Record record) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!headerSet.contains(name)) {
                throw new RecordFormatException("field '" + name + "' is not in the csv header " + header
                        + " taken from the part's first record", record.position(), record.value(), null);
            }
        }
        if (node.size() != header.size()) {
            for (String name : header) {
                if (!node.has(name)) {
                    throw new RecordFormatException("field '" + name + "' of the csv header " + header
                            + " is missing", record.position(), record.value(), null);
                }
            }
        }
    }

    /**
     * Where the CSV generator writes: straight into the counting buffer, with a flush that stops
     * there, so each row is counted as soon as it is written without flushing gzip or the file.
     */
    private static final class RowSink extends OutputStream {
        private final CountingOutput out;

        RowSink(CountingOutput out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() {
            // the part's own close flushes what is below
        }
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        return value.isContainerNode() ? value.toString() : value.asText();
    }

    @Override
    public void close() throws IOException {
        try {
            if (rows != null) {
                rows.close();
            }
        } finally {
            super.close();
        }
    }
}
