package dev.harden.pr;

import dev.harden.git.Identity;
import java.util.List;
import java.util.Locale;

/**
 * How {@code harden pr} names, signs and presents its proposal.
 *
 * @param branch the branch to push, or null for {@code harden/<profile>}
 * @param base the branch to merge into, or null for the remote's default branch
 * @param author the commit's author
 * @param committer the commit's committer; harden recognises its own commits by this address
 * @param draft open the pull request as a draft
 * @param labels labels to add
 * @param reviewers reviewers to request when opening
 * @param assignees assignees to set when opening
 * @param force push over commits harden did not make
 * @param pushAttempts how many times to try a push the server rejects
 */
public record Settings(String branch, String base, Identity author, Identity committer, boolean draft, List<String> labels,
                       List<String> reviewers, List<String> assignees, boolean force, int pushAttempts) {
    public Settings {
        labels = List.copyOf(labels);
        reviewers = List.copyOf(reviewers);
        assignees = List.copyOf(assignees);
        if (pushAttempts < 1) {
            throw new IllegalArgumentException("pushAttempts must be at least 1: " + pushAttempts);
        }
        if (branch != null && !validBranch(branch)) {
            throw new IllegalArgumentException("'" + branch + "' is not a valid branch name");
        }
    }

    /** Defaults: harden's identity, no labels, three push attempts. */
    public static Settings defaults() {
        return new Settings(null, null, Identity.HARDEN, Identity.HARDEN, false, List.of(),
                List.of(), List.of(), false, 3);
    }

    /** The branch for a profile: the given one, or {@code harden/<profile>} with the name made safe for git. */
    public String branchFor(String profile) {
        if (branch != null) {
            return branch;
        }
        String safe = profile.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[.-]+|[.-]+$", "");
        return "harden/" + (safe.isEmpty() ? "profile" : safe);
    }

    static boolean validBranch(String name) {
        return !name.isEmpty() && !name.startsWith("-") && !name.startsWith("/") && !name.endsWith("/")
                && !name.endsWith(".lock") && !name.contains("..") && !name.contains("//") && !name.contains("@{")
                && name.chars().noneMatch(c -> c <= ' ' || c == 127 || "~^:?*[\\".indexOf(c) >= 0);
    }
}
