package dev.harden.yaml;

import java.util.regex.Pattern;

/** A scalar node: its value as written, its style and the type a YAML 1.2 core schema gives it. */
public final class Scalar extends Node {
    /** How a scalar is written. {@code null} style on a new scalar lets the renderer choose. */
    public enum Style { PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, LITERAL, FOLDED }

    /** The type a scalar resolves to. */
    public enum Type { NULL, BOOL, INT, FLOAT, STR }

    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    final String value;
    Style style;
    final Type type;
    boolean preferQuoted;

    Scalar(String value, Style style, Type type) {
        this.value = value;
        this.style = style;
        this.type = type;
    }

    /** A new string scalar; the renderer quotes it when a plain scalar would read as another type. */
    public static Scalar string(String value) {
        return new Scalar(value, null, Type.STR);
    }

    /** A new string scalar written in the file's quote style even where plain would do ({@code "1000:1000"}). */
    public static Scalar quoted(String value) {
        Scalar s = string(value);
        s.preferQuoted = true;
        return s;
    }

    /** A new plain scalar whose type is whatever its text resolves to ({@code true}, {@code 100}, {@code ALL}). */
    public static Scalar plain(String text) {
        return new Scalar(text, Style.PLAIN, resolvePlain(text));
    }

    public static Scalar bool(boolean value) {
        return plain(Boolean.toString(value));
    }

    public static Scalar integer(long value) {
        return plain(Long.toString(value));
    }

    public String value() {
        return value;
    }

    public Style style() {
        return style;
    }

    public Type type() {
        return type;
    }

    /** Whether this scalar is null ({@code ~}, {@code null} or nothing at all). */
    public boolean isNull() {
        return type == Type.NULL;
    }

    /** The type a plain scalar's text has under the YAML 1.2 core schema. */
    static Type resolvePlain(String text) {
        if (text.isEmpty()) {
            return Type.NULL;
        }
        char first = text.charAt(0);
        if ("~nNtTfF".indexOf(first) >= 0) {
            // words are the common case: decide them without a regular expression
            return switch (text) {
                case "~", "null", "Null", "NULL" -> Type.NULL;
                case "true", "True", "TRUE", "false", "False", "FALSE" -> Type.BOOL;
                default -> Type.STR;
            };
        }
        if ("+-.0123456789".indexOf(first) < 0) {
            return Type.STR;
        }
        if (NULL.matcher(text).matches()) {
            return Type.NULL;
        }
        if (BOOL.matcher(text).matches()) {
            return Type.BOOL;
        }
        if (INT.matcher(text).matches()) {
            return Type.INT;
        }
        if (FLOAT.matcher(text).matches()) {
            return Type.FLOAT;
        }
        return Type.STR;
    }

    @Override
    public String toString() {
        return "Scalar[" + value + "]";
    }
}
