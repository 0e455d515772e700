package dev.harden.bulk;

import dev.harden.report.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place bulk reads and writes JSON: flat objects, one per line. */
final class JsonLine {
    private JsonLine() {
    }

    /** One object on one line, without the line break; values are strings, numbers, booleans or null. */
    static String write(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            string(e.getKey(), out);
            out.append(':');
            Object v = e.getValue();
            if (v == null || v instanceof Number || v instanceof Boolean) {
                out.append(v);
            } else {
                string(String.valueOf(v), out);
            }
        }
        return out.append('}').toString();
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

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
