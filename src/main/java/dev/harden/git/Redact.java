package dev.harden.git;

import java.util.regex.Pattern;

/** Removes secrets from text that may reach a user: a token, and passwords in URLs. */
public final class Redact {
    private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@]*):[^@/\\s]*@");

    private Redact() {
    }

    /** The text with every occurrence of the secret, and every {@code user:password@} in a URL, masked. */
    public static String secret(String text, String secret) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (secret != null && secret.length() >= 4) {
            out = out.replace(secret, "***");
        }
        return URL_PASSWORD.matcher(out).replaceAll("$1:***@");
    }
}
