package dev.harden.verify;

import dev.harden.report.Redact;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes text that came out of a container or the engine safe to show: one line of bounded length,
 * control characters escaped, and every known secret value masked (the values of {@code --env},
 * of {@code .env} and {@code env_file}s, and of harden's own variables that name a token, a
 * password or a key).
 */
final class Redaction {
    /** The longest reason shown: long enough for an error message, too short for a file's content. */
    static final int MAX_LENGTH = 160;
    static final String MASK = "***";
    /** Shorter values ({@code 1}, {@code yes}, {@code dev}) would mask ordinary words and protect nothing. */
    private static final int SHORTEST_SECRET = 4;
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(TOKEN|SECRET|PASSW|PWD|KEY|CREDENTIAL|AUTH|PRIVATE).*");

    private final Set<String> secrets = new LinkedHashSet<>();

    /** Masks the values given explicitly and the secret-looking values of harden's own environment. */
    static Redaction of(Map<String, String> explicit, Map<String, String> processEnvironment) {
        Redaction r = new Redaction();
        explicit.values().forEach(r::add);
        processEnvironment.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).matches()) {
                r.add(value);
            }
        });
        return r;
    }

    /** Adds a value to mask from now on. */
    void add(String value) {
        if (value != null && value.strip().length() >= SHORTEST_SECRET) {
            secrets.add(value.strip());
        }
    }

    void addAll(Map<String, String> values) {
        values.values().forEach(this::add);
    }

    /** The text as one safe line, or null for null. */
    String line(String raw) {
        return line(raw, MAX_LENGTH);
    }

    /** The text as one safe line of at most {@code max} characters, or null for null. */
    String line(String raw, int max) {
        if (raw == null) {
            return null;
        }
        // harden's one redaction: the values, their URL-encoded forms and every URL's user part
        String text = Redact.URLS.and(secrets).apply(raw);
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length() || out.length() > max) {
            out.setLength(max - 3);
            out.append("...");
        }
        return out.toString();
    }

    /** Each line made safe. */
    List<String> lines(List<String> raw) {
        return raw.stream().map(this::line).toList();
    }
}
