/**
 * Record formats (jsonl, csv, text, raw; parquet and avro with a schema) and compression (none,
 * gzip, auto by {@code .gz}; snappy and zstd inside parquet and avro files) for batch storage
 * adapters. {@link ai.geniusrise.io.format.RecordCodec} is the one entry point:
 * it turns an object's input stream into a streaming {@link ai.geniusrise.core.spi.RecordReader}
 * and an output stream into a {@link ai.geniusrise.core.spi.PartWriter}. Everything else here is
 * internal.
 */
package ai.geniusrise.io.format;
