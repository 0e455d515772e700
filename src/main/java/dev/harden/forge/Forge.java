package dev.harden.forge;

import dev.harden.report.Terminal;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** The few pull-request calls harden needs, over one forge's REST API. */
public interface Forge {
    /** The forges harden speaks to, with their public API and the user name their git servers take with a token. */
    enum Kind {
        GITHUB("https://api.github.com", "GITHUB_TOKEN", "x-access-token"),
        GITLAB("https://gitlab.com/api/v4", "GITLAB_TOKEN", "oauth2"),
        GITEA(null, "GITEA_TOKEN", "harden");

        private final String defaultApi;
        private final String tokenVariable;
        private final String gitUsername;

        Kind(String defaultApi, String tokenVariable, String gitUsername) {
            this.defaultApi = defaultApi;
            this.tokenVariable = tokenVariable;
            this.gitUsername = gitUsername;
        }

        /** The public service's API, or null when there is none (Gitea is always self-hosted). */
        public String defaultApi() {
            return defaultApi;
        }

        /** The environment variable CI systems conventionally hold this forge's token in. */
        public String tokenVariable() {
            return tokenVariable;
        }

        /** The user name to send with a token over HTTPS git. */
        public String gitUsername() {
            return gitUsername;
        }

        public static Kind parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "github" -> GITHUB;
                case "gitlab" -> GITLAB;
                case "gitea", "forgejo" -> GITEA;
                default -> throw new IllegalArgumentException("unknown forge '" + text + "': use github, gitlab or gitea");
            };
        }
    }

    /** Every pull request whose source is this branch of the repository, in any state, newest first. */
    List<PullRequest> byHead(String branch) throws ForgeException;

    /** Opens a pull request, then adds labels, reviewers and assignees. */
    PullRequest create(Proposal proposal) throws ForgeException;

    /** Sets the title and body of an existing pull request and adds the labels it lacks. */
    PullRequest update(PullRequest existing, Proposal proposal) throws ForgeException;

    /** Closes an open pull request without merging it. */
    void close(PullRequest open) throws ForgeException;

    /**
     * What the checks on a pull request's head commit say now: GitHub's check runs and combined
     * status, GitLab's head pipeline, Gitea's combined status. Reads only.
     */
    Checks checks(PullRequest pr) throws ForgeException;

    /**
     * Deletes a branch of the repository.
     *
     * @return false when there was no such branch: deleting it again is no mistake
     */
    boolean deleteBranch(String branch) throws ForgeException;

    /**
     * Checks a repository name before anything is cloned or sent: {@code OWNER/NAME} (GitLab:
     * {@code GROUP/SUBGROUP/NAME}), each part letters, digits, {@code .}, {@code _} or {@code -}, and
     * neither {@code .} nor {@code ..}, so it can only ever name a repository path in the API.
     *
     * @throws IllegalArgumentException with a one-line message that says what is wrong
     */
    static void checkRepository(String repository) {
        String[] parts = repository.split("/", -1);
        boolean ok = parts.length >= 2 && parts.length <= 20;
        for (String part : parts) {
            ok &= part.matches("[A-Za-z0-9._-]{1,100}") && !part.equals(".") && !part.equals("..");
        }
        if (!ok) {
            throw new IllegalArgumentException("--repo must be OWNER/NAME (GitLab: GROUP/PROJECT), made of letters, digits,"
                    + " '.', '_' and '-', not '" + Terminal.escape(repository) + "'");
        }
    }

    /**
     * A client for one repository.
     *
     * @param kind which forge
     * @param api the API's base URL, such as {@code https://api.github.com} or {@code https://git.example.com/api/v1}
     * @param repository {@code owner/name} (GitLab: {@code group/subgroup/name})
     * @param token the token; never printed
     * @param pace the rate-limit policy for this token
     * @param log where to say that harden is waiting and why
     */
    static Forge of(Kind kind, URI api, String repository, String token, Pace pace, Consumer<String> log) {
        checkRepository(repository);
        Http http = new Http(api, kind, token, pace, log);
        return switch (kind) {
            case GITHUB -> new GitHub(http, repository);
            case GITLAB -> new GitLab(http, repository);
            case GITEA -> new Gitea(http, repository);
        };
    }
}
