package ai.geniusrise.core.config;

import java.util.Locale;

/** Compression of stored objects. */
public enum Compression {
    /** Plain bytes. */
    NONE,
    /** gzip; extension {@code .gz}. */
    GZIP,
    /** Inputs only: gzip when the object's name ends in {@code .gz}, plain otherwise. */
    AUTO;

    /** The name used in pipeline files. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
