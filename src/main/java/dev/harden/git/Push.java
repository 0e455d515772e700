package dev.harden.git;

/**
 * How the server answered one ref update.
 *
 * @param status JGit's status name, such as {@code OK} or {@code REJECTED_OTHER_REASON}
 * @param message the server's reason and any {@code remote:} lines, or empty
 */
public record Push(String status, String message) {
    public boolean ok() {
        return status.equals("OK") || status.equals("UP_TO_DATE");
    }

    /** The branch moved on the server since harden looked: retrying blindly would overwrite someone. */
    public boolean raced() {
        return status.equals("REJECTED_REMOTE_CHANGED") || status.equals("REJECTED_NONFASTFORWARD");
    }
}
