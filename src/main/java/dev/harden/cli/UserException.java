package dev.harden.cli;

/** An expected failure: bad usage or input. Its message is one line that ends with how to fix it. */
final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserException(String message) {
        super(message);
    }
}
