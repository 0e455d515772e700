package dev.harden.report;

import java.util.Objects;

/**
 * Why a file was skipped or failed, or a note on a file whose rules ran: where, what sort, and why.
 *
 * @param line 1-based line
 * @param column 1-based column
 * @param kind what sort of problem it is
 * @param reason one sentence, without the position
 */
public record Problem(int line, int column, Kind kind, String reason) {
    /** What sort of problem a file has. */
    public enum Kind {
        /** Neither a Compose file nor Kubernetes manifests: skipped. */
        NOT_A_MANIFEST,
        /** A template (Helm, Go templates) that is YAML only once rendered: skipped. */
        TEMPLATE,
        /** A Kustomize patch: reported (a JSON patch: skipped), never edited. */
        KUSTOMIZE_PATCH,
        /** The rules ran, but their fix is not kept. */
        NOT_FIXED,
        /** The file could not be read (access, size, memory). */
        UNREADABLE,
        /** YAML harden refuses: syntax, limits, encoding, a malformed service, an edit that did not verify. */
        INVALID,
        /** A bug in harden; the file was left untouched. */
        INTERNAL_ERROR,
        /** The fix could not be written to the file. */
        NOT_WRITTEN
    }

    public Problem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column start at 1: " + line + ":" + column);
        }
    }

    /** A problem of the whole file, reported at its start. */
    public static Problem atStart(Kind kind, String reason) {
        return new Problem(1, 1, kind, reason);
    }

    /** {@code line:col: reason}, as harden prints it after the file's name and a colon. */
    public String text() {
        return line + ":" + column + ": " + reason;
    }

    @Override
    public String toString() {
        return text();
    }
}
