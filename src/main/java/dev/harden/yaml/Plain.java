package dev.harden.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts nodes to plain Java values (maps, lists, strings, numbers, booleans), merges applied, for reading data files. */
public final class Plain {
    private Plain() {
    }

    /** A YAML file's first document as plain values; null when the file holds no document. */
    public static Object firstDocument(byte[] yaml) throws YamlException {
        YamlFile file = YamlFile.parse(yaml, Limits.DEFAULT);
        return file.documents().isEmpty() ? null : of(file.documents().get(0));
    }

    /** The node as {@code Map<String, Object>}, {@code List<Object>}, String, Long, Double, Boolean or null. */
    public static Object of(Node node) {
        Node n = node.resolve();
        if (n instanceof Scalar s) {
            return switch (s.type) {
                case NULL -> null;
                case BOOL -> Boolean.parseBoolean(s.value.toLowerCase(java.util.Locale.ROOT));
                case INT -> parseInt(s.value);
                case FLOAT -> parseFloat(s.value);
                default -> s.value;
            };
        }
        if (n instanceof Sequence seq) {
            List<Object> list = new ArrayList<>();
            seq.items.forEach(i -> list.add(of(i)));
            return list;
        }
        Mapping m = (Mapping) n;
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key : m.effectiveKeys()) {
            map.put(key, of(m.lookup(key).orElseThrow().value()));
        }
        return map;
    }

    private static Object parseInt(String v) {
        try {
            if (v.startsWith("0o")) {
                return Long.parseLong(v.substring(2), 8);
            }
            if (v.startsWith("0x")) {
                return Long.parseLong(v.substring(2), 16);
            }
            return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    private static Object parseFloat(String v) {
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (lower.equals(".nan")) {
            return Double.NaN;
        }
        return Double.parseDouble(v);
    }
}
