package ai.geniusrise.core.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A stored value with its version. Versions are positive, and every successful write of a key
 * gives it a higher version than it had; pass the version to
 * {@link StateManager#compareAndSet(String, long, byte[])} to write only if nobody wrote since.
 */
public record Versioned(byte[] value, long version) {

    /** The value decoded as UTF-8. */
    public String asString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Versioned v && v.version == version && Arrays.equals(v.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(value) + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "Versioned{version=" + version + ", " + value.length + " bytes}";
    }
}
