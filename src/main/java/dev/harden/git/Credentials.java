package dev.harden.git;

import dev.harden.report.Redact;
import java.util.Objects;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * A user name and token for HTTPS remotes. Its {@code toString} never shows the token.
 *
 * @param username what the forge expects with a token ({@code x-access-token}, {@code oauth2}, ...)
 * @param token the secret
 */
public record Credentials(String username, String token) {
    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(token, "token");
    }

    CredentialsProvider provider() {
        return new UsernamePasswordCredentialsProvider(username, token);
    }

    /** The text with the token (and any URL password) replaced by {@code ***}. */
    public String redact(String text) {
        return Redact.of(token).apply(text);
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", token=***]";
    }
}
