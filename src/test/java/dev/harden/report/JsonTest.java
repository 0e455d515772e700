package dev.harden.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(m.get("b")).isEqualTo(java.util.Arrays.asList(1L, -25.0, true, false, null));
        assertThat(m.get("a")).isEqualTo(Map.of("x", "y"));
        assertThat(m.get("n")).isEqualTo(12345678901L);
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
    void rejectsTextThatIsNotJsonNamingTheOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1,}")).hasMessageContaining("offset 8");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("text after");
        assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Json.parse("[".repeat(500))).hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> Json.parse("01")).isInstanceOf(IllegalArgumentException.class);
    }
}
