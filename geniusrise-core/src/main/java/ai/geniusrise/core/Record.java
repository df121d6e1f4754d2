package ai.geniusrise.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One unit of data flowing through a pipeline: an optional key and a value, both bytes, with
 * headers, a timestamp, and the {@link Position} it was read from.
 *
 * <p>Records are immutable: every {@code with...} method returns a new record that keeps the
 * other fields (including the source position, so an emitted record can still be traced to its
 * input). The byte arrays handed in and out are not copied, for speed: callers must not modify
 * them after building a record or after reading them.
 *
 * <p>Typed views decode on each call: {@link #valueAsString()} as UTF-8, {@link #valueAsJson()}
 * as a Jackson tree, {@link #as(Class)} bound to a class through Jackson. A value that does not
 * decode raises {@link RecordFormatException}, which the task's error policy handles; a value
 * is JSON only if nothing but white space follows its JSON document ({@code {"id":1} xyz} is not).
 *
 * <p>A Kafka tombstone (a record whose value is null) is a record with an empty value for which
 * {@link #isTombstone()} is true; a dead letter of it keeps the null value.
 */
public final class Record {

    /**
     * Jackson's mapper for records' JSON, made when a record is first read or written as JSON: a bolt
     * that passes bytes on never loads it (with the modules it finds, a hundred classes and a scan of
     * the class path, once on the way to a stream's first record).
     */
    static ObjectMapper json() {
        return Json.MAPPER;
    }

    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder().findAndAddModules()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    private static final byte[] EMPTY = new byte[0];

    private final byte[] key;
    private final byte[] value;
    private final Map<String, byte[]> headers;
    private final long timestamp;
    private final Position position;
    private final boolean tombstone;
    private final Object decoded;

    private Record(byte[] key, byte[] value, Map<String, byte[]> headers, long timestamp, Position position) {
        this(key, value, headers, timestamp, position, false, null);
    }

    private Record(byte[] key, byte[] value, Map<String, byte[]> headers, long timestamp, Position position,
                   boolean tombstone, Object decoded) {
        this.key = key;
        this.value = Objects.requireNonNull(value, "value");
        this.headers = headers;
        this.timestamp = timestamp;
        this.position = Objects.requireNonNull(position, "position");
        this.tombstone = tombstone;
        this.decoded = decoded;
    }

    /** A record with this UTF-8 value, no key, no headers, timestamp 0 (unknown) and no position. */
    public static Record of(String value) {
        return of(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A record with these value bytes, no key, no headers, timestamp 0 and no position. */
    public static Record of(byte[] value) {
        return new Record(null, value, Map.of(), 0L, Position.NONE);
    }

    /**
     * A record with every field given at once; what input adapters use. {@code headers} is
     * copied unless empty.
     *
     * @param key       the key, or {@code null}
     * @param value     the value; {@code null} for a tombstone (then an empty value that {@link #isTombstone()})
     * @param headers   the headers in order
     * @param timestamp milliseconds since the epoch, 0 when unknown
     * @param position  where the record was read
     */
    public static Record of(byte[] key, byte[] value, Map<String, byte[]> headers, long timestamp, Position position) {
        Map<String, byte[]> h = headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        return new Record(key, value == null ? EMPTY : value, h, timestamp, position, value == null, null);
    }

    /** A record with a UTF-8 key and value. */
    public static Record of(String key, String value) {
        return of(value).withKey(key);
    }

    /** A record whose value is the JSON encoding of {@code value} (a {@link JsonNode}, a map, a Java record, ...). */
    public static Record ofJson(Object value) {
        try {
            return of(json().writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The key bytes, or {@code null} when the record has no key. */
    public byte[] key() {
        return key;
    }

    /** The key decoded as UTF-8, or {@code null} when the record has no key. */
    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The value bytes; never {@code null} (an empty value is an empty array). */
    public byte[] value() {
        return value;
    }

    /**
     * Whether the source gave this record no value at all (a Kafka tombstone), rather than an empty
     * one; {@link #value()} is then empty. A new value ({@code withValue...}) makes it a record like
     * any other; the other {@code with...} methods keep it.
     */
    public boolean isTombstone() {
        return tombstone;
    }

    /** The value decoded as UTF-8. */
    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /**
     * The value parsed as JSON.
     *
     * @throws RecordFormatException if the value is not JSON
     */
    public JsonNode valueAsJson() {
        try {
            return json().readTree(value);
        } catch (IOException e) {
            throw new RecordFormatException("value is not JSON: " + RecordFormatException.describe(e), position, e);
        }
    }

    /**
     * The value as {@code type}: the decoded object itself when the record carries one of that type
     * (an Avro {@code GenericRecord} read from parquet or avro, see {@link #withDecoded(Object)}),
     * otherwise the JSON value bound to {@code type} (a Java record, a POJO, a map). Records read from
     * parquet and avro have their JSON form as value, so the same bolt reads JSON lines and them.
     *
     * @throws RecordFormatException if the value is not JSON or does not fit {@code type}
     */
    public <T> T as(Class<T> type) {
        if (decoded != null && type.isInstance(decoded)) {
            return type.cast(decoded);
        }
        try {
            return json().readValue(value, type);
        } catch (IOException e) {
            throw new RecordFormatException("value does not bind to " + type.getSimpleName() + ": "
                    + RecordFormatException.describe(e),
                    position, e);
        }
    }

    /**
     * The object this record's value was decoded from or into (an Avro {@code GenericRecord} for
     * parquet and avro), or {@code null}. It is the same data as the value, in another form: any new
     * value ({@code withValue...}) drops it.
     */
    public Object decoded() {
        return decoded;
    }

    /**
     * This record carrying {@code object}, the same data as its value in a typed form (what a
     * parquet or avro input attaches, and what their outputs write without going through JSON).
     * The caller promises that the value is {@code object}'s JSON form.
     */
    public Record withDecoded(Object object) {
        return new Record(key, value, headers, timestamp, position, tombstone, object);
    }

    /** Headers in insertion order; unmodifiable. */
    public Map<String, byte[]> headers() {
        return headers;
    }

    /** The header's value decoded as UTF-8, if the record has it. */
    public Optional<String> header(String name) {
        byte[] h = headers.get(name);
        return h == null ? Optional.empty() : Optional.of(new String(h, StandardCharsets.UTF_8));
    }

    /** Milliseconds since the epoch; 0 when unknown. */
    public long timestamp() {
        return timestamp;
    }

    /** Where this record (or the input record it was derived from) was read. */
    public Position position() {
        return position;
    }

    /** This record with a new value. */
    public Record withValue(byte[] newValue) {
        return new Record(key, newValue, headers, timestamp, position);
    }

    /** This record with a new UTF-8 value. */
    public Record withValue(String newValue) {
        return withValue(newValue.getBytes(StandardCharsets.UTF_8));
    }

    /** This record with the JSON encoding of {@code newValue} as its value. */
    public Record withJsonValue(Object newValue) {
        try {
            return new Record(key, json().writeValueAsBytes(newValue), headers, timestamp, position);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + newValue.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** This record with a new key ({@code null} for none). */
    public Record withKey(byte[] newKey) {
        return new Record(newKey, value, headers, timestamp, position, tombstone, decoded);
    }

    /** This record with a new UTF-8 key ({@code null} for none). */
    public Record withKey(String newKey) {
        return withKey(newKey == null ? null : newKey.getBytes(StandardCharsets.UTF_8));
    }

    /** This record with a header added or replaced. */
    public Record withHeader(String name, byte[] headerValue) {
        Map<String, byte[]> copy = new LinkedHashMap<>(headers);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(headerValue, "headerValue"));
        return new Record(key, value, Collections.unmodifiableMap(copy), timestamp, position, tombstone, decoded);
    }

    /** This record with a UTF-8 header added or replaced. */
    public Record withHeader(String name, String headerValue) {
        return withHeader(name, headerValue.getBytes(StandardCharsets.UTF_8));
    }

    /** This record with a new timestamp (milliseconds since the epoch). */
    public Record withTimestamp(long newTimestamp) {
        return new Record(key, value, headers, newTimestamp, position, tombstone, decoded);
    }

    /** This record with a new source position; used by input adapters. */
    public Record withPosition(Position newPosition) {
        return new Record(key, value, headers, timestamp, newPosition, tombstone, decoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && timestamp == r.timestamp && tombstone == r.tombstone && headersEqual(headers, r.headers);
    }

    private static boolean headersEqual(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Equality and hash cover key, value, headers and timestamp, not the source position. */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        String v = valueAsString();
        return "Record{key=" + keyAsString() + ", value=" + (v.length() > 80 ? v.substring(0, 80) + "..." : v)
                + ", at " + position + "}";
    }
}
