package dev.harden.bulk;

import dev.harden.forge.Forge;
import dev.harden.git.Identity;
import dev.harden.pr.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A bulk campaign as its {@code campaign.yaml} states it: which repositories, what to propose to
 * each, and how fast. Read by {@link CampaignFile}.
 *
 * @param file where it was read from
 * @param name the campaign's name (in the journal and reports)
 * @param forge which forge the repositories live on
 * @param api the forge's API
 * @param repositories which repositories the campaign covers
 * @param profile the profile to apply
 * @param branch the branch to push in every repository, or null for {@code harden/<profile>}
 * @param base the branch to merge into, or null for each repository's default branch
 * @param pullRequest what the pull requests look like
 * @param author the commits' author and committer
 * @param signOff when commits get a {@code Signed-off-by} trailer
 * @param optOutFile a file whose presence in a repository opts it out, or null
 * @param pace the shared budget
 */
public record Campaign(Path file, String name, Forge.Kind forge, URI api, Targets repositories, String profile,
                       String branch, String base, PullRequestText pullRequest, Identity author, SignOff signOff,
                       String optOutFile, Pacing pace) {
    /** When a commit carries {@code Signed-off-by:} (the Developer Certificate of Origin). */
    public enum SignOff {
        /** Never. */
        NEVER,
        /** Always. */
        ALWAYS,
        /** When the repository asks for it (a DCO check configured in it). */
        AUTO;

        static SignOff parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "never", "false" -> NEVER;
                case "always", "true" -> ALWAYS;
                case "auto" -> AUTO;
                default -> throw new IllegalArgumentException("signOff must be always, never or auto, not '" + text + "'");
            };
        }
    }

    /**
     * Which repositories: named ones plus those discovered on the forge, then filtered.
     *
     * @param names {@code owner/name} (GitLab: {@code group/subgroup/name}) taken as they are
     * @param org a GitHub or Gitea organisation whose repositories to list, or null
     * @param topic a GitHub or GitLab topic the listed repositories must carry, or null
     * @param group a GitLab group (with its subgroups) whose projects to list, or null
     * @param include globs a repository's {@code owner/name} must match one of (none: every one)
     * @param exclude globs that drop a repository
     * @param archived whether archived repositories are kept
     * @param forks whether forks are kept
     */
    public record Targets(List<String> names, String org, String topic, String group, List<String> include,
                          List<String> exclude, boolean archived, boolean forks) {
        public Targets {
            names = List.copyOf(names);
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
        }

        /** Whether the forge is asked for a list of repositories. */
        public boolean discovers() {
            return org != null || topic != null || group != null;
        }
    }

    /**
     * How the pull requests look.
     *
     * @param title the title, or null for harden's usual one
     * @param labels labels to add
     * @param draft open them as drafts (fewer CI runs and review requests at once)
     */
    public record PullRequestText(String title, List<String> labels, boolean draft) {
        public PullRequestText {
            labels = List.copyOf(labels);
        }
    }

    /**
     * The shared budget of one campaign run (one token).
     *
     * @param contentCallsPerMinute calls that create or change something, per sliding minute
     * @param contentCallsPerHour the same per sliding hour
     * @param pullRequestsPerHour pull requests opened per sliding hour
     * @param openPullRequests campaign pull requests open at once
     * @param parallel repositories worked on at once
     * @param waitForChecks leave a repository alone while its campaign pull request's checks are pending or failing
     */
    public record Pacing(int contentCallsPerMinute, int contentCallsPerHour, int pullRequestsPerHour, int openPullRequests,
                         int parallel, boolean waitForChecks) {
        /** Under GitHub's documented 80 a minute and 500 an hour, with room for people using the same identity. */
        public static final Pacing DEFAULT = new Pacing(60, 400, 60, 100, 4);

        /** A pace that does not wait on checks. */
        public Pacing(int contentCallsPerMinute, int contentCallsPerHour, int pullRequestsPerHour, int openPullRequests,
                      int parallel) {
            this(contentCallsPerMinute, contentCallsPerHour, pullRequestsPerHour, openPullRequests, parallel, false);
        }

        public Pacing {
            if (contentCallsPerMinute < 1 || contentCallsPerHour < 1 || pullRequestsPerHour < 1 || openPullRequests < 1
                    || parallel < 1) {
                throw new IllegalArgumentException("pace numbers must be at least 1: " + contentCallsPerMinute + ", "
                        + contentCallsPerHour + ", " + pullRequestsPerHour + ", " + openPullRequests + ", " + parallel);
            }
        }
    }

    public Campaign {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a campaign needs a name");
        }
    }

    /** The host repository keys start with: the API's, with GitHub's {@code api.} dropped. */
    public String host() {
        String host = api.getHost().toLowerCase(Locale.ROOT);
        return host.equals("api.github.com") ? "github.com" : host;
    }

    /** The branch harden pushes: the campaign's, or {@code harden/<profile>} as {@code harden pr} names it. */
    public String branchName() {
        return branch != null ? branch : Settings.defaults().branchFor(profile);
    }
}
