package dev.harden.bulk;

import dev.harden.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place bulk reads and writes JSON: flat objects, one per line. */
final class JsonLine {
    private JsonLine() {
    }

    /** One object on one line, without the line break; values are strings, numbers, booleans or null. */
    static String write(Map<String, ?> fields) {
        return Json.line(fields);
    }

    /**
     * Reads one line written by {@link #write}.
     *
     * @throws IllegalArgumentException when it is not a JSON object
     */
    static Map<String, Object> read(String line) {
        if (!(Json.parse(line) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        m.forEach((k, v) -> fields.put(String.valueOf(k), v));
        return fields;
    }
}
