package ai.geniusrise.io.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.io.OutputStream;

/**
 * parquet: records of the output's schema written through parquet-java's Avro object model, with
 * no Hadoop class loaded: a {@link PlainParquetConfiguration}, our {@link StreamOutputFile} and
 * {@link PlainCodecFactory}, and the generic data model named up front (parquet-avro would
 * otherwise look it up through a Hadoop {@code Configuration}). Lists are written in the standard
 * three-level layout that DuckDB, Spark and Trino read. A row group is written out when its
 * buffered size reaches the row-group size, so memory per open part stays near that size.
 */
final class ParquetEncoder extends SchemaEncoder {

    private final OutputStream out;
    private final String name;
    private final CompressionCodecName codec;
    private final long rowGroupBytes;
    private ParquetWriter<GenericRecord> writer;

    ParquetEncoder(OutputStream out, String name, OutputSchema schemas, CompressionCodecName codec, long rowGroupBytes,
                   ObjectMapper json, AvroJson avro) {
        super(out, schemas, json, avro);
        this.out = out;
        this.name = name;
        this.codec = codec;
        this.rowGroupBytes = rowGroupBytes;
    }

    /** The parquet configuration every reader and writer of ours uses; no Hadoop behind it. */
    static PlainParquetConfiguration configuration() {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, "false");
        return conf;
    }

    @Override
    void open(Schema s) throws IOException {
        writer = AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out, name))
                .withConf(configuration())
                .withDataModel(GenericData.get())
                .withSchema(s)
                .withCodecFactory(PlainCodecFactory.INSTANCE)
                .withCompressionCodec(codec)
                .withRowGroupSize(rowGroupBytes)
                .build();
    }

    @Override
    void append(GenericRecord record) throws IOException {
        writer.write(record);
    }

    @Override
    void finish() throws IOException {
        writer.close();
    }
}
