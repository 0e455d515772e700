package dev.harden.verify;

/**
 * Verify was interrupted (Ctrl-C, or its thread was interrupted): the containers it started are
 * removed, and no start of this run proves anything, so nothing may be blamed, dropped or written.
 */
public final class VerifyInterrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VerifyInterrupted(String message) {
        super(message);
    }
}
