package dev.harden.registry;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a manifest lives: a registry host (with port), a repository path and a tag or digest. Docker
 * Hub's short names are spelled out the way its API wants them ({@code nginx} becomes
 * {@code registry-1.docker.io/library/nginx}).
 *
 * @param host registry host and optional port, e.g. {@code ghcr.io} or {@code 127.0.0.1:5000}
 * @param repository the repository path, e.g. {@code library/nginx}
 * @param reference a tag or a {@code sha256:} digest
 */
public record ManifestRef(String host, String repository, String reference) {
    static final String DOCKER_HUB = "registry-1.docker.io";

    public ManifestRef {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(reference, "reference");
        if (!host.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("not a registry host: '" + host + "'");
        }
        // The Distribution spec's grammar: lower-case path components separated by / and . _ - runs.
        if (!repository.matches("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")) {
            throw new IllegalArgumentException("not a repository name: '" + repository + "'");
        }
        if (!reference.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}|sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}")) {
            throw new IllegalArgumentException("not a tag or digest: '" + reference + "'");
        }
    }

    /**
     * A reference as written in a manifest's parts: an empty registry or {@code docker.io} means
     * Docker Hub, where a one-part repository lives under {@code library/}.
     */
    public static ManifestRef of(String registry, String repository, String reference) {
        String host = registry == null || registry.isEmpty() || registry.equals("docker.io")
                || registry.equals("index.docker.io") ? DOCKER_HUB : registry;
        String repo = repository.toLowerCase(Locale.ROOT);
        if (host.equals(DOCKER_HUB) && !repo.contains("/")) {
            repo = "library/" + repo;
        }
        return new ManifestRef(host, repo, reference);
    }

    /** The same repository at another tag or digest. */
    public ManifestRef at(String otherReference) {
        return new ManifestRef(host, repository, otherReference);
    }

    public boolean byDigest() {
        return reference.startsWith("sha256:") || reference.startsWith("sha512:");
    }

    @Override
    public String toString() {
        return host + "/" + repository + (byDigest() ? "@" : ":") + reference;
    }
}
