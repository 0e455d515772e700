package dev.harden.manifest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The variables a Compose file's {@code ${X}} references read when harden checks it: only the
 * project's {@code .env} file, never harden's own environment, so that a check means the same on
 * every machine. A reference whose value cannot be known here makes the text unknowable; verify,
 * which starts the services as Compose would, reads it as empty instead ({@link #substitute}).
 */
public final class Variables {
    private static final Variables NONE = new Variables(Map.of());

    private final Map<String, String> values;

    private Variables(Map<String, String> values) {
        this.values = values;
    }

    /** No variables: only defaults written in the file apply. */
    public static Variables none() {
        return NONE;
    }

    /** These variables, by name. */
    public static Variables of(Map<String, String> values) {
        return new Variables(Map.copyOf(values));
    }

    /**
     * Reads a {@code .env} file as Compose does: {@code KEY=value} lines, an optional {@code export},
     * {@code #} comments, single quotes taken literally, double quotes with escapes, and earlier
     * variables expanded in unquoted and double-quoted values.
     */
    public static Variables fromEnvFile(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        Variables so = new Variables(values);
        for (String raw : text.replace("\r\n", "\n").split("\n")) {
            String line = raw.strip();
            if (line.startsWith("export ") || line.startsWith("export\t")) {
                line = line.substring("export".length()).strip();
            }
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.startsWith("'")) {
                int end = value.indexOf('\'', 1);
                values.put(key, end < 0 ? value.substring(1) : value.substring(1, end));
                continue;
            }
            if (value.startsWith("\"")) {
                StringBuilder out = new StringBuilder();
                int i = 1;
                for (; i < value.length() && value.charAt(i) != '"'; i++) {
                    char ch = value.charAt(i);
                    if (ch == '\\' && i + 1 < value.length()) {
                        char next = value.charAt(++i);
                        out.append(switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> next;
                        });
                    } else {
                        out.append(ch);
                    }
                }
                value = out.toString();
            } else {
                int comment = value.indexOf(" #");
                value = (comment < 0 ? value : value.substring(0, comment)).strip();
            }
            values.put(key, so.evaluate(value).orElse(value));
        }
        return new Variables(Map.copyOf(values));
    }

    /**
     * The text with every {@code $X}, {@code ${X}}, {@code ${X:-default}}, {@code ${X-default}},
     * {@code ${X:+alt}}, {@code ${X+alt}}, {@code ${X:?err}} and {@code $$} replaced as Compose
     * would; empty when a variable that has no value here is used without a default.
     */
    public Optional<String> evaluate(String text) {
        if (text == null || text.indexOf('$') < 0) {
            return Optional.ofNullable(text);
        }
        StringBuilder out = new StringBuilder();
        int end = expand(text, 0, false, false, out);
        return end < 0 ? Optional.empty() : Optional.of(out.toString());
    }

    /**
     * The text as {@code docker compose} substitutes it when it starts a service: as
     * {@link #evaluate}, except that a variable without a value reads as empty (Compose warns and
     * goes on), {@code ${X:?err}} included, and a dollar and brace that start no reference stay as written.
     */
    public String substitute(String text) {
        if (text == null || text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        expand(text, 0, false, true, out);
        return out.toString();
    }

    /**
     * Expands from {@code i} until the end, or (inside a default) until the closing brace; returns the
     * index after what was read, or -1 when the value cannot be known. {@code unsetIsEmpty}: a
     * variable without a value reads as empty, so only a malformed reference gives -1.
     */
    private int expand(String text, int i, boolean nested, boolean unsetIsEmpty, StringBuilder out) {
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (nested && ch == '}') {
                return i;
            }
            if (ch != '$' || i + 1 >= text.length()) {
                out.append(ch);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int after = braced(text, i + 2, unsetIsEmpty, out);
                if (after >= 0) {
                    i = after;
                } else if (unsetIsEmpty && !nested) {
                    out.append("${");
                    i += 2;
                } else {
                    return -1;
                }
            } else if (Character.isLetter(next) || next == '_') {
                int j = i + 1;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
                    j++;
                }
                String v = values.get(text.substring(i + 1, j));
                if (v == null && !unsetIsEmpty) {
                    return -1;
                }
                out.append(v == null ? "" : v);
                i = j;
            } else {
                out.append(ch);
                i++;
            }
        }
        return nested ? -1 : i;
    }

    /** Reads {@code NAME[op arg]}} from {@code i}; returns the index after the brace, or -1. */
    private int braced(String text, int i, boolean unsetIsEmpty, StringBuilder out) {
        int j = i;
        while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            j++;
        }
        if (j == i || j >= text.length()) {
            return -1;
        }
        String name = text.substring(i, j);
        String value = values.get(name);
        if (text.charAt(j) == '}') {
            if (value == null && !unsetIsEmpty) {
                return -1;
            }
            out.append(value == null ? "" : value);
            return j + 1;
        }
        boolean colon = text.charAt(j) == ':';
        int opAt = colon ? j + 1 : j;
        if (opAt >= text.length() || "-+?".indexOf(text.charAt(opAt)) < 0) {
            return -1;
        }
        char op = text.charAt(opAt);
        StringBuilder arg = new StringBuilder();
        int close = expand(text, opAt + 1, true, unsetIsEmpty, arg);
        boolean argKnown = close >= 0;
        if (close < 0) {
            // the argument is unknowable, but it may not be needed: find its closing brace anyway
            close = closingBrace(text, opAt + 1);
            if (close < 0) {
                return -1;
            }
        }
        boolean missing = value == null || colon && value.isEmpty();
        String result = switch (op) {
            case '-' -> missing ? (argKnown ? arg.toString() : null) : value;
            case '+' -> missing ? "" : (argKnown ? arg.toString() : null);
            default -> missing ? (unsetIsEmpty ? "" : null) : value;
        };
        if (result == null) {
            return -1;
        }
        out.append(result);
        return close + 1;
    }

    private static int closingBrace(String text, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '{') {
                depth++;
            } else if (ch == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }
}
