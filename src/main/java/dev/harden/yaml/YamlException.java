package dev.harden.yaml;

/** Input that cannot be read or edited safely, with the 1-based line and column it concerns. */
public final class YamlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a file was refused. {@code TEMPLATE} files are skipped rather than failed. */
    public enum Kind { SYNTAX, TEMPLATE, LIMIT, ENCODING, EDIT }

    private final Kind kind;
    private final int line;
    private final int column;
    private final String reason;

    public YamlException(Kind kind, int line, int column, String reason) {
        super(line + ":" + column + ": " + reason);
        this.kind = kind;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public Kind kind() {
        return kind;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String reason() {
        return reason;
    }
}
