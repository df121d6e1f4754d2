package ai.geniusrise.io.s3;

import ai.geniusrise.core.ConfigException;

/**
 * An {@code s3://bucket/prefix} location: a bucket and a key prefix without leading or trailing
 * {@code /} (empty for the whole bucket). Immutable.
 */
record S3Location(String bucket, String prefix) {

    /**
     * Parses {@code location}.
     *
     * @param configKey the config field holding it, for the message
     * @throws ConfigException if it is not {@code s3://bucket[/prefix]}
     */
    static S3Location parse(String location, String configKey) {
        String trimmed = location == null ? "" : location.trim();
        if (!trimmed.regionMatches(true, 0, "s3://", 0, 5)) {
            throw new ConfigException(configKey, "'" + location + "' is not an S3 location; expected s3://bucket/prefix");
        }
        String rest = trimmed.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        if (!bucket.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]")) {
            throw new ConfigException(configKey, "'" + location + "' names bucket '" + bucket + "', which is not a "
                    + "valid bucket name (3 to 63 lower-case letters, digits, '.' and '-'); expected s3://bucket/prefix");
        }
        return new S3Location(bucket, prefix);
    }

    /** The key of {@code relative} under this location. */
    String key(String relative) {
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    /** The prefix that keys under this location start with: {@code prefix/}, or empty. */
    String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
