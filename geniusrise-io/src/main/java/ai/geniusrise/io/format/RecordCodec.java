package ai.geniusrise.io.format;

import ai.geniusrise.core.Record;
import ai.geniusrise.core.config.BatchInputConfig;
import ai.geniusrise.core.settings.Setting;
import ai.geniusrise.core.settings.Settings;
import ai.geniusrise.core.settings.SettingsDef;
import ai.geniusrise.core.config.BatchOutputConfig;
import ai.geniusrise.core.config.Compression;
import ai.geniusrise.core.config.Format;
import ai.geniusrise.core.spi.PartWriter;
import ai.geniusrise.core.spi.RecordReader;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;

import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A record format with its limits: decodes the bytes of one stored object into records, and
 * encodes records into the bytes of one object, with or without gzip. Storage adapters (local
 * files, S3) open the streams; this class turns them into a {@link RecordReader} or a
 * {@link PartWriter}.
 *
 * <ul>
 *   <li>{@code jsonl}: a record per line, the value being the line's bytes without its break
 *       ({@code \n} or {@code \r\n}); blank lines are skipped but still counted in line numbers.
 *       Lines are not parsed as JSON while decoding; {@link Record#valueAsJson()} validates
 *       lazily, with the record's position. Encoding writes each value and {@code \n}.</li>
 *   <li>{@code text}: the same, without skipping blank lines.</li>
 *   <li>{@code csv}: a header row, then a record per row whose value is the JSON object
 *       {@code {"column":"value",...}}. Encoding takes JSON-object values; the first record's
 *       fields make the header.</li>
 *   <li>{@code raw}: one record per object, the value being all its bytes, at most
 *       {@link #maxObjectBytes()}. Encoding writes the one record's value as it is.</li>
 *   <li>{@code parquet} and {@code avro}: records with a schema. Decoding gives each row its JSON
 *       form as value and carries the Avro {@code GenericRecord} ({@link Record#decoded()},
 *       {@code record.as(GenericRecord.class)}). Encoding takes the record's {@code GenericRecord}
 *       when it has the output's schema, else converts its JSON value; the schema is
 *       {@value #SCHEMA_OPTION} or {@value #SCHEMA_FILE_OPTION} from the output's options, else
 *       inferred from the first {@value #INFER_RECORDS_OPTION} records. Compression (gzip, snappy,
 *       zstd) is inside the file, which keeps its suffix. No Hadoop class is needed.</li>
 * </ul>
 *
 * <p>Positions are {@code Position.inObject(location, object, n)} with {@code n} the 1-based
 * line number (for csv, the row's first line; for raw, 1).
 *
 * <p><b>Streaming and memory.</b> Readers split lines on bytes in one reused buffer of
 * 64 KiB that grows only for a longer line, never past
 * {@link #maxLineBytes()} (plus its line break): memory does not depend on the object's size.
 * A longer line raises {@link ai.geniusrise.core.RecordFormatException} (with its position
 * and its first bytes) and is skipped up to the next line break; like every decoding error it
 * leaves the reader ready for the next record. Writers buffer 64 KiB
 * and count {@link PartWriter#bytesWritten()} before compression.
 *
 * <p>Immutable and thread-safe; the readers and writers it makes are each for one thread.
 */
public final class RecordCodec {

    /** Default longest line (and longest csv row): 16 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 << 20;
    /** Default largest object of the raw format: 64 MiB. */
    public static final int DEFAULT_MAX_OBJECT_BYTES = 64 << 20;
    static final int READ_BUFFER_BYTES = 64 << 10;
    static final int WRITE_BUFFER_BYTES = 64 << 10;
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

    /** The option setting {@link #maxLineBytes()}. */
    public static final Setting<Long> MAX_LINE_BYTES = Setting.size("maxLineBytes", 1, MAX_ARRAY_BYTES,
                    "Longest line (and csv row) an input reads; a longer one goes to the task's errors policy.")
            .withDefault((long) DEFAULT_MAX_LINE_BYTES).withDefaultDescribed("16MiB");
    /** The option setting {@link #maxObjectBytes()}. */
    public static final Setting<Long> MAX_OBJECT_BYTES = Setting.size("maxObjectBytes", 1, MAX_ARRAY_BYTES,
                    "Largest object the raw format reads whole; a larger one goes to the task's errors policy.")
            .withDefault((long) DEFAULT_MAX_OBJECT_BYTES).withDefaultDescribed("64MiB");

    /**
     * The options of the record formats, which every batch store takes beside its own (a store's
     * {@link ai.geniusrise.core.spi.BatchStorage#settings()} adds them with {@link SettingsDef#plus}):
     * a format that needs options declares them here, once, and every store, the checks of
     * {@code geniusrise validate} and the docs get them.
     */
    public static final SettingsDef OPTIONS = SettingsDef.of("format options", MAX_LINE_BYTES, MAX_OBJECT_BYTES)
            .with(ColumnarOptions.SCHEMA, ColumnarOptions.SCHEMA_FILE, ColumnarOptions.INFER_RECORDS,
                    ColumnarOptions.ROW_GROUP_SIZE, ColumnarOptions.MEMORY_BUDGET)
            .withRule(ColumnarOptions::checkCombination);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final JsonFactory JSON_FACTORY = JSON.getFactory();
    private static final CsvFactory CSV_FACTORY = new CsvFactory();

    private final Format format;
    private final int maxLineBytes;
    private final int maxObjectBytes;
    private final int readBufferBytes;
    private final ColumnarOptions columnar;
    private final OutputSchema schemas;
    private final ParquetMemory memory;
    private final Schema readerSchema;

    private RecordCodec(Format format, int maxLineBytes, int maxObjectBytes, int readBufferBytes) {
        this(format, maxLineBytes, maxObjectBytes, readBufferBytes, ColumnarOptions.DEFAULTS);
    }

    private RecordCodec(Format format, int maxLineBytes, int maxObjectBytes, int readBufferBytes,
                        ColumnarOptions columnar) {
        this(format, maxLineBytes, maxObjectBytes, readBufferBytes, columnar, null);
    }

    private RecordCodec(Format format, int maxLineBytes, int maxObjectBytes, int readBufferBytes,
                        ColumnarOptions columnar, Schema readerSchema) {
        this.readerSchema = readerSchema;
        this.format = Objects.requireNonNull(format, "format");
        this.maxLineBytes = maxLineBytes;
        this.maxObjectBytes = maxObjectBytes;
        this.readBufferBytes = readBufferBytes;
        this.columnar = columnar;
        this.schemas = new OutputSchema(columnar.schema(), columnar.inferRecords());
        this.memory = new ParquetMemory(columnar.memoryBudget());
    }

    /** The codec of {@code format} with the default limits. */
    public static RecordCodec of(Format format) {
        return new RecordCodec(format, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_OBJECT_BYTES, READ_BUFFER_BYTES);
    }

    /**
     * The codec of {@code format} with other limits.
     *
     * @throws IllegalArgumentException if a limit is below 1 byte or above about 2 GiB
     */
    public static RecordCodec of(Format format, int maxLineBytes, int maxObjectBytes) {
        return new RecordCodec(format, checkLimit("maxLineBytes", maxLineBytes),
                checkLimit("maxObjectBytes", maxObjectBytes), READ_BUFFER_BYTES);
    }

    /**
     * The codec of an input: its format, the limits {@link #MAX_LINE_BYTES} and
     * {@link #MAX_OBJECT_BYTES} of its {@code options}, read by a definition that includes
     * {@link #OPTIONS}, and for parquet and avro the reader schema in {@code schema} or
     * {@code schemaFile}, if any (each file's records are resolved to it by Avro's rules).
     *
     * @throws ConfigException naming the option if the reader schema cannot be read
     */
    public static RecordCodec forInput(BatchInputConfig config, Settings options) {
        Schema reader = config.format().hasSchema() ? ColumnarOptions.from(config.options()).schema() : null;
        return new RecordCodec(config.format(), Math.toIntExact(options.get(MAX_LINE_BYTES)),
                Math.toIntExact(options.get(MAX_OBJECT_BYTES)), READ_BUFFER_BYTES, ColumnarOptions.DEFAULTS, reader);
    }

    /**
     * The codec of one opened output: its format and, for parquet and avro, the settings in its
     * options. Such a codec keeps the schema it infers, so that all the parts written through it
     * share one schema: make one per opened output.
     *
     * @throws ConfigException naming the option if a parquet or avro setting is wrong
     */
    public static RecordCodec forOutput(BatchOutputConfig config) {
        if (!config.format().hasSchema()) {
            return of(config.format());
        }
        return new RecordCodec(config.format(), DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_OBJECT_BYTES, READ_BUFFER_BYTES,
                ColumnarOptions.from(config.options()));
    }

    /** A codec like this one reading in chunks of {@code bytes}; for tests of bounded memory. */
    RecordCodec withReadBuffer(int bytes) {
        return new RecordCodec(format, maxLineBytes, maxObjectBytes, bytes, columnar, readerSchema);
    }

    /** The memory budget of this output's open parquet parts; for tests. */
    ParquetMemory parquetMemory() {
        return memory;
    }

    /** The format. */
    public Format format() {
        return format;
    }

    /** The longest line (csv: row) a reader accepts, in bytes, without its line break. */
    public int maxLineBytes() {
        return maxLineBytes;
    }

    /** The largest object the raw format reads, in bytes. */
    public int maxObjectBytes() {
        return maxObjectBytes;
    }

    /**
     * What an encoded object's name ends with: {@code .jsonl}, {@code .csv.gz}, ...
     *
     * @param compression {@link Compression#NONE} or {@link Compression#GZIP}
     */
    public String suffix(Compression compression) {
        if (format.hasSchema()) {
            return "." + format.extension();
        }
        return "." + format.extension() + (compression == Compression.GZIP ? ".gz" : "");
    }

    /** Whether an object named {@code objectName} is read as gzip under {@code compression}. */
    public static boolean isGzip(String objectName, Compression compression) {
        return switch (compression) {
            case GZIP -> true;
            case AUTO -> objectName.endsWith(".gz");
            default -> false;
        };
    }

    /**
     * A reader of the records in {@code in}, the bytes of {@code object} under {@code location}
     * (both used for positions and messages). The reader owns {@code in} and closes it.
     *
     * @param compression {@link Compression#AUTO} decompresses names ending in {@code .gz}
     * @throws IOException if a gzip header cannot be read
     */
    public RecordReader reader(InputStream in, String location, String object, Compression compression)
            throws IOException {
        if (format == Format.PARQUET) {
            return ParquetDecoder.of(in, location, object, new AvroJson(JSON_FACTORY), readerSchema);
        }
        if (format == Format.AVRO) {
            return new AvroDecoder(in, location, object, new AvroJson(JSON_FACTORY), readerSchema);
        }
        InputStream src = in;
        if (isGzip(object, compression)) {
            try {
                src = new GZIPInputStream(in, READ_BUFFER_BYTES);
            } catch (IOException e) {
                in.close();
                throw new IOException("cannot read '" + object + "' under " + location + " as gzip: " + e.getMessage(), e);
            }
        }
        return switch (format) {
            case JSONL -> new LineDecoder(src, location, object, readBufferBytes, maxLineBytes, true);
            case TEXT -> new LineDecoder(src, location, object, readBufferBytes, maxLineBytes, false);
            case CSV -> new CsvDecoder(src, location, object, readBufferBytes, maxLineBytes, CSV_FACTORY, JSON_FACTORY);
            case RAW -> new RawDecoder(src, location, object, readBufferBytes, maxObjectBytes);
            case PARQUET, AVRO -> throw new IllegalStateException("handled above");
        };
    }

    /**
     * A writer encoding records into {@code out}. The writer owns {@code out}: its
     * {@link PartWriter#close()} finishes the gzip stream (if any) and closes {@code out}, which
     * is where a file sink makes the bytes durable.
     *
     * @param compression {@link Compression#NONE} or {@link Compression#GZIP}; for parquet and avro also
     *                    {@link Compression#SNAPPY} and {@link Compression#ZSTD}, inside the file
     * @throws IllegalArgumentException for {@link Compression#AUTO}, which is for inputs only, and for
     *         snappy or zstd with a line format
     */
    public PartWriter writer(OutputStream out, Compression compression) throws IOException {
        if (compression == Compression.AUTO) {
            throw new IllegalArgumentException("compression auto is for inputs only; an output takes none or gzip");
        }
        if (format.hasSchema()) {
            CountingOutput buffered = new CountingOutput(out, WRITE_BUFFER_BYTES);
            AvroJson avro = new AvroJson(JSON_FACTORY);
            return format == Format.PARQUET
                    ? new ParquetEncoder(buffered, "parquet part", schemas, parquetCodec(compression),
                            columnar.rowGroupBytes(), memory, JSON, avro)
                    : new AvroEncoder(buffered, schemas, avroCodec(compression), JSON, avro);
        }
        OutputStream sink = switch (compression) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, WRITE_BUFFER_BYTES);
            default -> throw new IllegalArgumentException("compression " + compression.yamlName() + " is for the "
                    + "parquet and avro formats; " + format.yamlName() + " takes none or gzip");
        };
        CountingOutput counted = new CountingOutput(sink, WRITE_BUFFER_BYTES);
        return switch (format) {
            case JSONL, TEXT -> new LineEncoder(counted);
            case CSV -> new CsvEncoder(counted, JSON, CSV_FACTORY);
            case RAW -> new RawEncoder(counted);
            case PARQUET, AVRO -> throw new IllegalStateException("handled above");
        };
    }

    private static CompressionCodecName parquetCodec(Compression c) {
        return switch (c) {
            case GZIP -> CompressionCodecName.GZIP;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case ZSTD -> CompressionCodecName.ZSTD;
            default -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    private static CodecFactory avroCodec(Compression c) {
        return switch (c) {
            case GZIP -> CodecFactory.deflateCodec(6);
            case SNAPPY -> CodecFactory.snappyCodec();
            case ZSTD -> CodecFactory.zstandardCodec(3);
            default -> CodecFactory.nullCodec();
        };
    }

    private static int checkLimit(String name, int value) {
        if (value < 1 || value > MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX_ARRAY_BYTES + " bytes, got "
                    + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "RecordCodec{" + format.yamlName() + ", maxLineBytes=" + maxLineBytes + ", maxObjectBytes="
                + maxObjectBytes + "}";
    }
}
