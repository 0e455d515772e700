package dev.harden.bulk;

import java.util.Locale;

/**
 * One repository of a campaign, named the same way in the journal, the shards and the reports.
 *
 * @param host the forge's host, lower case ({@code github.com}, {@code gitlab.example.com})
 * @param path {@code owner/name} (GitLab: {@code group/subgroup/name}) as the forge spells it
 */
public record RepoId(String host, String path) implements Comparable<RepoId> {
    public RepoId {
        if (host == null || host.isEmpty() || host.contains("/") || host.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("not a host name: '" + host + "'");
        }
        if (path == null || !path.contains("/") || path.startsWith("/") || path.endsWith("/")
                || path.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("not an owner/name path: '" + path + "'");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /** Reads a {@link #key()} back. */
    public static RepoId parse(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a host/owner/name key: '" + key + "'");
        }
        return new RepoId(key.substring(0, slash), key.substring(slash + 1));
    }

    /** {@code host/owner/name}: what the journal records and the shard hash reads. */
    public String key() {
        return host + "/" + path;
    }

    @Override
    public int compareTo(RepoId other) {
        return key().compareTo(other.key());
    }

    @Override
    public String toString() {
        return key();
    }
}
