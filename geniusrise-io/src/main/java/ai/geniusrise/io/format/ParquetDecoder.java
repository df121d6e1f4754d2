package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.Record;
import ai.geniusrise.core.spi.RecordReader;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetMetricsCallback;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * parquet: one record per row, row group by row group (memory follows the file's row-group size,
 * not its size). Each record's value is the row's JSON form and it carries the Avro
 * {@link GenericRecord} ({@link Record#decoded()}); positions count rows from 1. With a
 * {@linkplain ReaderSchema reader schema}, only the columns it names are read and the rows are
 * resolved to it.
 *
 * <p>Parquet reads the footer first, so the object is copied to a temporary file (deleted on
 * close) unless it is a local file already. No Hadoop class is loaded: parquet-java's public
 * read-options builder always makes its Hadoop codec factory, so the options are built through
 * their package-private constructor with {@link PlainCodecFactory} (checked when this class loads,
 * see {@link #OPTIONS}).
 */
final class ParquetDecoder implements RecordReader {

    private static final Constructor<ParquetReadOptions> OPTIONS = optionsConstructor();

    private final ParquetFileReader file;
    private final Path temporary;
    private final String location;
    private final String object;
    private final AvroJson avro;
    private final MessageColumnIO columns;
    private final RecordMaterializer<GenericRecord> materializer;
    private org.apache.parquet.io.RecordReader<GenericRecord> rows;
    private long left;
    private long row;

    private ParquetDecoder(Path local, Path temporary, String location, String object, AvroJson avro, Schema reader)
            throws IOException {
        this.temporary = temporary;
        this.location = location;
        this.object = object;
        this.avro = avro;
        ParquetConfiguration conf = ParquetEncoder.configuration();
        try {
            this.file = new ParquetFileReader(new LocalInputFile(local), options(conf));
        } catch (IOException | RuntimeException e) {
            deleteTemporary();
            throw new IOException("cannot read '" + object + "' under " + location + " as parquet: " + e.getMessage(), e);
        }
        MessageType schema = file.getFileMetaData().getSchema();
        Map<String, String> meta = file.getFileMetaData().getKeyValueMetaData();
        MessageType requested = schema;
        Map<String, String> readMeta = new HashMap<>();
        if (reader != null) {
            try {
                ReaderSchema.check(reader, writerSchema(schema, meta, conf), location, object);
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
            requested = ReaderSchema.projection(schema, reader);
            readMeta.put("avro.read.schema", reader.toString()); // AvroReadSupport reads the reader schema here
            file.setRequestedSchema(requested);
        }
        this.columns = new ColumnIOFactory().getColumnIO(requested, schema);
        this.materializer = new AvroReadSupport<GenericRecord>(GenericData.get()).prepareForRead(conf, meta, schema,
                new ReadSupport.ReadContext(requested, readMeta));
    }

    /** The Avro schema the file was written with: the one parquet-avro stored, else its columns' own. */
    private static Schema writerSchema(MessageType schema, Map<String, String> meta, ParquetConfiguration conf) {
        String stored = meta.get("parquet.avro.schema");
        if (stored == null) {
            stored = meta.get("avro.schema");
        }
        return stored != null ? new Schema.Parser().parse(stored) : new AvroSchemaConverter(conf).convert(schema);
    }

    /** A reader of {@code in}, copied to a temporary file first; owns and closes {@code in}. */
    static ParquetDecoder of(InputStream in, String location, String object, AvroJson avro, Schema reader)
            throws IOException {
        Path tmp = Files.createTempFile("geniusrise-", ".parquet");
        try (in; OutputStream out = Files.newOutputStream(tmp)) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new ParquetDecoder(tmp, tmp, location, object, avro, reader);
    }

    /** A reader of the local file {@code file}, read in place. */
    static ParquetDecoder of(Path file, String location, String object, AvroJson avro, Schema reader)
            throws IOException {
        return new ParquetDecoder(file, null, location, object, avro, reader);
    }

    @Override
    public Record next() throws IOException {
        while (left == 0) {
            PageReadStore pages = file.readNextRowGroup();
            if (pages == null) {
                return null;
            }
            left = pages.getRowCount();
            rows = columns.getRecordReader(pages, materializer);
        }
        GenericRecord g = rows.read();
        left--;
        row++;
        return Record.of(avro.toJson(g)).withDecoded(g).withPosition(Position.inObject(location, object, row));
    }

    @Override
    public void close() throws IOException {
        try {
            file.close();
        } finally {
            deleteTemporary();
        }
    }

    private void deleteTemporary() throws IOException {
        if (temporary != null) {
            Files.deleteIfExists(temporary);
        }
    }

    private static ParquetReadOptions options(ParquetConfiguration conf) throws IOException {
        try {
            return OPTIONS.newInstance(false, true, true, true, true, false, true, false, false,
                    FilterCompat.NOOP, ParquetMetadataConverter.NO_FILTER, PlainCodecFactory.INSTANCE,
                    new HeapByteBufferAllocator(), 8 << 20, Map.of(), null, null, conf);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot make parquet read options: " + e, e);
        }
    }

    private static Constructor<ParquetReadOptions> optionsConstructor() {
        try {
            Constructor<ParquetReadOptions> c = ParquetReadOptions.class.getDeclaredConstructor(boolean.class,
                    boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class,
                    boolean.class, boolean.class, FilterCompat.Filter.class,
                    ParquetMetadataConverter.MetadataFilter.class, CompressionCodecFactory.class,
                    org.apache.parquet.bytes.ByteBufferAllocator.class, int.class, Map.class,
                    FileDecryptionProperties.class, ParquetMetricsCallback.class, ParquetConfiguration.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("this parquet-hadoop has no ParquetReadOptions constructor of "
                    + "1.18's shape (use the version geniusrise manages): " + e);
        }
    }
}
