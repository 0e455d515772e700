package dev.harden.verify;

import dev.harden.report.Json;
import java.util.Map;

/** Reads the Engine API's JSON (with harden's one JSON reader) and walks into it. */
final class JsonReader {
    private JsonReader() {
    }

    /** Maps, lists, strings, longs, doubles, booleans and null. */
    static Object parse(String text) {
        return Json.parse(text);
    }

    /** The value at a path of keys through nested maps, or null. */
    static Object at(Object root, String... keys) {
        Object v = root;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(k);
        }
        return v;
    }
}
