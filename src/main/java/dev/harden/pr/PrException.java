package dev.harden.pr;

/** A run of {@code harden pr} that could not finish; the message says what failed and what to do, without secrets. */
public final class PrException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public PrException(String message) {
        this(message, false);
    }

    /** @param retryable whether the same run later may succeed (a network error, a rate limit, a server error) */
    public PrException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    /** Whether trying again later may succeed, with nothing changed by a person. */
    public boolean retryable() {
        return retryable;
    }
}
