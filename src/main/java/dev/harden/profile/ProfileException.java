package dev.harden.profile;

/** A profile or config file that cannot be used, with a message that says how to fix it. */
public final class ProfileException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProfileException(String message) {
        super(message);
    }
}
