package dev.harden.forge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GitLab merge requests: {@code /projects/{url-encoded path}/merge_requests}. */
final class GitLab implements Forge {
    private static final String DRAFT = "Draft: ";

    private final Http http;
    private final String project;

    GitLab(Http http, String repository) {
        this.http = http;
        this.project = "/projects/" + Http.encode(repository);
    }

    @Override
    public List<PullRequest> byHead(String branch) throws ForgeException {
        String path = project + "/merge_requests?per_page=100&source_branch=" + Http.encode(branch);
        return Listing.withHead(http.getAll(path), branch, GitLab::read);
    }

    @Override
    public PullRequest create(Proposal p) throws ForgeException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source_branch", p.head());
        body.put("target_branch", p.base());
        body.put("title", (p.draft() ? DRAFT : "") + p.title());
        body.put("description", p.body());
        if (!p.labels().isEmpty()) {
            body.put("labels", String.join(",", p.labels()));
        }
        if (!p.assignees().isEmpty()) {
            body.put("assignee_ids", userIds(p.assignees()));
        }
        if (!p.reviewers().isEmpty()) {
            body.put("reviewer_ids", userIds(p.reviewers()));
        }
        String path = project + "/merge_requests";
        Http.Response r = http.send("POST", path, body);
        http.check(r, "POST", path);
        return read(r.json());
    }

    @Override
    public PullRequest update(PullRequest existing, Proposal p) throws ForgeException {
        Map<String, Object> body = new LinkedHashMap<>();
        // Keeps the draft state people chose: marking it ready must survive the next run.
        body.put("title", (existing.draft() ? DRAFT : "") + p.title());
        body.put("description", p.body());
        List<String> missing = p.labels().stream().filter(l -> !existing.labels().contains(l)).toList();
        if (!missing.isEmpty()) {
            body.put("add_labels", String.join(",", missing));
        }
        String path = project + "/merge_requests/" + existing.number();
        Http.Response r = http.send("PUT", path, body);
        http.check(r, "PUT", path);
        return read(r.json());
    }

    // https://docs.gitlab.com/ee/api/merge_requests.html#update-mr: state_event close
    @Override
    public void close(PullRequest open) throws ForgeException {
        String path = project + "/merge_requests/" + open.number();
        http.check(http.send("PUT", path, Map.of("state_event", "close")), "PUT", path);
    }

    // https://docs.gitlab.com/ee/api/branches.html#delete-repository-branch: the name URL-encoded
    @Override
    public boolean deleteBranch(String branch) throws ForgeException {
        String path = project + "/repository/branches/" + Http.encode(branch);
        return http.delete(path);
    }

    // https://docs.gitlab.com/api/merge_requests/#get-single-mr: head_pipeline, null while no pipeline ran
    @Override
    public Checks checks(PullRequest pr) throws ForgeException {
        String path = project + "/merge_requests/" + pr.number();
        Http.Response r = http.get(path);
        http.check(r, "GET", path);
        Object pipeline = Fields.object(r.json(), "a merge request").get("head_pipeline");
        if (!(pipeline instanceof Map<?, ?> p)) {
            return Checks.NONE;
        }
        return switch (String.valueOf(p.get("status"))) {
            case "success", "skipped", "manual" -> Checks.PASSING;
            case "failed", "canceled" -> Checks.FAILING;
            default -> Checks.PENDING;
        };
    }

    private List<Long> userIds(List<String> names) throws ForgeException {
        List<Long> ids = new ArrayList<>();
        for (String name : names) {
            String path = "/users?username=" + Http.encode(name);
            Http.Response r = http.get(path);
            http.check(r, "GET", path);
            if (!(r.json() instanceof List<?> users) || users.isEmpty()) {
                throw new ForgeException("GitLab has no user named '" + name + "': check --reviewer and --assignee", 404, false);
            }
            ids.add(Fields.number(Fields.object(users.get(0), "a user"), "id"));
        }
        return ids;
    }

    private static PullRequest read(Object json) throws ForgeException {
        Map<?, ?> m = Fields.object(json, "a merge request");
        PullRequest.State state = switch (String.valueOf(m.get("state"))) {
            case "merged" -> PullRequest.State.MERGED;
            case "closed" -> PullRequest.State.CLOSED;
            default -> PullRequest.State.OPEN;
        };
        String title = String.valueOf(m.get("title"));
        boolean draft = Boolean.TRUE.equals(m.get("draft")) || title.startsWith(DRAFT);
        return new PullRequest(Fields.number(m, "iid"), Fields.string(m, "web_url"), state,
                title.startsWith(DRAFT) ? title.substring(DRAFT.length()) : title, Fields.string(m, "description"),
                Fields.names(m.get("labels")), Fields.string(m, "source_branch"), draft);
    }
}
