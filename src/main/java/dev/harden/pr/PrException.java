package dev.harden.pr;

/** A run of {@code harden pr} that could not finish; the message says what failed and what to do, without secrets. */
public final class PrException extends Exception {
    private static final long serialVersionUID = 1L;

    public PrException(String message) {
        super(message);
    }
}
