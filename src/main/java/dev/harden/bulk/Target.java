package dev.harden.bulk;

/**
 * A repository a campaign works on.
 *
 * @param id its name in the journal and the shards
 * @param cloneUrl where to fetch it from, or null when it was named in the campaign (the pipeline asks the forge)
 * @param defaultBranch its default branch when the forge listed it, or null
 */
public record Target(RepoId id, String cloneUrl, String defaultBranch) {
}
