package dev.harden.forge;

import dev.harden.json.Json;
import dev.harden.report.Redact;
import dev.harden.report.Terminal;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JSON over {@code java.net.http} with the token, the pace, retries on rate limits, and {@code Link} pagination. */
final class Http {
    static final int ATTEMPTS = 4;
    /** A whole request, answer body included: the client's own timeout stops at the headers. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int MAX_PAGES = 50;
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    /**
     * One answer.
     *
     * @param status the HTTP status
     * @param json the parsed body, or null when empty or not JSON
     * @param headers the response headers
     */
    record Response(int status, Object json, HttpHeaders headers) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final URI api;
    private final Forge.Kind kind;
    private final String token;
    private final Pace pace;
    private final Consumer<String> log;
    private final HttpClient client;
    private final Redact redact;
    private final long deadlineMillis;

    Http(URI api, Forge.Kind kind, String token, Pace pace, Consumer<String> log) {
        this(api, kind, token, pace, log, DEADLINE);
    }

    /**
     * @param deadline the longest one request may take from sending to the last byte of its answer
     */
    Http(URI api, Forge.Kind kind, String token, Pace pace, Consumer<String> log, Duration deadline) {
        String base = api.toString();
        this.api = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        if (!"https".equals(this.api.getScheme()) && !"http".equals(this.api.getScheme())) {
            throw new IllegalArgumentException("--api-url must be an http(s) URL");
        }
        this.kind = kind;
        this.token = token;
        this.pace = pace;
        this.log = log;
        this.redact = Redact.of(token);
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("a request deadline must be positive: " + deadline);
        }
        this.deadlineMillis = deadline.toMillis();
        // Redirects are not followed: the token must only ever go to the API the user named.
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Response get(String path) throws ForgeException {
        return send("GET", resolve(path), null);
    }

    /**
     * Deletes what {@code path} names; false when the forge says it is not there (404, or one of
     * {@code absent}, e.g. GitHub's 422 for a ref that does not exist).
     */
    boolean delete(String path, int... absent) throws ForgeException {
        Response r = send("DELETE", path, null);
        if (r.status() == 404 || Arrays.stream(absent).anyMatch(s -> s == r.status())) {
            return false;
        }
        check(r, "DELETE", path);
        return true;
    }

    Response send(String method, String path, Object body) throws ForgeException {
        return send(method, resolve(path), body);
    }

    /** Every item of a listing, following {@code Link: <...>; rel="next"} on the same host. */
    List<Object> getAll(String path) throws ForgeException {
        return getAll(path, null);
    }

    /**
     * Every item of a listing whose pages are objects holding the items in one field (GitHub's search:
     * {@code items}), or lists themselves when {@code field} is null.
     */
    List<Object> getAll(String path, String field) throws ForgeException {
        List<Object> items = new ArrayList<>();
        URI next = resolve(path);
        for (int page = 0; next != null; page++) {
            if (page == MAX_PAGES) {
                throw new ForgeException("GET " + safePath(resolve(path)) + ": more than " + MAX_PAGES + " pages", 0, false);
            }
            Response r = send("GET", next, null);
            check(r, "GET", next);
            Object answer = field != null && r.json() instanceof Map<?, ?> m ? m.get(field) : r.json();
            if (!(answer instanceof List<?> list)) {
                throw new ForgeException("GET " + safePath(next) + ": expected a JSON list", r.status(), false);
            }
            items.addAll(list);
            next = nextPage(r.headers()).orElse(null);
        }
        return items;
    }

    private Optional<URI> nextPage(HttpHeaders headers) throws ForgeException {
        for (String link : headers.allValues("link")) {
            Matcher m = NEXT.matcher(link);
            if (m.find()) {
                URI uri = URI.create(m.group(1));
                if (!uri.isAbsolute()) {
                    uri = api.resolve(uri);
                }
                if (!sameOrigin(uri)) {
                    throw new ForgeException("the API's next page is on another host (" + uri.getHost()
                            + "); harden does not send the token there", 0, false);
                }
                return Optional.of(uri);
            }
        }
        return Optional.empty();
    }

    private boolean sameOrigin(URI uri) {
        return api.getScheme().equalsIgnoreCase(uri.getScheme()) && api.getHost().equalsIgnoreCase(uri.getHost())
                && api.getPort() == uri.getPort();
    }

