package dev.harden.bulk;

import java.util.List;

/** Prints each sample repository's shard bucket from a JVM of its own, for the cross-JVM stability test. */
public final class ShardPrinter {
    static final List<RepoId> REPOS = List.of(new RepoId("github.com", "acme/shop"), new RepoId("github.com", "acme/api"),
            new RepoId("gitlab.example.com", "platform/services/ci"), new RepoId("git.example.com", "infra/dns"),
            new RepoId("github.com", "acme/payments"));

    private ShardPrinter() {
    }

    /** {@code COUNT}: prints {@code key bucket} per sample repository. */
    public static void main(String[] args) {
        int count = Integer.parseInt(args[0]);
        for (RepoId repo : REPOS) {
            System.out.println(repo.key() + " " + Shard.bucket(repo, count));
        }
    }
}
