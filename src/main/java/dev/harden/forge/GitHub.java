package dev.harden.forge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GitHub and GitHub Enterprise Server: {@code /repos/{owner}/{repo}/pulls} and the issue endpoints for labels. */
final class GitHub implements Forge {
    private final Http http;
    private final String repo;
    private final String owner;

    GitHub(Http http, String repository) {
        this.http = http;
        this.repo = "/repos/" + repository;
        this.owner = repository.substring(0, repository.indexOf('/'));
    }

    @Override
    public List<PullRequest> byHead(String branch) throws ForgeException {
        String path = repo + "/pulls?state=all&per_page=100&head=" + Http.encode(owner + ":" + branch);
        return Listing.withHead(http.getAll(path), branch, GitHub::read);
    }

    @Override
    public PullRequest create(Proposal p) throws ForgeException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", p.title());
        body.put("head", p.head());
        body.put("base", p.base());
        body.put("body", p.body());
        body.put("draft", p.draft());
        String path = repo + "/pulls";
        Http.Response r = http.send("POST", path, body);
        http.check(r, "POST", path);
        PullRequest pr = read(r.json());
        if (!p.labels().isEmpty()) {
            addLabels(pr.number(), p.labels());
        }
        if (!p.reviewers().isEmpty()) {
            String reviewers = repo + "/pulls/" + pr.number() + "/requested_reviewers";
            http.check(http.send("POST", reviewers, Map.of("reviewers", p.reviewers())), "POST", reviewers);
        }
        if (!p.assignees().isEmpty()) {
            String assignees = repo + "/issues/" + pr.number() + "/assignees";
            http.check(http.send("POST", assignees, Map.of("assignees", p.assignees())), "POST", assignees);
        }
        return new PullRequest(pr.number(), pr.url(), pr.state(), pr.title(), pr.body(), p.labels(), pr.head(), pr.draft());
    }

    @Override
    public PullRequest update(PullRequest existing, Proposal p) throws ForgeException {
        String path = repo + "/pulls/" + existing.number();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", p.title());
        body.put("body", p.body());
        Http.Response r = http.send("PATCH", path, body);
        http.check(r, "PATCH", path);
        PullRequest pr = read(r.json());
        List<String> missing = p.labels().stream().filter(l -> !existing.labels().contains(l)).toList();
        List<String> labels = new ArrayList<>(existing.labels());
        if (!missing.isEmpty()) {
            addLabels(existing.number(), missing);
            labels.addAll(missing);
        }
        return new PullRequest(pr.number(), pr.url(), pr.state(), pr.title(), pr.body(), labels, pr.head(), pr.draft());
    }

    // https://docs.github.com/en/rest/pulls/pulls#update-a-pull-request
    @Override
    public void close(PullRequest open) throws ForgeException {
        String path = repo + "/pulls/" + open.number();
        http.check(http.send("PATCH", path, Map.of("state", "closed")), "PATCH", path);
    }

    // https://docs.github.com/en/rest/git/refs#delete-a-reference: 422 when the reference does not exist
    @Override
    public boolean deleteBranch(String branch) throws ForgeException {
        String path = repo + "/git/refs/heads/" + Http.encodeSegments(branch);
        return http.delete(path, 422);
    }

    // https://docs.github.com/en/rest/checks/runs#list-check-runs-for-a-git-reference and
    // https://docs.github.com/en/rest/commits/statuses#get-the-combined-status-for-a-specific-reference:
    // a repository may report through either, so both count; the combined status says pending when it has none
    @Override
    public Checks checks(PullRequest pr) throws ForgeException {
        String sha = http.headCommit(repo, pr);
        Checks checks = Checks.NONE;
        for (Object run : http.getAll(repo + "/commits/" + sha + "/check-runs?per_page=100", "check_runs")) {
            Map<?, ?> m = Fields.object(run, "a check run");
            checks = checks.and(!"completed".equals(m.get("status")) ? Checks.PENDING
                    : switch (String.valueOf(m.get("conclusion"))) {
                        case "success", "neutral", "skipped" -> Checks.PASSING;
                        case "stale" -> Checks.PENDING;
                        default -> Checks.FAILING;
                    });
        }
        String statusPath = repo + "/commits/" + sha + "/status";
        Http.Response status = http.get(statusPath);
        http.check(status, "GET", statusPath);
        Map<?, ?> combined = Fields.object(status.json(), "a combined status");
        if (combined.get("total_count") instanceof Number n && n.longValue() > 0) {
            checks = checks.and(switch (String.valueOf(combined.get("state"))) {
                case "success" -> Checks.PASSING;
                case "pending" -> Checks.PENDING;
                default -> Checks.FAILING;
            });
        }
        return checks;
    }

    private void addLabels(long number, List<String> labels) throws ForgeException {
        // Adding (POST), not replacing (PUT), keeps the labels people put on the pull request.
        String path = repo + "/issues/" + number + "/labels";
        http.check(http.send("POST", path, Map.of("labels", labels)), "POST", path);
    }

    private static PullRequest read(Object json) throws ForgeException {
        Map<?, ?> m = Fields.object(json, "a pull request");
        PullRequest.State state = m.get("merged_at") != null || Boolean.TRUE.equals(m.get("merged"))
                ? PullRequest.State.MERGED
                : "open".equals(m.get("state")) ? PullRequest.State.OPEN : PullRequest.State.CLOSED;
        return new PullRequest(Fields.number(m, "number"), Fields.string(m, "html_url"), state, Fields.string(m, "title"),
                Fields.string(m, "body"), Fields.names(m.get("labels")), Fields.string(Fields.child(m, "head"), "ref"),
                Boolean.TRUE.equals(m.get("draft")));
    }
}
