package dev.harden.forge;

/**
 * A repository as a forge lists it.
 *
 * @param path {@code owner/name} (GitLab: {@code group/subgroup/name})
 * @param cloneUrl its HTTPS clone URL
 * @param defaultBranch its default branch, or null for an empty repository
 * @param archived whether it is archived (read-only)
 * @param fork whether it is a fork of another repository
 */
public record HostedRepository(String path, String cloneUrl, String defaultBranch, boolean archived, boolean fork) {
}
