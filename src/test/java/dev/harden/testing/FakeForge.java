package dev.harden.testing;

import com.fasterxml.jackson.jr.ob.JSON;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of the GitHub, GitLab or Gitea pull-request API on WireMock, shaped after their REST
 * docs: list by head with {@code Link} pagination, create (refusing a duplicate, and a head branch the
 * git server does not have), update, labels, reviewers, assignees, and injected faults such as 429.
 */
public final class FakeForge implements AutoCloseable {
    /** Which API to imitate. */
    public enum Dialect { GITHUB, GITLAB, GITEA }

    /** One pull request as the fake stores it. */
    public static final class Pr {
        public long number;
        public String head;
        public String base;
        public String title;
        public String body;
        public String state = "open";
        public boolean merged;
        public boolean draft;
        public final List<String> labels = new ArrayList<>();
        public final List<String> reviewers = new ArrayList<>();
        public final List<String> assignees = new ArrayList<>();
        /**
         * The checks on its head commit: null (none reported), {@code pending}, {@code success} or
         * {@code failure}; GitHub serves them as a check run, GitLab as the head pipeline, Gitea as the
         * combined commit status.
         */
        public String checks;
        /** GitHub only: a commit status (the older API) beside the check run, null for none. */
        public String commitStatus;

        /** Its head commit, as the forge names it. */
        public String sha() {
            return String.format("%040x", 0xc0ffee00L + number);
        }
    }

    /**
     * A request the fake answered.
     *
     * @param method HTTP method
     * @param url path and query
     * @param body the request body
     * @param status the status answered
     */
    public record Call(String method, String url, String body, int status) { }

    /** An answer to give instead of the fake's own, once. */
    private record Fault(String method, String pathPart, int status, Map<String, String> headers, String body) { }

    private final Dialect dialect;
    private final String token;
    private final String repo;
    private final Predicate<String> branchExists;
    private final WireMockServer server;
    private final List<Pr> prs = new ArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Long> labelIds = new LinkedHashMap<>();
    private int pageSize = 100;
    private boolean raceOnCreate;
    private int laggingListings;
    private Predicate<String> deleteBranch = b -> false;

