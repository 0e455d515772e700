package dev.harden.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Writes new nodes as YAML text in the conventions the file already follows (indentation, quotes, line breaks). */
final class Renderer {
    private static final Pattern PLAIN_UNSAFE_START = Pattern.compile("^[-?:,\\[\\]{}#&*!|>'\"%@`\\s].*", Pattern.DOTALL);
    private static final Pattern YAML11_SPECIAL = Pattern.compile(
            "y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<"
            + "|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
            + "|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
            + "|[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?"
            + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");
    /** The longest line a flow mapping in block context may grow to before new entries go on lines of their own. */
    private static final int MAX_FLOW_LINE = 80;

    private final YamlFile file;
    private final Source source;
    private Layout layout;

    Renderer(YamlFile file) {
        this.file = file;
        this.source = file.source;
    }

    /** The whole file's layout, read once and only when needed (reading it walks the whole file). */
    Layout layout() {
        if (layout == null) {
            layout = Layout.of(file);
        }
        return layout;
    }

    /** Every new item of one flow collection, in the order added, as the text inserted before its end. */
    String flowInsert(Node target, char before, int at, List<Supplier<String>> items) {
        List<String> rendered = items.stream().map(Supplier::get).toList();
        StringBuilder inline = new StringBuilder();
        for (String item : rendered) {
            boolean first = inline.length() == 0;
            inline.append(first && (before == '{' || before == '[') ? "" : first && before == ',' ? " " : ", ").append(item);
        }
        int lineLength = source.lineEnd(at) - source.lineStart(at) + inline.length();
        if (!(target instanceof Mapping m) || Spans.insideFlow(target) || lineLength <= MAX_FLOW_LINE) {
            return inline.toString();
        }
        // A flow mapping in block context (a service or a container written on one line) that would
        // outgrow its line gets one new entry per line: easier to review than one long line.
        String indent = " ".repeat(flowEntryIndent(m));
        StringBuilder lines = new StringBuilder();
        for (String item : rendered) {
            boolean first = lines.length() == 0;
            lines.append(first && (before == '{' || before == ',') ? "" : ",").append(source.lineBreak()).append(indent).append(item);
        }
        return lines.toString();
    }

    /** Where a new line of a flow mapping starts: under its last entry when that begins a line, else two past its line's. */
    private int flowEntryIndent(Mapping m) {
        String t = source.text;
        Node lastKey = null;
        for (Mapping.Entry e : m.entries) {
            if (e.key.start >= 0) {
                lastKey = e.key; // entries added by this editor have no text yet
            }
        }
        if (lastKey != null) {
            int lineStart = source.lineStart(lastKey.start);
            if (lineStart > m.start && t.substring(lineStart, lastKey.start).isBlank()) {
                return lastKey.start - lineStart;
            }
        }
        int lineStart = source.lineStart(m.start);
        int first = lineStart;
        while (first < t.length() && t.charAt(first) == ' ') {
            first++;
        }
        return first - lineStart + 2;
    }

    /** A block mapping entry, its key at {@code column}. */
    String entry(Mapping.Entry e, int column, Layout l) {
        String key = e.key instanceof Scalar s ? scalar(s, false) : inline(e.key, false);
        return key + ":" + value(e.value, column, l);
    }

    /** A mapping value as it follows {@code key:}, starting with a space or a line break. */
    String value(Node v, int column, Layout l) {
        if (v instanceof Mapping m && !m.flow && !m.entries.isEmpty()) {
            StringBuilder out = new StringBuilder();
            if (m.anchor != null) {
                out.append(" &").append(m.anchor);
            }
            for (Mapping.Entry e : m.entries) {
                out.append(l.lineBreak()).append(spaces(column + l.step())).append(entry(e, column + l.step(), l));
            }
            return out.toString();
        }
        if (v instanceof Sequence s && !s.flow && !s.items.isEmpty()) {
            StringBuilder out = new StringBuilder();
            if (s.anchor != null) {
                out.append(" &").append(s.anchor);
            }
            int dash = column + l.sequenceOffset();
            for (Node item : s.items) {
                out.append(l.lineBreak()).append(spaces(dash)).append("- ").append(item(item, dash + 2, l));
            }
            return out.toString();
        }
        return " " + inline(v, false);
    }

    /** A sequence item as it follows {@code - }, its continuation lines at {@code column}. */
    String item(Node item, int column, Layout l) {
        if (item instanceof Mapping m && !m.flow && !m.entries.isEmpty() && m.anchor == null) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < m.entries.size(); i++) {
                if (i > 0) {
                    out.append(l.lineBreak()).append(spaces(column));
                }
                out.append(entry(m.entries.get(i), column, l));
            }
            return out.toString();
        }
        if (item instanceof Sequence s && !s.flow && !s.items.isEmpty() && s.anchor == null) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < s.items.size(); i++) {
                if (i > 0) {
                    out.append(l.lineBreak()).append(spaces(column));
                }
                out.append("- ").append(item(s.items.get(i), column + 2, l));
            }
            return out.toString();
        }
        return inline(item, false);
    }

    /** A mapping entry inside a flow mapping. */
    String flowEntry(Mapping.Entry e) {
        String key = e.key instanceof Scalar s ? scalar(s, true) : flow(e.key);
        return key + ": " + flow(e.value);
    }

    /** A node inside a flow collection. */
    String flow(Node n) {
        return inline(n, true);
    }

    /** A node on one line: scalars and aliases as such, collections in flow style. */
    private String inline(Node n, boolean flowContext) {
        String prefix = n.anchor != null ? "&" + n.anchor + " " : "";
        if (n instanceof Alias a) {
            return "*" + a.name;
        }
        if (n instanceof Scalar s) {
            return prefix + scalar(s, flowContext);
        }
        if (n instanceof Sequence s) {
            List<String> parts = new ArrayList<>();
            s.items.forEach(i -> parts.add(flow(i)));
            return prefix + "[" + String.join(", ", parts) + "]";
        }
        Mapping m = (Mapping) n;
        List<String> parts = new ArrayList<>();
        m.entries.forEach(e -> parts.add(flowEntry(e)));
        return prefix + "{" + String.join(", ", parts) + "}";
    }

    /** A scalar in its own style, or (without one) plain where that reads back the same, else quoted as the file quotes. */
    String scalar(Scalar s, boolean flow) {
        Scalar.Style style = s.style;
        if (style == null) {
            style = !s.preferQuoted && plainSafe(s.value, flow) ? Scalar.Style.PLAIN
                    : layout().quote() == '\'' && s.value.chars().noneMatch(c -> c < 0x20 || c == '\\')
                    ? Scalar.Style.SINGLE_QUOTED : Scalar.Style.DOUBLE_QUOTED;
        }
        return switch (style) {
            case PLAIN -> s.value;
            case SINGLE_QUOTED -> "'" + s.value.replace("'", "''") + "'";
            default -> doubleQuoted(s.value);
        };
    }

    /** Whether a string can be written plain and still read back as the same string, in YAML 1.1 and 1.2. */
    static boolean plainSafe(String value, boolean flow) {
        if (value.isEmpty() || PLAIN_UNSAFE_START.matcher(value).matches() || value.endsWith(" ")
                || value.endsWith(":") || value.contains(": ") || value.contains(" #") || value.contains("\t")) {
            return false;
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == 0xFEFF)) {
            return false;
        }
        if (flow && value.chars().anyMatch(c -> c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':')) {
            return false;
        }
        return Scalar.resolvePlain(value) == Scalar.Type.STR && !YAML11_SPECIAL.matcher(value).matches();
    }

    private static String doubleQuoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String spaces(int n) {
        return " ".repeat(n);
    }
}
