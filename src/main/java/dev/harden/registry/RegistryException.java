package dev.harden.registry;

/** A registry that refused, failed or answered something harden cannot trust; the message never holds a credential. */
public final class RegistryException extends Exception {
    /** What went wrong, so callers can word a finding and decide whether a retry may help. */
    public enum Failure {
        /** 401/403: no login, or a login the registry refused. */
        UNAUTHORIZED,
        /** 404: no such repository, tag or blob. */
        NOT_FOUND,
        /** 429 or a rate-limit answer. */
        RATE_LIMITED,
        /** The registry could not be reached, or did not answer in time. */
        UNREACHABLE,
        /** An answer that breaks the protocol: wrong digest, too large, not JSON, plain HTTP to a remote host. */
        UNTRUSTED_ANSWER
    }

    private final Failure failure;
    private final long retryAfterSeconds;

    public RegistryException(Failure failure, String message) {
        this(failure, message, -1);
    }

    RegistryException(Failure failure, String message, long retryAfterSeconds) {
        super(message);
        this.failure = failure;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Failure failure() {
        return failure;
    }

    /** Seconds the registry asked to wait (capped), or -1 when it said nothing. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
