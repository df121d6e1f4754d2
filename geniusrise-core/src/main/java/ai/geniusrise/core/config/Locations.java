package ai.geniusrise.core.config;

import ai.geniusrise.core.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks of locations and names shared by the config classes. */
final class Locations {

    private Locations() {
    }

    static String requireText(String key, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "is required: " + what);
        }
        return value.trim();
    }

    /**
     * The scheme of a location ({@code s3}, {@code file}, {@code http}, ...), lower case; a plain
     * path has scheme {@code file}.
     */
    static String schemeOf(String key, String location) {
        int colon = location.indexOf(':');
        int slash = location.indexOf('/');
        if (colon <= 1 || (slash >= 0 && slash < colon)) {
            return "file"; // a path, or a Windows drive letter
        }
        try {
            URI uri = new URI(location);
            return uri.getScheme().toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "'" + location + "' is not a valid location: " + e.getReason()
                    + " (expected s3://bucket/prefix, file:///dir or a path)");
        }
    }

    static int positive(String key, int value) {
        if (value < 1) {
            throw new ConfigException(key, "must be at least 1, got " + value);
        }
        return value;
    }

    static long notNegative(String key, long value) {
        if (value < 0) {
            throw new ConfigException(key, "must not be negative, got " + value);
        }
        return value;
    }
}
