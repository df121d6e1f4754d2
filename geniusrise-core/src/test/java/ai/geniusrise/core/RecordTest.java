package ai.geniusrise.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordTest {

    record Click(String user, int count) {
    }

    @Test
    void withMethodsReturnNewRecordsKeepingTheOtherFieldsAndThePosition() {
        Position at = Position.inObject("file:///in", "a.jsonl", 7);
        Record original = Record.of("k", "hello").withHeader("h", "1").withTimestamp(42).withPosition(at);

        Record changed = original.withValue("HELLO");

        assertThat(changed.valueAsString()).isEqualTo("HELLO");
        assertThat(changed.keyAsString()).isEqualTo("k");
        assertThat(changed.header("h")).contains("1");
        assertThat(changed.timestamp()).isEqualTo(42);
        assertThat(changed.position()).isEqualTo(at);
        assertThat(original.valueAsString()).isEqualTo("hello");
    }

    @Test
    void typedViewsDecodeJsonAndBindToClasses() {
        Record r = Record.ofJson(Map.of("user", "ana", "count", 3));

        assertThat(r.valueAsJson().get("user").asText()).isEqualTo("ana");
        assertThat(r.as(Click.class)).isEqualTo(new Click("ana", 3));
    }

    @Test
    void aValueThatIsNotJsonRaisesARecordFormatExceptionNamingThePosition() {
        Record r = Record.of("not json").withPosition(Position.inObject("file:///in", "b.jsonl", 3));

        assertThatThrownBy(r::valueAsJson).isInstanceOf(RecordFormatException.class)
                .hasMessageStartingWith("b.jsonl:3: value is not JSON");
        assertThatThrownBy(() -> r.as(Click.class)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("does not bind to Click");
    }

    @Test
    void aJsonValueFollowedByAnythingButWhiteSpaceIsNotJson() {
        Record r = Record.of("{\"id\":1} xyz").withPosition(Position.inObject("file:///in", "c.jsonl", 4));

        assertThatThrownBy(r::valueAsJson).isInstanceOf(RecordFormatException.class)
                .hasMessageStartingWith("c.jsonl:4: value is not JSON: Unrecognized token 'xyz'");
        assertThatThrownBy(() -> Record.of("{\"user\":\"a\",\"count\":1} xyz").as(Click.class))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("does not bind to Click: Unrecognized token 'xyz'");
        assertThatThrownBy(() -> Record.of("{\"user\":\"a\",\"count\":1}{}").as(Click.class))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("Trailing token");
        assertThat(Record.of("{\"id\":1} \n").valueAsJson().get("id").asInt()).isEqualTo(1);
    }

    @Test
    void jacksonMessagesAreQuotedWithoutTheirRedactedSourceText() {
        Record r = Record.of("{\"id\":1");

        assertThatThrownBy(r::valueAsJson).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("Unexpected end-of-input").hasMessageContaining("[line: 1, column: 1]")
                .hasMessageNotContaining("Source").hasMessageNotContaining("REDACTED")
                .hasMessageNotContaining("StreamReadFeature");
        assertThatThrownBy(() -> Record.of("{\"user\":\"a\",\"count\":\"x\"}").as(Click.class))
                .hasMessageContaining("Cannot deserialize value of type `int`").hasMessageNotContaining("REDACTED");
    }

    @Test
    void aTombstoneIsAnEmptyValueThatRemembersItHadNone() {
        Record tombstone = Record.of("k".getBytes(StandardCharsets.UTF_8), null, Map.of(), 5,
                Position.inTopic("t", 0, 9));

        assertThat(tombstone.isTombstone()).isTrue();
        assertThat(tombstone.value()).isEmpty();
        assertThat(tombstone.withHeader("h", "1").withTimestamp(6).withKey("k2").isTombstone()).isTrue();
        assertThat(tombstone.withValue("now a value").isTombstone()).isFalse();
        assertThat(Record.of(new byte[0]).isTombstone()).isFalse();
        assertThat(tombstone).isNotEqualTo(Record.of(new byte[0]).withKey("k").withTimestamp(5));
    }

    @Test
    void withJsonValueKeepsKeyHeadersTimestampAndPosition() {
        Position at = Position.inTopic("clicks", 2, 99);
        Record r = Record.of("k", "{}").withHeader("trace", "t1").withTimestamp(5).withPosition(at)
                .withJsonValue(Map.of("a", 1));

        assertThat(r.valueAsString()).isEqualTo("{\"a\":1}");
        assertThat(r.keyAsString()).isEqualTo("k");
        assertThat(r.header("trace")).contains("t1");
        assertThat(r.timestamp()).isEqualTo(5);
        assertThat(r.position()).hasToString("clicks[2]@99");
    }

    @Test
    void equalityCoversBytesButNotPosition() {
        Record a = Record.of("k", "v").withPosition(Position.inObject("l", "o", 1));
        Record b = Record.of("k".getBytes(StandardCharsets.UTF_8)).withValue("v").withKey("k");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(a.withHeader("h", "x"));
        assertThat(Record.of("v").key()).isNull();
    }
}
