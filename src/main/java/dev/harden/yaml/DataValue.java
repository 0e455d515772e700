package dev.harden.yaml;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A value in a data file harden reads (a profile, a repository config, image knowledge, a lock
 * file), read by type, whose errors name the line and column where the offending key or value is
 * written: {@code line:col: reason}, as {@link YamlException}s, to which a caller prefixes the file.
 *
 * <p>A user's file is read from the positioned node tree. Data shipped inside harden is read from
 * its plain form ({@link ShippedData}), which has no positions: {@link #readPlainOr} reads it again
 * from its YAML when it turns out wrong, so an error always says where.
 */
public final class DataValue {
    /** Reads a typed value out of a file's root. */
    public interface Reader<T> {
        T read(DataValue root) throws YamlException;
    }

    /** The YAML text of shipped data, read only when its plain form holds an error. */
    public interface Yaml {
        byte[] bytes() throws IOException;
    }

    /** One entry of a mapping: the key (a text value where it is written) and its value. */
    public record Entry(DataValue key, DataValue value) { }

    private static final int QUOTED_MAX = 60;

    /** The node as written (an alias stays an alias, for its position), or null for plain values. */
    private final Node node;
    private final Object plain;
    private final YamlFile file;
    private final String path;

    private DataValue(Node node, Object plain, YamlFile file, String path) {
        this.node = node;
        this.plain = plain;
        this.file = file;
        this.path = path;
    }

    /** The first document of a YAML file, with positions; a file without a document reads as null. */
    public static DataValue parse(byte[] yaml) throws YamlException {
        YamlFile file = YamlFile.parse(yaml, Limits.DEFAULT);
        return new DataValue(file.documents().isEmpty() ? null : file.documents().get(0), null, file, "");
    }

    /** Plain values ({@link Plain}'s maps, lists, strings, numbers, booleans), without positions. */
    public static DataValue of(Object plain) {
        return new DataValue(null, plain, null, "");
    }

    /**
     * Reads shipped data from its plain form; should that fail (which the build's tests rule out),
     * reads it again from its YAML, so that the error names its line and column.
     */
    public static <T> T readPlainOr(Object plain, Yaml yaml, Reader<T> reader) throws YamlException, IOException {
        try {
            return reader.read(of(plain));
        } catch (YamlException e) {
            return reader.read(parse(yaml.bytes()));
        }
    }

    /** Where this value sits, such as {@code rules.pids-limit.params} or {@code images[2]}; empty for the root. */
    public String path() {
        return path;
    }

    /** An error at this value: {@code line:col: reason}. */
    public YamlException error(String reason) {
        if (file == null || node == null || node.isSynthetic()) {
            return new YamlException(YamlException.Kind.SYNTAX, 1, 1, reason);
        }
        return new YamlException(YamlException.Kind.SYNTAX, file.line(node.start()), file.column(node.start()), reason);
    }

    /** Whether the value is null: {@code ~}, {@code null}, nothing at all, or no document. */
    public boolean isNull() {
        return node == null ? plain == null : node.resolve() instanceof Scalar s && s.isNull();
    }

    public boolean isMapping() {
        return node == null ? plain instanceof Map<?, ?> : node.resolve() instanceof Mapping;
    }

    public boolean isList() {
        return node == null ? plain instanceof List<?> : node.resolve() instanceof Sequence;
    }

    /** Whether the value is a single non-null value: a string, number or boolean. */
    public boolean isScalar() {
        return !isNull() && !isMapping() && !isList();
    }

    /** The value as {@link Plain} values. */
    public Object plain() {
        return node == null ? plain : Plain.of(node);
    }

    /** A single value's text as written (a number or boolean too); refuses null, lists and mappings. */
    public String text() throws YamlException {
        if (!isScalar()) {
            throw error(named() + " must be a single value, not " + describe());
        }
        return node == null ? String.valueOf(plain) : ((Scalar) node.resolve()).value();
    }

    /** {@link #text()}, or empty when the value is null. */
    public Optional<String> optionalText() throws YamlException {
        return isNull() ? Optional.empty() : Optional.of(text());
    }

    /** {@code true} or {@code false}. */
    public boolean bool() throws YamlException {
        if (!(plain() instanceof Boolean b)) {
            throw error(named() + " must be true or false, not " + describe());
        }
        return b;
    }

    /** A number: a {@link Long} or a {@link Double}. */
    public Number number() throws YamlException {
        if (!(plain() instanceof Number n)) {
            throw error(named() + " must be a number, not " + describe());
        }
        return n;
    }

    /** The items of a list. */
    public List<DataValue> items() throws YamlException {
        if (!isList()) {
            throw error(named() + " must be a list, not " + describe());
        }
        List<DataValue> out = new ArrayList<>();
        if (node == null) {
            List<?> list = (List<?>) plain;
            for (int i = 0; i < list.size(); i++) {
                out.add(new DataValue(null, list.get(i), null, path + "[" + i + "]"));
            }
        } else {
            List<Node> list = ((Sequence) node.resolve()).items();
            for (int i = 0; i < list.size(); i++) {
                out.add(new DataValue(list.get(i), null, file, path + "[" + i + "]"));
            }
        }
        return out;
    }

    /** The items of a list, or a single value as the only item ({@code rules: cap-drop-all}). */
    public List<DataValue> itemsOrOne() throws YamlException {
        if (isList()) {
            return items();
        }
        if (!isScalar()) {
            throw error(named() + " must be a list or a single value, not " + describe());
        }
        return List.of(this);
    }

    /** The text of each item of a list. */
    public List<String> texts() throws YamlException {
        List<String> out = new ArrayList<>();
        for (DataValue item : items()) {
            out.add(item.text());
        }
        return out;
    }

    /** The entries of a mapping in the order written, {@code <<} merges applied as YAML 1.1 consumers apply them. */
    public List<Entry> entries() throws YamlException {
        if (!isMapping()) {
            throw error(named() + " must be a mapping, not " + describe());
        }
        List<Entry> out = new ArrayList<>();
        if (node == null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) plain).entrySet()) {
                String key = String.valueOf(e.getKey());
                out.add(new Entry(new DataValue(null, key, null, child(key)), new DataValue(null, e.getValue(), null, child(key))));
            }
            return out;
        }
        Mapping m = (Mapping) node.resolve();
        for (Mapping.Entry e : m.entries()) {
            if (e.keyText() == null) {
                throw new DataValue(e.key(), null, file, path).error(named() + ": a key must be a single value");
            }
        }
        for (String key : m.effectiveKeys()) {
            Mapping.Found found = m.lookup(key).orElseThrow();
            out.add(new Entry(new DataValue(found.entry().key(), null, file, child(key)),
                    new DataValue(found.value(), null, file, child(key))));
        }
        return out;
    }

    /** This mapping, once every key is one of {@code known}: an unknown key is an error at the key, with a suggestion. */
    public DataValue keys(Collection<String> known) throws YamlException {
        for (Entry e : entries()) {
            String key = e.key().text();
            if (!known.contains(key)) {
                throw e.key().error((path.isEmpty() ? "" : path + ": ") + "unknown key '" + printable(key) + "'"
                        + closest(key, known).map(best -> " (did you mean '" + best + "'?)").orElse(""));
            }
        }
        return this;
    }

    /** A mapping's value for a key; empty when the key is absent or its value null. */
    public Optional<DataValue> get(String key) throws YamlException {
        if (!isMapping()) {
            throw error(named() + " must be a mapping, not " + describe());
        }
        DataValue value;
        if (node == null) {
            value = new DataValue(null, ((Map<?, ?>) plain).get(key), null, child(key));
        } else {
            Optional<Mapping.Found> found = ((Mapping) node.resolve()).lookup(key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            value = new DataValue(found.get().value(), null, file, child(key));
        }
        return value.isNull() ? Optional.empty() : Optional.of(value);
    }

    /** The text of a mapping's value for a key; empty when the key is absent or its value null. */
    public Optional<String> textOf(String key) throws YamlException {
        Optional<DataValue> value = get(key);
        return value.isEmpty() ? Optional.empty() : Optional.of(value.get().text());
    }

    /** A mapping's value for a key that must be there; its absence is an error at the mapping. */
    public DataValue require(String key) throws YamlException {
        Optional<DataValue> value = get(key);
        if (value.isEmpty()) {
            throw error((path.isEmpty() ? "" : path + ": ") + "missing required key '" + key + "'");
        }
        return value.get();
    }

    /** The value for messages: {@code 'text'} (control characters replaced, long text cut), a list, a mapping or nothing. */
    public String describe() {
        if (isNull()) {
            return "nothing";
        }
        if (isMapping()) {
            return "a mapping";
        }
        if (isList()) {
            return "a list";
        }
        String text = node == null ? String.valueOf(plain) : ((Scalar) node.resolve()).value();
        return "'" + printable(text.length() > QUOTED_MAX ? text.substring(0, QUOTED_MAX) + "..." : text) + "'";
    }

    /** Text safe to print in a message: control and format characters become {@code ?}. */
    public static String printable(String s) {
        return s.replaceAll("[\\p{Cc}\\p{Cf}]", "?");
    }

    /** The known name closest to a misspelt one, when it is close enough to be what was meant. */
    public static Optional<String> closest(String wrong, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(wrong, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, wrong.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    private String named() {
        return path.isEmpty() ? "the document" : path;
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
