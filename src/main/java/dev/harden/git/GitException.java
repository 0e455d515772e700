package dev.harden.git;

/** A git operation that failed in a way the user can act on; its message holds no secret. */
public final class GitException extends Exception {
    private static final long serialVersionUID = 1L;

    public GitException(String message) {
        super(message);
    }
}
