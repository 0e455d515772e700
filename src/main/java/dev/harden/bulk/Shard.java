package dev.harden.bulk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One of N parts of a campaign, so that N machines (a Kubernetes Indexed Job, a GitHub Actions
 * matrix) share it without talking to each other: a repository belongs to the shard its
 * {@code host/owner/name} hashes to, the same on every machine and in every run.
 *
 * @param index which part, from 1
 * @param count how many parts
 */
public record Shard(int index, int count) {
    /** The whole campaign. */
    public static final Shard ALL = new Shard(1, 1);
    /** The environment variable holding the shard count next to Kubernetes' {@code JOB_COMPLETION_INDEX}. */
    public static final String COUNT_VARIABLE = "HARDEN_SHARDS";
    /** Kubernetes sets this, from 0, in each pod of an Indexed Job. */
    public static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

    public Shard {
        if (count < 1 || count > 10_000 || index < 1 || index > count) {
            throw new IllegalArgumentException("a shard is i/N with 1 <= i <= N <= 10000, not " + index + "/" + count);
        }
    }

    /** Reads {@code i/N}, such as {@code 2/3}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2 || !parts[0].matches("\\d{1,5}") || !parts[1].matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--shard takes i/N, such as 2/3 (the second of three), not '" + text + "'");
        }
        return new Shard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /**
     * The shard to run: {@code --shard} when given, else {@code JOB_COMPLETION_INDEX} (from 0) with
     * {@code HARDEN_SHARDS}, else the whole campaign.
     *
     * @param option the {@code --shard} value, or null
     * @param environment the process's environment
     */
    public static Shard choose(String option, Map<String, String> environment) throws CampaignException {
        try {
            if (option != null) {
                return parse(option);
            }
            String index = environment.get(INDEX_VARIABLE);
            if (index == null) {
                return ALL;
            }
            String count = environment.get(COUNT_VARIABLE);
            if (count == null) {
                throw new CampaignException(INDEX_VARIABLE + " is set but " + COUNT_VARIABLE + " is not: set " + COUNT_VARIABLE
                        + " to the Job's spec.completions, or pass --shard i/N");
            }
            if (!index.trim().matches("\\d{1,5}")) {
                throw new IllegalArgumentException(INDEX_VARIABLE + " must be a number from 0, not '" + index + "'");
            }
            return parse((Integer.parseInt(index.trim()) + 1) + "/" + count.trim());
        } catch (IllegalArgumentException e) {
            throw new CampaignException(e.getMessage());
        }
    }

    /** Whether a repository is this shard's. */
    public boolean owns(RepoId repo) {
        return bucket(repo, count) == index - 1;
    }

    /** This shard's repositories, in their order. */
    public List<RepoId> of(Collection<RepoId> repos) {
        List<RepoId> mine = new ArrayList<>();
        for (RepoId repo : repos) {
            if (owns(repo)) {
                mine.add(repo);
            }
        }
        return mine;
    }

    /**
     * The part, from 0, a repository falls in: the first 8 bytes of the SHA-256 of its UTF-8 key
     * as an unsigned big-endian number, modulo the count. Fixed by this definition, not by a JVM's
     * {@code hashCode}, so any tool (sha256sum) can check it.
     */
    static int bucket(RepoId repo, int count) {
        return (int) Long.remainderUnsigned(hash(repo.key()), count);
    }

    static long hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
