package dev.harden.report;

import java.util.Objects;

/**
 * One rule's verdict on one place of one file.
 *
 * @param file the file as the user named it (relative where possible)
 * @param line 1-based line
 * @param column 1-based column
 * @param ruleId the rule's stable id
 * @param severity as the profile sets it
 * @param message what is wrong, or what was changed, in one sentence
 * @param subject the service or workload/container concerned
 * @param fixable whether {@code harden fix} can change it
 * @param status open, fixed by this run, or exempted
 * @param reason why it is exempted, or null
 * @param fixRefused whether its fix was tried and refused (the message says why); such a finding is not fixable
 */
public record Finding(String file, int line, int column, String ruleId, Severity severity, String message,
                      String subject, boolean fixable, Status status, String reason, boolean fixRefused) {
    /** Whether a finding still stands. */
    public enum Status { OPEN, FIXED, EXEMPTED }

    public Finding {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(status, "status");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column start at 1: " + line + ":" + column);
        }
        if (fixRefused && fixable) {
            throw new IllegalArgumentException("a refused fix leaves its finding not fixable: " + ruleId);
        }
    }

    /** A finding whose fix was not refused. */
    public Finding(String file, int line, int column, String ruleId, Severity severity, String message,
                   String subject, boolean fixable, Status status, String reason) {
        this(file, line, column, ruleId, severity, message, subject, fixable, status, reason, false);
    }

    public boolean isOpen() {
        return status == Status.OPEN;
    }

    public boolean exempted() {
        return status == Status.EXEMPTED;
    }

    public Finding withStatus(Status newStatus, String newReason) {
        return new Finding(file, line, column, ruleId, severity, message, subject, fixable, newStatus, newReason, fixRefused);
    }
}