    /** Throws the forge's own reason unless the answer is a success. */
    /** The head commit of a pull request where the forge names it {@code head.sha} (GitHub, Gitea). */
    String headCommit(String repo, PullRequest pr) throws ForgeException {
        String path = repo + "/pulls/" + pr.number();
        Response r = get(path);
        check(r, "GET", path);
        String sha = Fields.string(Fields.child(Fields.object(r.json(), "a pull request"), "head"), "sha");
        if (sha == null) {
            throw new ForgeException("GET " + path + ": the pull request names no head commit", 0, false);
        }
        return sha;
    }

    void check(Response r, String method, URI uri) throws ForgeException {
        if (!r.ok()) {
            throw failure(r, method, uri);
        }
    }

    void check(Response r, String method, String path) throws ForgeException {
        check(r, method, resolve(path));
    }

    ForgeException failure(Response r, String method, String path) {
        return failure(r, method, resolve(path));
    }

    private ForgeException failure(Response r, String method, URI uri) {
        String why = reason(r.json());
        String hint = switch (r.status()) {
            case 401 -> " (the token is missing, wrong or expired)";
            case 403 -> " (the token lacks a permission, or the repository forbids this)";
            case 404 -> " (no such repository or pull request, or the token cannot see it)";
            default -> "";
        };
        boolean exists = (r.status() == 422 || r.status() == 409) && why.toLowerCase(Locale.ROOT).contains("already exist");
        return new ForgeException(redact(method + " " + safePath(uri) + ": HTTP " + r.status()
                + (why.isEmpty() ? "" : ": " + why) + hint), r.status(), exists);
    }

    /** The forge's message: GitHub's {@code message} and {@code errors[].message}, GitLab's {@code message} list. */
    private static String reason(Object json) {
        if (!(json instanceof Map<?, ?> m)) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        Object message = m.get("message");
        if (message instanceof List<?> l) {
            l.forEach(x -> parts.add(String.valueOf(x)));
        } else if (message instanceof Map<?, ?> mm) {
            mm.forEach((k, v) -> parts.add(k + " " + v));
        } else if (message != null) {
            parts.add(String.valueOf(message));
        }
        if (m.get("errors") instanceof List<?> errors) {
            for (Object e : errors) {
                if (e instanceof Map<?, ?> em && em.get("message") != null) {
                    parts.add(String.valueOf(em.get("message")));
                } else if (e instanceof Map<?, ?> em && em.get("code") != null) {
                    parts.add(em.get("field") + " " + em.get("code"));
                } else if (e instanceof String s) {
                    parts.add(s);
                }
            }
        }
        if (parts.isEmpty() && m.get("error") != null) {
            parts.add(String.valueOf(m.get("error")));
        }
        String text = String.join("; ", parts);
        return Terminal.escape(text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }

    private URI resolve(String path) {
        return URI.create(api + path);
    }

    private String safePath(URI uri) {
        String p = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String base = api.getRawPath() == null ? "" : api.getRawPath();
        return p.startsWith(base) ? p.substring(base.length()) : p;
    }

    /** Forges may echo what they were sent; nothing they say reaches the user with the token in it. */
    private String redact(String text) {
        return redact.apply(text);
    }

    private Response send(String method, URI uri, Object body) throws ForgeException {
        boolean mutating = !method.equals("GET");
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> raw;
            try {
                pace.before(mutating);
                raw = exchange(request(method, uri, body));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ForgeException(method + " " + safePath(uri) + ": interrupted", 0, false);
            } catch (IOException e) {
                // A mutating call that may have reached the forge is not repeated: the next run finds its result.
                if (mutating || attempt + 1 >= ATTEMPTS) {
                    throw new ForgeException(redact(method + " " + safePath(uri) + ": no answer from " + api.getHost()
                            + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                            + ")"), 0, false);
                }
                wait(pace.backoff(1000, attempt), "no answer from " + api.getHost(), method, uri);
                continue;
            }
            Response r = new Response(raw.statusCode(), json(raw.body()), raw.headers());
            observe(r.headers());
            Optional<Long> limitedFor = rateLimited(r, attempt);
            if (limitedFor.isPresent()) {
                if (attempt + 1 >= ATTEMPTS || limitedFor.get() > pace.maxWaitMillis()) {
                    throw new ForgeException(redact(method + " " + safePath(uri) + ": rate limited (HTTP " + r.status()
                            + "); run again in " + (limitedFor.get() > 86_400_000L ? "a day" : seconds(limitedFor.get()) + "s")
                            + " or later"), r.status(), false);
                }
                pace.limited(limitedFor.get());
                wait(limitedFor.get(), "rate limited (HTTP " + r.status() + ")", method, uri);
                continue;
            }
            if (r.status() >= 500 && !mutating && attempt + 1 < ATTEMPTS) {
                wait(pace.backoff(1000, attempt), "HTTP " + r.status(), method, uri);
                continue;
            }
            return r;
        }
    }

