package ai.geniusrise.io.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * parquet: records of the output's schema written through parquet-java's Avro object model and
 * its file writer, with no Hadoop class loaded: a {@link PlainParquetConfiguration}, our
 * {@link StreamOutputFile} and {@link PlainCodecFactory}, and the generic data model named up
 * front. Lists are written in the standard three-level layout (DuckDB, Spark, Trino read it).
 *
 * <p>Row groups are cut here rather than in parquet's {@code ParquetWriter}, which cannot be told
 * to write one early: every {@value #CHECK_EVERY} records the part measures what its columns
 * buffer, writes its row group when that reaches the row-group size, and asks the output's
 * {@link ParquetMemory} whether all the open parts together passed the budget (then the largest
 * writes its row group early). Memory per output thus stays near the budget, whatever the number
 * of open partitions.
 */
final class ParquetEncoder extends SchemaEncoder {

    static final int CHECK_EVERY = 100;
    private static final int PAGE_BYTES = 1 << 20;

    private final OutputStream out;
    private final String name;
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final long rowGroupBytes;
    private final ParquetMemory memory;
    private ParquetProperties props;
    private WriteSupport<GenericRecord> support;
    private WriteSupport.WriteContext context;
    private MessageType schema;
    private MessageColumnIO columnIO;
    private ParquetFileWriter file;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore columns;
    private RecordConsumer consumer;
    private long rows;
    private long sinceCheck;
    private volatile long buffered;
    private volatile boolean flushRequested;
    private int rowGroups;

    ParquetEncoder(OutputStream out, String name, OutputSchema schemas, CompressionCodecName codec, long rowGroupBytes,
                   ParquetMemory memory, ObjectMapper json, AvroJson avro) {
        super(out, schemas, json, avro);
        this.out = out;
        this.name = name;
        this.compressor = PlainCodecFactory.INSTANCE.getCompressor(codec);
        this.rowGroupBytes = rowGroupBytes;
        this.memory = memory;
    }

    /** The parquet configuration every reader and writer of ours uses; no Hadoop behind it. */
    static PlainParquetConfiguration configuration() {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, "false");
        return conf;
    }

    @Override
    void open(Schema s) throws IOException {
        PlainParquetConfiguration conf = configuration();
        schema = new AvroSchemaConverter(conf).convert(s);
        support = new AvroWriteSupport<>(schema, s, GenericData.get());
        context = support.init(conf);
        schema = context.getSchema();
        props = ParquetProperties.builder().withPageSize(PAGE_BYTES).withDictionaryPageSize(PAGE_BYTES).build();
        columnIO = new ColumnIOFactory(false).getColumnIO(schema);
        file = new ParquetFileWriter(new StreamOutputFile(out, name), schema, ParquetFileWriter.Mode.CREATE,
                rowGroupBytes, 0, null, props);
        file.start();
        memory.opened(this);
        startRowGroup();
    }

    private void startRowGroup() {
        pages = new ColumnChunkPageWriteStore(compressor, schema, props.getAllocator(),
                props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
        columns = props.newColumnWriteStore(schema, pages, pages);
        consumer = columnIO.getRecordWriter(columns);
        support.prepareForWrite(consumer);
    }

    @Override
    void append(GenericRecord record) throws IOException {
        support.write(record);
        rows++;
        if (flushRequested) {
            flushRequested = false;
            writeRowGroup();
        } else if (++sinceCheck >= CHECK_EVERY) {
            sinceCheck = 0;
            buffered = columns.getBufferedSize();
            if (buffered >= rowGroupBytes || memory.overBudget(this)) {
                writeRowGroup();
            }
        }
    }

    /** What this part's current row group buffers, as last measured. */
    long buffered() {
        return buffered;
    }

    /** Asks this part to write its row group at its next record (called from another part's thread). */
    void requestFlush() {
        flushRequested = true;
    }

    /** Row groups written so far; for tests. */
    int rowGroups() {
        return rowGroups;
    }

    private void writeRowGroup() throws IOException {
        if (rows == 0) {
            return;
        }
        consumer.flush(); // nulls the column writer holds back for sparse columns
        columns.flush();
        file.startBlock(rows);
        pages.flushToFileWriter(file);
        file.endBlock();
        pages.close();
        rows = 0;
        sinceCheck = 0;
        buffered = 0;
        rowGroups++;
        startRowGroup();
    }

    @Override
    void finish() throws IOException {
        try {
            writeRowGroup();
            Map<String, String> meta = new HashMap<>(context.getExtraMetaData());
            meta.putAll(support.finalizeWrite().getExtraMetaData());
            file.end(meta);
        } finally {
            memory.closed(this);
        }
    }
}
