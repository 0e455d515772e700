package dev.harden.forge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Gitea and Forgejo: {@code /repos/{owner}/{repo}/pulls}; labels are set by id, so names are looked up (and created). */
final class Gitea implements Forge {
    private static final String DRAFT = "WIP: ";

    private final Http http;
    private final String repo;

    Gitea(Http http, String repository) {
        this.http = http;
        this.repo = "/repos/" + repository;
    }

    @Override
    public List<PullRequest> byHead(String branch) throws ForgeException {
        // The list endpoint cannot filter by head branch, so every pull request is read and filtered here.
        String path = repo + "/pulls?state=all&limit=50";
        return Listing.withHead(http.getAll(path), branch, Gitea::read);
    }

    @Override
    public PullRequest create(Proposal p) throws ForgeException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("head", p.head());
        body.put("base", p.base());
        body.put("title", (p.draft() ? DRAFT : "") + p.title());
        body.put("body", p.body());
        if (!p.labels().isEmpty()) {
            body.put("labels", labelIds(p.labels()));
        }
        if (!p.assignees().isEmpty()) {
            body.put("assignees", p.assignees());
        }
        String path = repo + "/pulls";
        Http.Response r = http.send("POST", path, body);
        http.check(r, "POST", path);
        PullRequest pr = read(r.json());
        if (!p.reviewers().isEmpty()) {
            String reviewers = repo + "/pulls/" + pr.number() + "/requested_reviewers";
            http.check(http.send("POST", reviewers, Map.of("reviewers", p.reviewers())), "POST", reviewers);
        }
        return pr;
    }

    @Override
    public PullRequest update(PullRequest existing, Proposal p) throws ForgeException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", (existing.draft() ? DRAFT : "") + p.title());
        body.put("body", p.body());
        String path = repo + "/pulls/" + existing.number();
        Http.Response r = http.send("PATCH", path, body);
        http.check(r, "PATCH", path);
        PullRequest pr = read(r.json());
        List<String> missing = p.labels().stream().filter(l -> !existing.labels().contains(l)).toList();
        if (missing.isEmpty()) {
            return pr;
        }
        String labels = repo + "/issues/" + existing.number() + "/labels";
        http.check(http.send("POST", labels, Map.of("labels", labelIds(missing))), "POST", labels);
        List<String> all = new ArrayList<>(pr.labels());
        missing.stream().filter(l -> !all.contains(l)).forEach(all::add);
        return new PullRequest(pr.number(), pr.url(), pr.state(), pr.title(), pr.body(), all, pr.head(), pr.draft());
    }

    // https://gitea.com/api/swagger#/repository/repoEditPullRequest
    @Override
    public void close(PullRequest open) throws ForgeException {
        String path = repo + "/pulls/" + open.number();
        http.check(http.send("PATCH", path, Map.of("state", "closed")), "PATCH", path);
    }

    // https://gitea.com/api/swagger#/repository/repoDeleteBranch: 404 when there is no such branch
    @Override
    public boolean deleteBranch(String branch) throws ForgeException {
        String path = repo + "/branches/" + Http.encodeSegments(branch);
        return http.delete(path);
    }

    // https://gitea.com/api/swagger#/repository/repoGetPullRequest, then
    // https://gitea.com/api/swagger#/repository/repoGetCombinedStatusByRef
    @Override
    public Checks checks(PullRequest pr) throws ForgeException {
        String sha = http.headCommit(repo, pr);
        String statusPath = repo + "/commits/" + sha + "/status";
        Http.Response status = http.get(statusPath);
        http.check(status, "GET", statusPath);
        Map<?, ?> combined = Fields.object(status.json(), "a combined status");
        if (!(combined.get("total_count") instanceof Number n) || n.longValue() == 0) {
            return Checks.NONE;
        }
        return switch (String.valueOf(combined.get("state"))) {
            case "success", "warning" -> Checks.PASSING;
            case "pending" -> Checks.PENDING;
            default -> Checks.FAILING;
        };
    }

    private List<Long> labelIds(List<String> names) throws ForgeException {
        Map<String, Long> known = new LinkedHashMap<>();
        for (Object item : http.getAll(repo + "/labels?limit=50")) {
            Map<?, ?> m = Fields.object(item, "a label");
            known.put(Fields.string(m, "name"), Fields.number(m, "id"));
        }
        List<Long> ids = new ArrayList<>();
        for (String name : names) {
            Long id = known.get(name);
            if (id == null) {
                String path = repo + "/labels";
                Http.Response r = http.send("POST", path, Map.of("name", name, "color", "#ededed"));
                http.check(r, "POST", path);
                id = Fields.number(Fields.object(r.json(), "a label"), "id");
            }
            ids.add(id);
        }
        return ids;
    }

    private static PullRequest read(Object json) throws ForgeException {
        Map<?, ?> m = Fields.object(json, "a pull request");
        PullRequest.State state = Boolean.TRUE.equals(m.get("merged")) ? PullRequest.State.MERGED
                : "open".equals(m.get("state")) ? PullRequest.State.OPEN : PullRequest.State.CLOSED;
        String title = String.valueOf(m.get("title"));
        boolean draft = Boolean.TRUE.equals(m.get("draft")) || title.startsWith(DRAFT);
        return new PullRequest(Fields.number(m, "number"), Fields.string(m, "html_url"), state,
                title.startsWith(DRAFT) ? title.substring(DRAFT.length()) : title, Fields.string(m, "body"),
                Fields.names(m.get("labels")), Fields.string(Fields.child(m, "head"), "ref"), draft);
    }
}