    /** One request and its whole answer within the deadline, however slowly the server sends it. */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> answer =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return answer.get(deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + seconds(deadlineMillis) + "s");
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause() == null ? "failed" : e.getCause().toString(), e.getCause());
        }
    }

    private void wait(long millis, String why, String method, URI uri) throws ForgeException {
        log.accept(kind.name().toLowerCase(Locale.ROOT) + ": " + method + " " + safePath(uri) + ": " + why
                + "; retrying in " + seconds(millis) + "s");
        try {
            pace.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException(method + " " + safePath(uri) + ": interrupted", 0, false);
        }
    }

    private static long seconds(long millis) {
        return (millis + 999) / 1000;
    }

    /** Remembers a spent primary budget so the next call waits for its reset. */
    private void observe(HttpHeaders h) {
        Optional<String> remaining = h.firstValue("x-ratelimit-remaining").or(() -> h.firstValue("ratelimit-remaining"));
        Optional<String> reset = h.firstValue("x-ratelimit-reset").or(() -> h.firstValue("ratelimit-reset"));
        if (remaining.isPresent() && reset.isPresent() && remaining.get().trim().equals("0")) {
            long resetMillis = epochSecondsToMillis(reset.get());
            if (resetMillis >= 0) {
                // A reset far away blocks no longer than the longest wait: the next call then meets the limit and stops.
                pace.blockUntil(Math.min(resetMillis + 1000, pace.now() + pace.maxWaitMillis() + 1));
            }
        }
    }

    /** How long to wait before retrying, when the answer is a rate limit. */
    private Optional<Long> rateLimited(Response r, int attempt) {
        if (r.status() != 403 && r.status() != 429) {
            return Optional.empty();
        }
        HttpHeaders h = r.headers();
        Optional<String> retryAfter = h.firstValue("retry-after");
        if (retryAfter.isPresent()) {
            return Optional.of(retryAfter(retryAfter.get()));
        }
        Optional<String> remaining = h.firstValue("x-ratelimit-remaining").or(() -> h.firstValue("ratelimit-remaining"));
        Optional<String> reset = h.firstValue("x-ratelimit-reset").or(() -> h.firstValue("ratelimit-reset"));
        if (remaining.isPresent() && remaining.get().trim().equals("0") && reset.isPresent()) {
            long resetMillis = epochSecondsToMillis(reset.get());
            return Optional.of(resetMillis < 0 ? pace.secondaryBackoff(attempt)
                    : Math.max(0, resetMillis - pace.now()) + 1000);
        }
        String why = reason(r.json()).toLowerCase(Locale.ROOT);
        if (r.status() == 429 || why.contains("rate limit") || why.contains("abuse")) {
            return Optional.of(pace.secondaryBackoff(attempt));
        }
        return Optional.empty();
    }

    /**
     * Seconds since the epoch as milliseconds, saturating instead of overflowing (a huge value must
     * not wrap round to a short or negative wait), or -1 when the value is not a number.
     */
    private static long epochSecondsToMillis(String value) {
        long seconds = secondsValue(value);
        return seconds < 0 ? -1 : seconds > Long.MAX_VALUE / 2000 ? Long.MAX_VALUE / 2 : seconds * 1000;
    }

    /** A non-negative number of seconds, saturated at {@code Long.MAX_VALUE}, or -1 when not a number. */
    private static long secondsValue(String value) {
        String v = value.trim();
        if (!v.matches("\\d{1,1000}")) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private long retryAfter(String value) {
        String v = value.trim();
        long seconds = secondsValue(v);
        if (seconds >= 0) {
            return seconds > Long.MAX_VALUE / 2000 ? Long.MAX_VALUE / 2 : seconds * 1000;
        }
        try {
            long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, at - pace.now());
        } catch (DateTimeParseException e) {
            return Pace.SECONDARY_BACKOFF_MILLIS;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    private HttpRequest request(String method, URI uri, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(Math.min(30_000, deadlineMillis)))
                .header("User-Agent", "harden").header("Accept", "application/json");
        switch (kind) {
            case GITHUB -> b.setHeader("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28")
                    .header("Authorization", "Bearer " + token);
            case GITLAB -> b.header("PRIVATE-TOKEN", token);
            case GITEA -> b.header("Authorization", "token " + token);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static Object json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A branch name in a path, each part between its slashes encoded and the slashes kept. */
    static String encodeSegments(String s) {
        return String.join("/", java.util.Arrays.stream(s.split("/", -1)).map(Http::encode).toList());
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
