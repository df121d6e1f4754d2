package ai.geniusrise.io.format;

import ai.geniusrise.core.Position;
import ai.geniusrise.core.RecordFormatException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The encoders' fast path ({@link AvroJson#readRecord}, JSON bytes straight to a record) against
 * the tree path ({@link AvroJson#toRecord}): where the fast path answers, it answers the same
 * record; where the tree path rejects a value, the fast path leaves it to the tree path (so the
 * error message is the tree path's).
 */
class AvroJsonReadRecordTest {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final AvroJson AVRO = new AvroJson(JSON.getFactory());
    private static final Position AT = Position.inObject("in", "o", 1);

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "E", "fields": [
              {"name": "id", "type": "long"},
              {"name": "n", "type": "int", "default": 7},
              {"name": "f", "type": "float", "default": 0},
              {"name": "d", "type": "double", "default": 0},
              {"name": "ok", "type": "boolean", "default": false},
              {"name": "s", "type": ["null", "string"], "default": null},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "m", "type": {"type": "map", "values": ["null", "long"]}, "default": {}},
              {"name": "in", "type": ["null", {"type": "record", "name": "In", "fields": [
                {"name": "a", "type": "string"}, {"name": "b", "type": ["null", "double"], "default": null}]}],
               "default": null},
              {"name": "two", "type": ["null", "long", "string"], "default": null},
              {"name": "e", "type": ["null", {"type": "enum", "name": "K", "symbols": ["X", "Y"]}], "default": null}]}""");

    /** Values the fast path must read itself, as the tree path does. */
    private static final List<String> FAST = List.of(
            "{\"id\": 1}",
            "{\"id\": 1, \"n\": 2, \"f\": 1.5, \"d\": 2.25, \"ok\": true, \"s\": \"x\", \"tags\": [\"a\", \"b\"]}",
            "{\"tags\": [], \"id\": 9223372036854775807, \"s\": null, \"n\": -2147483648}",
            "{\"id\": 3, \"f\": 16777217, \"d\": 9007199254740993, \"m\": {\"k\": 1, \"z\": null, \"k\": 2}}",
            "{\"id\": 3, \"f\": 123456789012345678, \"d\": 1e300, \"in\": {\"a\": \"q\"}}",
            "{\"id\": 3, \"in\": {\"b\": 0.1, \"a\": \"q\"}, \"n\": null, \"ok\": null, \"two\": null}",
            "{\"id\": 4, \"d\": -0.0, \"f\": 3.4028235677973366e38, \"s\": \"\\u00e9\\n\"}",
            "{\"id\": 5, \"id\": 6}",
            "  {\"id\": 5}  \n");

    /** Values the fast path leaves to the tree path: misfits, not JSON, or conversions only the tree makes. */
    private static final List<String> TREE = List.of(
            "{}", "{\"id\": null}", "{\"id\": \"1\"}", "{\"id\": 1.0}", "{\"id\": 99999999999999999999}",
            "{\"id\": 1, \"n\": 2147483648}", "{\"id\": 1, \"x\": 1}", "{\"id\": 1, \"tags\": [null]}",
            "{\"id\": 1, \"tags\": \"a\"}", "{\"id\": 1, \"in\": {}}", "{\"id\": 1, \"in\": {\"a\": \"q\", \"c\": 1}}",
            "{\"id\": 1, \"two\": 5}", "{\"id\": 1, \"e\": \"X\"}", "{\"id\": 1} {\"id\": 2}", "{\"id\": 1",
            "[1]", "1", "", "{\"id\": 1, \"ok\": 1}", "{\"id\": 1, \"s\": 5}");

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static GenericRecord tree(String s) {
        try {
            return AVRO.toRecord(JSON.readTree(bytes(s)), SCHEMA, AT);
        } catch (RecordFormatException | java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    @Test
    void readsWhatTheTreePathReadsAndTheSameRecord() {
        for (String s : FAST) {
            GenericRecord fast = AVRO.readRecord(bytes(s), SCHEMA);
            assertThat(fast).as("fast path on %s", s).isNotNull();
            assertThat(fast).as("%s", s).isEqualTo(tree(s));
            assertThat(fast.toString()).isEqualTo(tree(s).toString());
        }
    }

    @Test
    void leavesToTheTreePathWhatOnlyItConvertsOrRejects() {
        for (String s : TREE) {
            assertThat(AVRO.readRecord(bytes(s), SCHEMA)).as("fast path on %s", s).isNull();
        }
        // what the tree path accepts of these, it reads (the union of two types, the enum)
        assertThat(tree("{\"id\": 1, \"two\": 5}")).isNotNull();
        assertThat(tree("{\"id\": 1, \"e\": \"X\"}")).isNotNull();
        assertThat(tree("{\"id\": 1, \"x\": 1}")).isNull();
    }

    @Test
    void floatsAreRoundedAsTheTreesNumberNodesRoundThem() {
        // a long made a float directly and through a double differ here; the tree makes it directly
        long l = (1L << 53) + (1L << 29) + 1;
        assertThat((float) l).isNotEqualTo((float) (double) l);
        GenericRecord r = AVRO.readRecord(bytes("{\"id\": 1, \"f\": " + l + "}"), SCHEMA);
        assertThat(r.get("f")).isEqualTo((float) l).isEqualTo(tree("{\"id\": 1, \"f\": " + l + "}").get("f"));
    }
}