    public FakeForge(Dialect dialect, String token, String repo, Predicate<String> branchExists) {
        this.dialect = dialect;
        this.token = token;
        this.repo = repo;
        this.branchExists = branchExists;
        this.server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(new Handler()).disableRequestJournal());
        server.start();
        server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(500)));
        labelIds.put("bug", 1L);
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + server.port() + prefix();
    }

    private String prefix() {
        return switch (dialect) {
            case GITHUB -> "";
            case GITLAB -> "/api/v4";
            case GITEA -> "/api/v1";
        };
    }

    /** At most this many items per page, whatever the client asks for. */
    public synchronized void pageSize(int size) {
        this.pageSize = size;
    }

    /** The next request with this method whose path contains {@code pathPart} gets this answer instead. */
    public synchronized void failNext(String method, String pathPart, int status, Map<String, String> headers, String body) {
        faults.add(new Fault(method, pathPart, status, headers, body));
    }

    /** The next create finds that someone else opened a pull request for the branch a moment before. */
    public synchronized void raceOnNextCreate() {
        raceOnCreate = true;
    }

    /**
     * The next {@code listings} GitHub listings of pull requests answer as if there were none, as
     * GitHub's can for a while after a pull request is opened, while creating one still answers
     * 422 "already exists".
     */
    public synchronized void lagListings(int listings) {
        this.laggingListings = listings;
    }

    /** Adds a pull request as if a person or an earlier tool had opened it. */
    /** How the fake deletes a branch the API is asked to delete: true when there was one (the git server's). */
    public synchronized void deletesBranchesWith(Predicate<String> delete) {
        this.deleteBranch = delete;
    }

    public synchronized Pr add(String head, String base, String title, String body) {
        Pr pr = new Pr();
        pr.number = prs.size() + 1;
        pr.head = head;
        pr.base = base;
        pr.title = title;
        pr.body = body;
        prs.add(pr);
        return pr;
    }

    /** Merges a pull request, as a person would on the forge. */
    public synchronized void merge(long number) {
        Pr pr = find(number);
        pr.merged = true;
        pr.state = "closed";
    }

    /** Closes a pull request without merging it, as a person would. */
    public synchronized void closeByHand(long number) {
        find(number).state = "closed";
    }

    /** Sets what the checks on a pull request's head commit say: null, pending, success or failure. */
    public synchronized void checks(long number, String checks) {
        find(number).checks = checks;
    }

    public synchronized List<Pr> prs() {
        return List.copyOf(prs);
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls with this method whose path contains the text. */
    public synchronized List<Call> calls(String method, String pathPart) {
        return calls.stream().filter(c -> c.method().equals(method) && path(c.url()).contains(pathPart)).toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Routes every request WireMock receives to the fake's state. */
    private final class Handler implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "fake-forge";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            LoggedRequest r = event.getRequest();
            synchronized (FakeForge.this) {
                ResponseDefinition answer = answer(r.getMethod().getName(), r.getUrl(), r.getBodyAsString(), r);
                calls.add(new Call(r.getMethod().getName(), r.getUrl(), r.getBodyAsString(), answer.getStatus()));
                return answer;
            }
        }
    }

    private ResponseDefinition answer(String method, String url, String body, LoggedRequest r) {
        if (!authorised(r)) {
            return json(401, Map.of("message", dialect == Dialect.GITHUB ? "Bad credentials" : "401 Unauthorized"));
        }
        String path = path(url).substring(prefix().length());
        for (Fault f : faults) {
            if (f.method().equals(method) && path.contains(f.pathPart())) {
                faults.remove(f);
                ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(f.status())
                        .withHeader("Content-Type", "application/json").withBody(f.body());
                f.headers().forEach(b::withHeader);
                return b.build();
            }
        }
        Map<String, String> query = query(url);
        Map<?, ?> in = body == null || body.isBlank() ? Map.of() : parse(body);
        return switch (dialect) {
            case GITHUB -> github(method, path, query, in);
            case GITLAB -> gitlab(method, path, query, in);
            case GITEA -> gitea(method, path, query, in);
        };
    }

    private boolean authorised(LoggedRequest r) {
        return switch (dialect) {
            case GITHUB -> ("Bearer " + token).equals(r.getHeader("Authorization"));
            case GITLAB -> token.equals(r.getHeader("PRIVATE-TOKEN"));
            case GITEA -> ("token " + token).equals(r.getHeader("Authorization"));
        };
    }

    // GitHub: https://docs.github.com/en/rest/pulls/pulls

    private ResponseDefinition github(String method, String path, Map<String, String> q, Map<?, ?> in) {
        String base = "/repos/" + repo;
        Matcher one = Pattern.compile(Pattern.quote(base) + "/(pulls|issues)/(\\d+)(/.*)?").matcher(path);
        if (path.equals(base + "/pulls") && method.equals("GET")) {
            String state = q.getOrDefault("state", "open");
            String head = q.get("head");
            boolean lagging = laggingListings > 0;
            laggingListings = Math.max(0, laggingListings - 1);
            List<Object> items = prs.stream()
                    .filter(p -> !lagging)
                    .filter(p -> state.equals("all") || p.state.equals(state))
                    .filter(p -> head == null || head.equals(repo.substring(0, repo.indexOf('/')) + ":" + p.head))
                    .sorted(Comparator.comparingLong((Pr p) -> p.number).reversed())
                    .map(this::githubJson).map(Object.class::cast).toList();
            return page(path, q, items, "per_page", 30);
        }
        if (path.equals(base + "/pulls") && method.equals("POST")) {
            String head = String.valueOf(in.get("head"));
            if (!branchExists.test(head)) {
                return json(422, Map.of("message", "Validation Failed", "errors",
                        List.of(Map.of("resource", "PullRequest", "field", "head", "code", "invalid"))));
            }
            race(head);
            if (prs.stream().anyMatch(p -> p.head.equals(head) && p.state.equals("open"))) {
                return json(422, Map.of("message", "Validation Failed", "errors", List.of(Map.of("resource", "PullRequest",
                        "code", "custom", "message", "A pull request already exists for " + owner() + ":" + head + "."))));
            }
            Pr pr = add(head, String.valueOf(in.get("base")), String.valueOf(in.get("title")), (String) in.get("body"));
            pr.draft = Boolean.TRUE.equals(in.get("draft"));
            return json(201, githubJson(pr));
        }
        // https://docs.github.com/en/rest/git/refs#delete-a-reference
        if (path.startsWith(base + "/git/refs/heads/") && method.equals("DELETE")) {
            return deleteBranch.test(decode(path.substring((base + "/git/refs/heads/").length())))
                    ? noContent() : json(422, Map.of("message", "Reference does not exist"));
        }
        // https://docs.github.com/en/rest/checks/runs#list-check-runs-for-a-git-reference
        Matcher commit = Pattern.compile(Pattern.quote(base) + "/commits/([0-9a-f]{40})/(check-runs|status)").matcher(path);
        if (commit.matches() && method.equals("GET")) {
            Pr pr = prs.stream().filter(p -> p.sha().equals(commit.group(1))).findFirst().orElse(null);
            if (pr == null) {
                return json(422, Map.of("message", "No commit found for SHA: " + commit.group(1)));
            }
            if (commit.group(2).equals("check-runs")) {
                List<Object> runs = pr.checks == null ? List.of() : List.of(checkRun(pr.checks));
                return json(200, Map.of("total_count", runs.size(), "check_runs", runs));
            }
            // https://docs.github.com/en/rest/commits/statuses: no status at all reads as pending, with total_count 0
            List<Object> statuses = pr.commitStatus == null ? List.of()
                    : List.of(Map.of("state", pr.commitStatus, "context", "ci/legacy"));
            return json(200, Map.of("state", pr.commitStatus == null ? "pending" : pr.commitStatus, "sha", pr.sha(),
                    "total_count", statuses.size(), "statuses", statuses));
        }
        if (one.matches()) {
            Pr pr = find(Long.parseLong(one.group(2)));
            String rest = one.group(3) == null ? "" : one.group(3);
            if (pr == null) {
                return json(404, Map.of("message", "Not Found"));
            }
            if (one.group(1).equals("pulls") && rest.isEmpty() && method.equals("GET")) {
                return json(200, githubJson(pr));
            }
            if (one.group(1).equals("pulls") && rest.isEmpty() && method.equals("PATCH")) {
                edit(pr, in, "body");
                return json(200, githubJson(pr));
            }
            if (one.group(1).equals("issues") && rest.equals("/labels") && method.equals("POST")) {
                names(in.get("labels")).stream().filter(l -> !pr.labels.contains(l)).forEach(pr.labels::add);
                return json(200, pr.labels.stream().map(l -> (Object) Map.of("name", l)).toList());
            }
            if (one.group(1).equals("pulls") && rest.equals("/requested_reviewers") && method.equals("POST")) {
                pr.reviewers.addAll(names(in.get("reviewers")));
                return json(201, githubJson(pr));
            }
            if (one.group(1).equals("issues") && rest.equals("/assignees") && method.equals("POST")) {
                pr.assignees.addAll(names(in.get("assignees")));
                return json(201, githubJson(pr));
            }
        }
        return json(404, Map.of("message", "Not Found"));
    }

    private Map<String, Object> githubJson(Pr p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", p.number);
        m.put("html_url", "https://github.example/" + repo + "/pull/" + p.number);
        m.put("state", p.state);
        m.put("title", p.title);
        m.put("body", p.body);
        m.put("draft", p.draft);
        m.put("merged_at", p.merged ? "2026-01-01T00:00:00Z" : null);
        m.put("labels", p.labels.stream().map(l -> (Object) Map.of("name", l)).toList());
        m.put("head", Map.of("ref", p.head, "label", owner() + ":" + p.head, "sha", p.sha()));
        m.put("base", Map.of("ref", p.base));
        return m;
    }

    private static Map<String, Object> checkRun(String checks) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("name", "build");
        run.put("status", checks.equals("pending") ? "in_progress" : "completed");
        run.put("conclusion", checks.equals("pending") ? null : checks);
        return run;
    }

    // GitLab: https://docs.gitlab.com/api/merge_requests/

    private ResponseDefinition gitlab(String method, String path, Map<String, String> q, Map<?, ?> in) {
        String base = "/projects/" + repo.replace("/", "%2F");
        if (path.equals("/users") && method.equals("GET")) {
            String name = q.get("username");
            return json(200, List.of(Map.of("id", (long) Math.abs(name.hashCode()), "username", name)));
        }
        if (path.equals(base + "/merge_requests") && method.equals("GET")) {
            String source = q.get("source_branch");
            String state = q.get("state");
            List<Object> items = prs.stream()
                    .filter(p -> source == null || source.equals(p.head))
                    .filter(p -> state == null || state.equals("all") || gitlabState(p).equals(state))
                    .sorted(Comparator.comparingLong((Pr p) -> p.number).reversed())
                    .map(this::gitlabJson).map(Object.class::cast).toList();
            return page(path, q, items, "per_page", 20);
        }
        if (path.equals(base + "/merge_requests") && method.equals("POST")) {
            String head = String.valueOf(in.get("source_branch"));
            if (!branchExists.test(head)) {
                return json(422, Map.of("message", List.of("Source branch does not exist")));
            }
            race(head);
            Pr existing = prs.stream().filter(p -> p.head.equals(head) && p.state.equals("open")).findFirst().orElse(null);
            if (existing != null) {
                return json(409, Map.of("message", List.of("Another open merge request already exists for this source"
                        + " branch: !" + existing.number)));
            }
            Pr pr = add(head, String.valueOf(in.get("target_branch")), String.valueOf(in.get("title")),
                    (String) in.get("description"));
            if (in.get("labels") != null) {
                pr.labels.addAll(List.of(String.valueOf(in.get("labels")).split(",")));
            }
            pr.reviewers.addAll(names(in.get("reviewer_ids")));
            pr.assignees.addAll(names(in.get("assignee_ids")));
            return json(201, gitlabJson(pr));
        }
        // https://docs.gitlab.com/ee/api/branches.html#delete-repository-branch
        if (path.startsWith(base + "/repository/branches/") && method.equals("DELETE")) {
            return deleteBranch.test(decode(path.substring((base + "/repository/branches/").length())))
                    ? noContent() : json(404, Map.of("message", "404 Branch Not Found"));
        }
        Matcher one = Pattern.compile(Pattern.quote(base) + "/merge_requests/(\\d+)").matcher(path);
        // https://docs.gitlab.com/api/merge_requests/#get-single-mr: with head_pipeline
        if (one.matches() && method.equals("GET")) {
            Pr pr = find(Long.parseLong(one.group(1)));
            if (pr == null) {
                return json(404, Map.of("message", "404 Not found"));
            }
            Map<String, Object> m = gitlabJson(pr);
            m.put("sha", pr.sha());
            m.put("head_pipeline", pr.checks == null ? null : Map.of("id", 5000 + pr.number, "sha", pr.sha(), "status",
                    switch (pr.checks) {
                        case "pending" -> "running";
                        case "failure" -> "failed";
                        default -> pr.checks;
                    }));
            return json(200, m);
        }
        if (one.matches() && method.equals("PUT")) {
            Pr pr = find(Long.parseLong(one.group(1)));
            if (pr == null) {
                return json(404, Map.of("message", "404 Not found"));
            }
            edit(pr, in, "description");
            if (in.get("add_labels") != null) {
                List.of(String.valueOf(in.get("add_labels")).split(",")).stream().filter(l -> !pr.labels.contains(l))
                        .forEach(pr.labels::add);
            }
            if ("close".equals(in.get("state_event"))) {
                pr.state = "closed";
            }
            return json(200, gitlabJson(pr));
        }
        return json(404, Map.of("message", "404 Not found"));
    }

    private static String gitlabState(Pr p) {
        return p.merged ? "merged" : p.state.equals("open") ? "opened" : "closed";
    }

    private Map<String, Object> gitlabJson(Pr p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iid", p.number);
        m.put("id", 1000 + p.number);
        m.put("web_url", "https://gitlab.example/" + repo + "/-/merge_requests/" + p.number);
        m.put("state", gitlabState(p));
        m.put("title", p.title);
        m.put("description", p.body);
        m.put("draft", p.title.startsWith("Draft:"));
        m.put("labels", List.copyOf(p.labels));
        m.put("source_branch", p.head);
        m.put("target_branch", p.base);
        return m;
    }

    // Gitea and Forgejo: https://gitea.com/api/swagger

    private ResponseDefinition gitea(String method, String path, Map<String, String> q, Map<?, ?> in) {
        String base = "/repos/" + repo;
        if (path.equals(base + "/pulls") && method.equals("GET")) {
            String state = q.getOrDefault("state", "open");
            List<Object> items = prs.stream().filter(p -> state.equals("all") || p.state.equals(state))
                    .sorted(Comparator.comparingLong((Pr p) -> p.number).reversed())
                    .map(this::giteaJson).map(Object.class::cast).toList();
            return page(path, q, items, "limit", 30);
        }
        if (path.equals(base + "/pulls") && method.equals("POST")) {
            String head = String.valueOf(in.get("head"));
            if (!branchExists.test(head)) {
                return json(404, Map.of("message", "The target couldn't be found."));
            }
            race(head);
            if (prs.stream().anyMatch(p -> p.head.equals(head) && p.state.equals("open"))) {
                return json(409, Map.of("message", "pull request already exists for these targets"));
            }
            Pr pr = add(head, String.valueOf(in.get("base")), String.valueOf(in.get("title")), (String) in.get("body"));
            pr.labels.addAll(labelNames(in.get("labels")));
            pr.assignees.addAll(names(in.get("assignees")));
            return json(201, giteaJson(pr));
        }
        if (path.equals(base + "/labels") && method.equals("GET")) {
            List<Object> items = labelIds.entrySet().stream()
                    .map(e -> (Object) Map.of("id", e.getValue(), "name", e.getKey())).toList();
            return page(path, q, items, "limit", 30);
        }
        if (path.equals(base + "/labels") && method.equals("POST")) {
            String name = String.valueOf(in.get("name"));
            long id = labelIds.size() + 1L;
            labelIds.put(name, id);
            return json(201, Map.of("id", id, "name", name));
        }
        Matcher one = Pattern.compile(Pattern.quote(base) + "/(pulls|issues)/(\\d+)(/.*)?").matcher(path);
        // https://gitea.com/api/swagger#/repository/repoGetCombinedStatusByRef
        Matcher commit = Pattern.compile(Pattern.quote(base) + "/commits/([0-9a-f]{40})/status").matcher(path);
        if (commit.matches() && method.equals("GET")) {
            Pr pr = prs.stream().filter(p -> p.sha().equals(commit.group(1))).findFirst().orElse(null);
            List<Object> statuses = pr == null || pr.checks == null ? List.of()
                    : List.of(Map.of("status", pr.checks, "context", "ci/build"));
            return json(200, Map.of("state", statuses.isEmpty() ? "" : pr.checks, "sha", commit.group(1),
                    "total_count", statuses.size(), "statuses", statuses));
        }
        // https://gitea.com/api/swagger#/repository/repoDeleteBranch
        if (path.startsWith(base + "/branches/") && method.equals("DELETE")) {
            return deleteBranch.test(decode(path.substring((base + "/branches/").length())))
                    ? noContent() : json(404, Map.of("message", "branch not found"));
        }
        if (one.matches()) {
            Pr pr = find(Long.parseLong(one.group(2)));
            String rest = one.group(3) == null ? "" : one.group(3);
            if (pr == null) {
                return json(404, Map.of("message", "not found"));
            }
            if (one.group(1).equals("pulls") && rest.isEmpty() && method.equals("GET")) {
                return json(200, giteaJson(pr));
            }
            if (one.group(1).equals("pulls") && rest.isEmpty() && method.equals("PATCH")) {
                edit(pr, in, "body");
                return json(201, giteaJson(pr));
            }
            if (one.group(1).equals("issues") && rest.equals("/labels") && method.equals("POST")) {
                labelNames(in.get("labels")).stream().filter(l -> !pr.labels.contains(l)).forEach(pr.labels::add);
                return json(200, pr.labels.stream().map(l -> (Object) Map.of("name", l, "id", labelIds.get(l))).toList());
            }
            if (one.group(1).equals("pulls") && rest.equals("/requested_reviewers") && method.equals("POST")) {
                pr.reviewers.addAll(names(in.get("reviewers")));
                return json(201, List.of());
            }
        }
        return json(404, Map.of("message", "not found"));
    }

    private Map<String, Object> giteaJson(Pr p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", p.number);
        m.put("html_url", "https://gitea.example/" + repo + "/pulls/" + p.number);
        m.put("state", p.state);
        m.put("merged", p.merged);
        m.put("title", p.title);
        m.put("body", p.body);
        m.put("draft", p.title.startsWith("WIP:"));
        m.put("labels", p.labels.stream().map(l -> (Object) Map.of("name", l, "id", labelIds.getOrDefault(l, 0L))).toList());
        m.put("head", Map.of("ref", p.head, "label", p.head, "sha", p.sha()));
        m.put("base", Map.of("ref", p.base));
        return m;
    }

    private List<String> labelNames(Object ids) {
        List<String> out = new ArrayList<>();
        for (String id : names(ids)) {
            labelIds.entrySet().stream().filter(e -> e.getValue().toString().equals(id)).findFirst()
                    .ifPresent(e -> out.add(e.getKey()));
        }
        return out;
    }

    // Shared

    private void race(String head) {
        if (raceOnCreate) {
            raceOnCreate = false;
            add(head, "main", "Opened by a parallel run", "");
        }
    }

    private static void edit(Pr pr, Map<?, ?> in, String bodyField) {
        if (in.get("title") != null) {
            pr.title = String.valueOf(in.get("title"));
        }
        if (in.containsKey(bodyField)) {
            pr.body = (String) in.get(bodyField);
        }
        if (in.get("state") != null) {
            pr.state = String.valueOf(in.get("state"));
        }
    }

    private Pr find(long number) {
        return prs.stream().filter(p -> p.number == number).findFirst().orElse(null);
    }

    private String owner() {
        return repo.substring(0, repo.indexOf('/'));
    }

    private ResponseDefinition page(String path, Map<String, String> q, List<Object> items, String sizeParam, int dflt) {
        int size = Math.min(pageSize, q.containsKey(sizeParam) ? Integer.parseInt(q.get(sizeParam)) : dflt);
        int page = q.containsKey("page") ? Integer.parseInt(q.get("page")) : 1;
        int from = Math.min(items.size(), (page - 1) * size);
        int to = Math.min(items.size(), from + size);
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(write(items.subList(from, to)));
        if (to < items.size()) {
            Map<String, String> next = new LinkedHashMap<>(q);
            next.put("page", Integer.toString(page + 1));
            StringBuilder url = new StringBuilder(apiUrl() + path + "?");
            next.forEach((k, v) -> url.append(k).append('=').append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .append('&'));
            url.setLength(url.length() - 1);
            b.withHeader("Link", "<" + url + ">; rel=\"next\"");
        }
        return b.build();
    }

    private static ResponseDefinition json(int status, Object body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(write(body)).build();
    }

    /** Read with jackson-jr itself, not harden's own JSON code: the fake checks what harden sends. */
    private static Map<?, ?> parse(String body) {
        try {
            return JSON.std.mapFrom(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object body) {
        try {
            return JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> names(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    private static String decode(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }

    private static ResponseDefinition noContent() {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(204).build();
    }

    private static String path(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
