package dev.harden.forge;

/** A forge call that failed after retries; its message names the call and the forge's reason, never the token. */
public final class ForgeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean alreadyExists;

    ForgeException(String message, int status, boolean alreadyExists) {
        super(message);
        this.status = status;
        this.alreadyExists = alreadyExists;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The forge refused to create a pull request because one already exists for the branch. */
    public boolean alreadyExists() {
        return alreadyExists;
    }
}
