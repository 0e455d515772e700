package dev.harden.image;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference split into parts: {@code registry/repository:tag@digest}. Docker Hub's
 * {@code docker.io/library/} prefix is dropped from {@link #repository()} so that {@code nginx} and
 * {@code docker.io/library/nginx} compare equal.
 *
 * @param text the reference as written, after variable defaults were substituted
 * @param registry the registry host, or empty for Docker Hub
 * @param repository the repository path without registry, e.g. {@code nginx} or {@code grafana/grafana}
 * @param tag the tag, or null when none is written
 * @param digest the digest ({@code sha256:...}), or null
 */
public record ImageRef(String text, String registry, String repository, String tag, String digest) {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    /**
     * Parses an image reference. A {@code ${VAR:-default}} takes its default; a variable without a
     * default makes the reference unknowable, and the result is empty.
     */
    public static Optional<ImageRef> parse(String written) {
        if (written == null || written.isBlank()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder();
        Matcher m = VARIABLE.matcher(written);
        while (m.find()) {
            String op = m.group(2);
            if (op == null || !op.endsWith("-")) {
                return Optional.empty();
            }
            m.appendReplacement(text, Matcher.quoteReplacement(m.group(3)));
        }
        m.appendTail(text);
        String ref = text.toString().trim();
        if (ref.isEmpty() || ref.contains("$") || ref.chars().anyMatch(Character::isWhitespace)) {
            return Optional.empty();
        }
        String digest = null;
        int at = ref.indexOf('@');
        if (at >= 0) {
            digest = ref.substring(at + 1);
            ref = ref.substring(0, at);
        }
        String tag = null;
        int colon = ref.lastIndexOf(':');
        if (colon > ref.lastIndexOf('/')) {
            tag = ref.substring(colon + 1);
            ref = ref.substring(0, colon);
        }
        String registry = "";
        int slash = ref.indexOf('/');
        if (slash > 0) {
            String first = ref.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                ref = ref.substring(slash + 1);
            }
        }
        if (registry.equals("docker.io") || registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = "";
        }
        if (registry.isEmpty() && ref.startsWith("library/")) {
            ref = ref.substring("library/".length());
        }
        if (ref.isEmpty() || tag != null && tag.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ImageRef(text.toString().trim(), registry, ref.toLowerCase(java.util.Locale.ROOT), tag, digest));
    }

    /** The repository with its registry, as knowledge entries name it: {@code nginx}, {@code quay.io/keycloak/keycloak}. */
    public String name() {
        return registry.isEmpty() ? repository : registry + "/" + repository;
    }

    /** The tag, or {@code latest} when none is written (as the engine reads it). */
    public String effectiveTag() {
        return tag == null ? "latest" : tag;
    }
}
