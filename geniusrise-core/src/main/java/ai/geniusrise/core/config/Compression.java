package ai.geniusrise.core.config;

import java.util.Locale;

/**
 * Compression of stored objects. For the line formats it wraps the whole object ({@code .gz});
 * parquet and avro compress inside the file (gzip, snappy or zstd) and keep their own suffix.
 */
public enum Compression {
    /** Plain bytes. */
    NONE,
    /** gzip; extension {@code .gz}. */
    GZIP,
    /** Inputs only: gzip when the object's name ends in {@code .gz}, plain otherwise. */
    AUTO,
    /** Parquet and avro outputs only: snappy inside the file (pages, blocks). */
    SNAPPY,
    /** Parquet and avro outputs only: zstd inside the file (pages, blocks). */
    ZSTD;

    /** The name used in pipeline files. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
