package dev.harden.forge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Typed reads from parsed JSON, failing with the field's name when a forge answers in an unexpected shape. */
final class Fields {
    private Fields() {
    }

    static Map<?, ?> object(Object json, String what) throws ForgeException {
        if (json instanceof Map<?, ?> m) {
            return m;
        }
        throw new ForgeException("unexpected answer for " + what + ": not a JSON object", 0, false);
    }

    static String string(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v);
    }

    static long number(Map<?, ?> m, String key) throws ForgeException {
        if (m.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new ForgeException("unexpected answer: '" + key + "' is not a number", 0, false);
    }

    static Map<?, ?> child(Map<?, ?> m, String key) {
        return m.get(key) instanceof Map<?, ?> c ? c : Map.of();
    }

    /** The {@code name} of each object in a list, or each string. */
    static List<String> names(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && m.get("name") != null) {
                    out.add(String.valueOf(m.get("name")));
                } else if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
