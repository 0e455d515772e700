package dev.harden.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsObjectsArraysAndScalarsInOrder() {
        Object v = Json.parse(" {\"b\": [1, -2.5e1, true, false, null], \"a\": {\"x\": \"y\"}, \"n\": 12345678901} ");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("b", "a", "n");
        assertThat(m.get("b")).isEqualTo(Arrays.asList(1L, -25.0, true, false, null));
        assertThat(m.get("a")).isEqualTo(Map.of("x", "y"));
        assertThat(m.get("n")).isEqualTo(12345678901L);
    }

    @Test
    void readsEveryIntegerAsALongAndOneBeyondALongAsADouble() {
        assertThat(Json.parse("[0, -7, 2147483648, 99999999999999999999]"))
                .isEqualTo(List.of(0L, -7L, 2147483648L, 1.0E20));
        assertThat(Json.parse("42")).isEqualTo(42L);
    }

    @Test
    void theLastOfTwoEqualKeysWins() {
        assertThat(Json.parse("{\"a\": 1, \"a\": 2}")).isEqualTo(Map.of("a", 2L));
    }

    @Test
    void decodesEveryStringEscape() {
        assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\ud83d\\ude00\"")).isEqualTo("q\" b\\ s/ \b\f\n\r\t é😀");
    }

    @Test
    void readsBackWhatItWrites() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "line\nwith \"quotes\" and \u0001");
        value.put("list", List.of(1L, 2L, Map.of()));
        value.put("none", null);
        assertThat(Json.parse(Json.write(value))).isEqualTo(value);
    }

    @Test
    void writesTwoSpacesALevelOneEntryALineAndEmptyCollectionsClosed() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("n", 3);
        inner.put("list", List.of(1L, true));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", inner);
        value.put("empty", Map.of());
        value.put("none", List.of());
        value.put("x", null);
        value.put("d", 1.5);
        assertThat(Json.write(value)).isEqualTo("""
                {
                  "a": {
                    "n": 3,
                    "list": [
                      1,
                      true
                    ]
                  },
                  "empty": {},
                  "none": [],
                  "x": null,
                  "d": 1.5
                }
                """);
        assertThat(Json.write("s")).isEqualTo("\"s\"\n");
        assertThat(Json.write(List.of())).isEqualTo("[]\n");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersInLowerCaseHexAndNothingElse() {
        assertThat(Json.write("q\" b\\ s/ \b\f\n\r\t \u0001\u001b\u007f é😀 \u2028"))
                .isEqualTo("\"q\\\" b\\\\ s/ \\u0008\\u000c\\n\\r\\t \\u0001\\u001b\u007f é😀 \u2028\"\n");
    }

    /** A value written as its fields in declaration order. */
    record Pair(String second, Integer first, String absent) {
    }

    @Test
    void writesARecordsFieldsInTheirOrderWithOrWithoutNulls() {
        assertThat(Json.write(new Pair("b", 1, null))).isEqualTo("""
                {
                  "second": "b",
                  "first": 1,
                  "absent": null
                }
                """);
        assertThat(Json.writeWithoutNulls(new Pair("b", 1, null))).isEqualTo("""
                {
                  "second": "b",
                  "first": 1
                }
                """);
    }

    @Test
    void findsAValueByAPathOfKeys() {
        Object v = Json.parse("{\"a\": {\"b\": [1]}}");
        assertThat(Json.at(v, "a", "b")).isEqualTo(List.of(1L));
        assertThat(Json.at(v, "a", "b", "c")).isNull();
        assertThat(Json.at(v, "z")).isNull();
    }

    @Test
    void rejectsTextThatIsNotJsonNamingTheOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1,}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 8");
        assertThatThrownBy(() -> Json.parse("[1] [2]")).hasMessageContaining("offset 4: text after");
        assertThatThrownBy(() -> Json.parse("[1] x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("\"open")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("[1, // no comments\n 2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("[NaN]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("\"a\u0001\"")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostileInputStopsAtTheLimits() {
        assertThat(Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).isInstanceOf(List.class);
        assertThatThrownBy(() -> Json.parse("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> Json.parse("[".repeat(100_000))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("1".repeat(Json.MAX_NUMBER_LENGTH + 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Number value length");
        assertThatThrownBy(() -> Json.parse("\"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("String value length");
    }
}
