package dev.harden.image;

import java.util.Collection;
import java.util.Locale;
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
    /** A tag that starts with a version: its major number, then any further {@code .N} parts, then the rest. */
    private static final Pattern LEADING_VERSION = Pattern.compile("v?([0-9]+)((?:\\.[0-9]+)*)([-_+.].*)?");
    private static final Pattern VERSION_INSIDE = Pattern.compile("[0-9]+\\.[0-9]+");
    private static final Pattern DATE = Pattern.compile("(19|20)[0-9]{2}-?(0[1-9]|1[0-2])-?(0[1-9]|[12][0-9]|3[01])");
    private static final Pattern COMMIT = Pattern.compile("(^|[-_.])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}($|[-_.])");
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

    /**
     * Why this reference may point at other image content tomorrow, or empty when it is pinned. A
     * reference is pinned by a digest, or by a tag that names a full version: at least
     * {@code major.minor} ({@code 1.27}, {@code 17.2}, {@code v2.4.1}, {@code 15.4-alpine3.19}), a date or
     * build stamp ({@code 20240115}, {@code RELEASE.2024-01-15T00-00-00Z}) or a commit id
     * ({@code sha-1a2b3c4}). A missing tag, a channel ({@code latest}, {@code stable}, {@code release},
     * {@code alpine}: any tag without a digit, or one starting with a word of {@code moving}) and a
     * major version alone ({@code 7}, {@code 7-alpine}, {@code v2}) float. {@code major.minor} counts
     * as pinned because images differ: postgres {@code 17.2} is a full version, nginx {@code 1.27} a
     * line of patch releases, and harden cannot tell which from the tag.
     *
     * @param moving tag words that always name a channel, lower case ({@code latest}, {@code lts}...)
     */
    public Optional<String> floating(Collection<String> moving) {
        if (digest != null) {
            return Optional.empty();
        }
        if (tag == null) {
            return Optional.of("it has no tag, so it follows 'latest'");
        }
        String t = tag.toLowerCase(Locale.ROOT);
        String first = t.split("[-_.+]", 2)[0];
        String channel = "'" + tag + "' names a channel, not a version, so it moves with every release";
        if (moving.contains(t) || moving.contains(first)) {
            return Optional.of(channel);
        }
        Matcher version = LEADING_VERSION.matcher(t);
        if (version.matches()) {
            if (!version.group(2).isEmpty() || version.group(1).length() >= 6 || DATE.matcher(t).find() || COMMIT.matcher(t).find()) {
                return Optional.empty();
            }
            return Optional.of("'" + tag + "' names only major version " + version.group(1)
                    + ", so it moves with every minor and patch release");
        }
        if (VERSION_INSIDE.matcher(t).find() || DATE.matcher(t).find() || COMMIT.matcher(t).find()) {
            return Optional.empty();
        }
        if (t.chars().noneMatch(Character::isDigit)) {
            return Optional.of(channel);
        }
        return Optional.of("'" + tag + "' names no full version, so it may move");
    }

    /** The tag, or {@code latest} when none is written (as the engine reads it). */
    public String effectiveTag() {
        return tag == null ? "latest" : tag;
    }
}
