package dev.harden.registry;

import dev.harden.registry.RegistryException.Failure;
import dev.harden.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client for the OCI Distribution API, the handful of reads harden needs: resolve a tag to the
 * digest of what it points at, list tags, read an image's manifest and blobs. Every answer is
 * untrusted: bodies are size-capped and checked against their digests, each request has a total
 * deadline, redirects drop credentials when they leave the host, and credentials go only to the
 * registry or the token service it names, over HTTPS (plain HTTP only to loopback or to hosts the
 * user names as insecure).
 */
public final class Registry {
    static final long MANIFEST_LIMIT = 4L << 20;
    private static final long TOKEN_LIMIT = 64L << 10;
    private static final int MAX_REDIRECTS = 5;
    private static final long MAX_RETRY_AFTER = 900;
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    /** Set by harden's own test run, so that no test depends on a registry off this machine. */
    private static final boolean LOOPBACK_ONLY = Boolean.getBoolean("harden.loopbackRegistriesOnly");

    private final Logins logins;
    private final Set<String> insecure;
    private final Map<String, String> mirrors;
    private final Duration deadline;
    private final HttpClient client;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Set<String> basicHosts = ConcurrentHashMap.newKeySet();
    private final Map<String, String> down = new ConcurrentHashMap<>();

    private Registry(Logins logins, Set<String> insecure, Duration deadline, Map<String, String> mirrors) {
        this.logins = logins;
        this.insecure = Set.copyOf(insecure);
        this.mirrors = Map.copyOf(mirrors);
        this.deadline = deadline;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(deadline.compareTo(Duration.ofSeconds(10)) < 0 ? deadline : Duration.ofSeconds(10)).build();
    }

    /**
     * A client with these logins.
     *
     * @param insecureHosts hosts (with port) the user allows over plain HTTP; loopback always is
     * @param deadline the longest one request may take, answer body included
     */
    public static Registry create(Logins logins, Set<String> insecureHosts, Duration deadline) {
        return create(logins, insecureHosts, deadline, Map.of());
    }

    /**
     * A client that asks a mirror first for the registries it names ({@code docker.io} for Docker
     * Hub), and the registry itself when the mirror lacks the image or cannot be reached. Digests
     * name content, so a mirror cannot change what a tag pins, only whether it is found.
     */
    public static Registry create(Logins logins, Set<String> insecureHosts, Duration deadline, Map<String, String> mirrors) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        Map<String, String> byHost = new java.util.HashMap<>();
        mirrors.forEach((registry, mirror) -> byHost.put(ManifestRef.of(registry, "x", "latest").host(), mirror));
        return new Registry(logins, insecureHosts, deadline, byHost);
    }

    /**
     * What a tag (or digest) points at. The digest is computed from the bytes served and must match
     * the registry's {@code Docker-Content-Digest}; a multi-platform image resolves to its index.
     */
    public Resolution resolve(ManifestRef ref) throws RegistryException {
        Optional<ManifestRef> mirrored = mirrored(ref);
        if (mirrored.isPresent()) {
            try {
                Resolution r = resolveAt(mirrored.get());
                return new Resolution(ref, r.digest(), r.mediaType(), r.platforms());
            } catch (RegistryException e) {
                if (e.failure() != Failure.NOT_FOUND && e.failure() != Failure.UNREACHABLE) {
                    throw e;
                }
            }
        }
        return resolveAt(ref);
    }

    private Optional<ManifestRef> mirrored(ManifestRef ref) {
        String mirror = mirrors.get(ref.host());
        if (mirror == null || mirror.equals(ref.host())) {
            return Optional.empty();
        }
        return Optional.of(new ManifestRef(mirror, ref.repository(), ref.reference()));
    }

    private Resolution resolveAt(ManifestRef ref) throws RegistryException {
        Answer a = manifest(ref, MediaTypes.ACCEPT_ANY);
        Map<?, ?> body = json(a, ref);
        String type = mediaType(a, body);
        List<Platform> platforms = new ArrayList<>();
        if (MediaTypes.isIndex(type) && body.get("manifests") instanceof List<?> entries) {
            for (Object e : entries) {
                if (e instanceof Map<?, ?> m && m.get("platform") instanceof Map<?, ?> p) {
                    Platform platform = new Platform(str(p.get("os")), str(p.get("architecture")), str(p.get("variant")));
                    // Build attestations are listed as unknown/unknown; they are not a platform anyone runs.
                    if (!platform.os().equals("unknown")) {
                        platforms.add(platform);
                    }
                }
            }
        }
        return new Resolution(ref, a.digest, type, platforms);
    }

    /**
     * The digest a tag points at, as the registry's {@code Docker-Content-Digest} header says on a
     * {@code HEAD} (which Docker Hub does not count against its pull limit); a registry that does
     * not say is asked with a {@code GET}, whose bytes are hashed. For comparing tags only: a digest
     * written into a file comes from {@link #resolve}.
     */
    public String digest(ManifestRef ref) throws RegistryException {
        Optional<ManifestRef> mirrored = mirrored(ref);
        if (mirrored.isPresent()) {
            try {
                return digestAt(mirrored.get());
            } catch (RegistryException e) {
                if (e.failure() != Failure.NOT_FOUND && e.failure() != Failure.UNREACHABLE) {
                    throw e;
                }
            }
        }
        return digestAt(ref);
    }

    private String digestAt(ManifestRef ref) throws RegistryException {
        Answer a = get(ref, "/v2/" + ref.repository() + "/manifests/" + ref.reference(), MediaTypes.ACCEPT_ANY, 0, true);
        Optional<String> said = a.response.headers().firstValue("Docker-Content-Digest");
        if (said.isPresent() && said.get().matches("sha256:[0-9a-f]{64}")) {
            return said.get();
        }
        return resolveAt(ref).digest();
    }

    /**
     * The image manifest for one platform: an index is followed to the entry for that platform
     * ({@code linux/amd64} when {@code platform} is null and the index has it).
     */
    public ImageManifest imageManifest(ManifestRef ref, Platform platform) throws RegistryException {
        Answer a = manifest(ref, MediaTypes.ACCEPT_ANY);
        Map<?, ?> body = json(a, ref);
        String type = mediaType(a, body);
        if (MediaTypes.isIndex(type)) {
            Platform want = platform == null ? new Platform("linux", "amd64", "") : platform;
            String chosen = null;
            if (body.get("manifests") instanceof List<?> entries) {
                for (Object e : entries) {
                    if (e instanceof Map<?, ?> m && m.get("platform") instanceof Map<?, ?> p
                            && want.os().equals(str(p.get("os"))) && want.architecture().equals(str(p.get("architecture")))
                            && (want.variant().isEmpty() || want.variant().equals(str(p.get("variant"))))
                            && m.get("digest") instanceof String d) {
                        chosen = d;
                        break;
                    }
                }
            }
            if (chosen == null) {
                throw new RegistryException(Failure.NOT_FOUND, ref + " has no image for " + want);
            }
            ManifestRef platformRef;
            try {
                platformRef = ref.at(chosen);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": the index names an invalid digest");
            }
            a = manifest(platformRef, MediaTypes.ACCEPT_IMAGE);
            body = json(a, platformRef);
            type = mediaType(a, body);
        }
        if (!MediaTypes.isImage(type) || !(body.get("config") instanceof Map<?, ?> config)
                || !(config.get("digest") instanceof String configDigest)) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": not an image manifest (" + type + ")");
        }
        List<ImageManifest.Layer> layers = new ArrayList<>();
        if (body.get("layers") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> l && l.get("digest") instanceof String d) {
                    long size = l.get("size") instanceof Number n ? n.longValue() : -1;
                    layers.add(new ImageManifest.Layer(d, size, str(l.get("mediaType"))));
                }
            }
        }
        return new ImageManifest(a.digest, configDigest, layers);
    }

    /** A blob's bytes, refused when larger than {@code limit} or when they do not match the digest. */
    public byte[] blob(ManifestRef repository, String digest, long limit) throws RegistryException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 digest: '" + digest + "'");
        }
        Answer a = get(repository, "/v2/" + repository.repository() + "/blobs/" + digest, null, limit);
        if (!a.digest.equals(digest)) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, repository.host() + "/" + repository.repository()
                    + ": blob " + digest + " came back with other content");
        }
        return a.body;
    }

    /** The repository's tags in the registry's order, following {@code Link} pages, at most {@code max}. */
    public List<String> tags(ManifestRef repository, int max) throws RegistryException {
        List<String> tags = new ArrayList<>();
        String path = "/v2/" + repository.repository() + "/tags/list?n=" + Math.min(max, 100);
        for (int page = 0; path != null && tags.size() < max && page < 50; page++) {
            Answer a = get(repository, path, "application/json", MANIFEST_LIMIT);
            if (json(a, repository).get("tags") instanceof List<?> list) {
                for (Object t : list) {
                    if (t instanceof String s && tags.size() < max) {
                        tags.add(s);
                    }
                }
            }
            path = null;
            Optional<String> link = a.response.headers().firstValue("Link");
            if (link.isPresent()) {
                Matcher m = NEXT.matcher(link.get());
                if (m.find()) {
                    URI next = URI.create("/").resolve(m.group(1));
                    // A next page is a path on the same registry; anything else is ignored.
                    if (next.getHost() == null && next.getRawPath().startsWith("/v2/")) {
                        path = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
                    }
                }
            }
        }
        return tags;
    }

    private Answer manifest(ManifestRef ref, String accept) throws RegistryException {
        Answer a = get(ref, "/v2/" + ref.repository() + "/manifests/" + ref.reference(), accept, MANIFEST_LIMIT);
        Optional<String> said = a.response.headers().firstValue("Docker-Content-Digest");
        if (said.isPresent() && said.get().startsWith("sha256:") && !said.get().equals(a.digest)) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": the registry's digest " + said.get()
                    + " does not match the manifest it sent (" + a.digest + ")");
        }
        if (ref.byDigest() && ref.reference().startsWith("sha256:") && !ref.reference().equals(a.digest)) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref + ": the registry sent another manifest (" + a.digest + ")");
        }
        return a;
    }

    private static Map<?, ?> json(Answer a, ManifestRef ref) throws RegistryException {
        try {
            if (Json.parse(new String(a.body, StandardCharsets.UTF_8)) instanceof Map<?, ?> m) {
                return m;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new RegistryException(Failure.UNTRUSTED_ANSWER, ref.host() + "/" + ref.repository() + ": the answer is not a JSON object");
    }

    private static String mediaType(Answer a, Map<?, ?> body) {
        if (body.get("mediaType") instanceof String t && !t.isBlank()) {
            return t;
        }
        String header = a.response.headers().firstValue("Content-Type").orElse("");
        int semi = header.indexOf(';');
        return (semi >= 0 ? header.substring(0, semi) : header).strip();
    }

    private static String str(Object o) {
        return o instanceof String s ? s : "";
    }

    /** One answer with its body and the sha256 of that body. */
    private record Answer(HttpResponse<byte[]> response, byte[] body, String digest) {
    }

    private Answer get(ManifestRef where, String path, String accept, long limit) throws RegistryException {
        return get(where, path, accept, limit, false);
    }

    private Answer get(ManifestRef where, String path, String accept, long limit, boolean head) throws RegistryException {
        String scope = "repository:" + where.repository() + ":pull";
        URI uri = uri(where.host(), path);
        boolean retried = false;
        while (true) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(deadline);
            b = head ? b.method("HEAD", HttpRequest.BodyPublishers.noBody()) : b.GET();
            if (accept != null) {
                b.header("Accept", accept);
            }
            authorize(b, where.host(), scope);
            HttpResponse<byte[]> r = sendFollowing(b.build(), where.host(), limit);
            int status = r.statusCode();
            if (status == 401 && !retried) {
                retried = true;
                Optional<Challenge> challenge = r.headers().allValues("WWW-Authenticate").stream()
                        .map(Challenge::parse).flatMap(Optional::stream).findFirst();
                if (challenge.isPresent() && challenge.get().scheme().equals("bearer")) {
                    tokens.put(where.host() + " " + scope, token(where.host(), challenge.get(), scope));
                    continue;
                }
                if (challenge.isPresent() && challenge.get().scheme().equals("basic") && logins.forHost(where.host()).isPresent()) {
                    basicHosts.add(where.host());
                    continue;
                }
            }
            if (status >= 200 && status < 300) {
                return new Answer(r, r.body(), sha256(r.body()));
            }
            throw failure(r, where.host() + "/" + where.repository());
        }
    }

    private void authorize(HttpRequest.Builder b, String host, String scope) {
        String token = tokens.get(host + " " + scope);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        } else if (basicHosts.contains(host)) {
            logins.forHost(host).ifPresent(l -> b.header("Authorization", basic(l)));
        }
    }

    private static String basic(Login l) {
        return "Basic " + Base64.getEncoder().encodeToString((l.username() + ":" + l.secret()).getBytes(StandardCharsets.UTF_8));
    }

    /** Docker's token flow: the realm named in the challenge hands out a pull token, for our login or anonymously. */
    private String token(String host, Challenge challenge, String scope) throws RegistryException {
        String realm = challenge.params().get("realm");
        if (realm == null || realm.isBlank()) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, host + ": a bearer challenge without a realm");
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, host + ": the token realm is not a URL");
        }
        if (realmUri.getHost() == null || realmUri.getRawUserInfo() != null || !allowed(realmUri)) {
            throw new RegistryException(Failure.UNTRUSTED_ANSWER, host + ": refusing the token realm " + realmUri.getScheme()
                    + "://" + realmUri.getHost() + " (only HTTPS, or HTTP on loopback or an insecure host you named)");
        }
        StringBuilder query = new StringBuilder();
        String service = challenge.params().get("service");
        if (service != null) {
            query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
        }
        query.append("scope=").append(URLEncoder.encode(challenge.params().getOrDefault("scope", scope), StandardCharsets.UTF_8));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).GET().timeout(deadline);
        logins.forHost(host).ifPresent(l -> b.header("Authorization", basic(l)));
        HttpResponse<byte[]> r = send(b.build(), TOKEN_LIMIT);
        if (r.statusCode() != 200) {
            throw failure(r, host + " (token service)");
        }
        try {
            if (Json.parse(new String(r.body(), StandardCharsets.UTF_8)) instanceof Map<?, ?> m) {
                Object t = m.get("token") instanceof String s && !s.isBlank() ? s : m.get("access_token");
                if (t instanceof String s && !s.isBlank() && s.chars().allMatch(c -> c > 32 && c < 127)) {
                    return s;
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new RegistryException(Failure.UNTRUSTED_ANSWER, host + ": the token service answered without a usable token");
    }

    private HttpResponse<byte[]> sendFollowing(HttpRequest request, String host, long limit) throws RegistryException {
        HttpRequest current = request;
        for (int hop = 0; ; hop++) {
            HttpResponse<byte[]> r = send(current, limit);
            int s = r.statusCode();
            if (s < 300 || s >= 400 || s == 304) {
                return r;
            }
            Optional<String> location = r.headers().firstValue("Location");
            if (location.isEmpty() || hop >= MAX_REDIRECTS) {
                throw new RegistryException(Failure.UNTRUSTED_ANSWER, host + ": too many redirects, or one without a Location");
            }
            URI next;
            try {
                next = current.uri().resolve(location.get());
            } catch (IllegalArgumentException e) {
                throw new RegistryException(Failure.UNTRUSTED_ANSWER, host + ": a redirect to an invalid URL");
            }
            if (next.getHost() == null || !allowed(next)) {
                throw new RegistryException(Failure.UNTRUSTED_ANSWER, host + ": refusing a redirect to plain HTTP on " + next.getHost());
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(next).method(current.method(), HttpRequest.BodyPublishers.noBody())
                    .timeout(deadline);
            current.headers().firstValue("Accept").ifPresent(v -> b.header("Accept", v));
            // Blob storage lives on other hosts (S3, a CDN); our credentials stay with the registry.
            if (authority(next).equals(authority(current.uri()))) {
                current.headers().firstValue("Authorization").ifPresent(v -> b.header("Authorization", v));
            }
            current = b.build();
        }
    }

    private static String authority(URI u) {
        return u.getScheme() + "://" + u.getHost() + ":" + u.getPort();
    }

    /**
     * Sends with a total deadline on headers and body alike, and a cap on the body's size. A host
     * that could not be reached once is not asked again in this run: a run over hundreds of images
     * of a dead registry reports each at once instead of waiting for each.
     */
    private HttpResponse<byte[]> send(HttpRequest request, long limit) throws RegistryException {
        String host = request.uri().getHost() + ":" + request.uri().getPort();
        if (LOOPBACK_ONLY && !loopback(request.uri().getHost())) {
            throw new RegistryException(Failure.UNREACHABLE, request.uri().getHost()
                    + ": not asked (harden.loopbackRegistriesOnly is set, as in harden's own tests)");
        }
        String earlier = down.get(host);
        if (earlier != null) {
            throw new RegistryException(Failure.UNREACHABLE, earlier);
        }
        try {
            return sendOnce(request, limit);
        } catch (RegistryException e) {
            if (e.failure() == Failure.UNREACHABLE) {
                down.put(host, e.getMessage());
            }
            throw e;
        }
    }

    private HttpResponse<byte[]> sendOnce(HttpRequest request, long limit) throws RegistryException {
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(request, info -> new CappedBody(limit));
        try {
            return f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new RegistryException(Failure.UNREACHABLE, request.uri().getHost() + ": no complete answer within "
                    + deadline.toSeconds() + " s");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException(Failure.UNREACHABLE, request.uri().getHost() + ": interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TooLarge) {
                throw new RegistryException(Failure.UNTRUSTED_ANSWER, request.uri().getHost() + ": an answer larger than "
                        + limit + " bytes");
            }
            String why = cause instanceof java.net.ConnectException ? "connection refused"
                    : cause instanceof java.net.http.HttpTimeoutException ? "timed out"
                    : cause instanceof IOException ? "network error" : "request failed";
            throw new RegistryException(Failure.UNREACHABLE, request.uri().getHost() + ": " + why);
        }
    }

    private static RegistryException failure(HttpResponse<byte[]> r, String where) {
        int s = r.statusCode();
        return switch (s) {
            case 401, 403 -> new RegistryException(Failure.UNAUTHORIZED, where + ": access denied (HTTP " + s
                    + "); log in with docker login or set HARDEN_REGISTRY_<HOST>_USERNAME and _PASSWORD");
            case 404 -> new RegistryException(Failure.NOT_FOUND, where + ": not found (HTTP 404)");
            case 429 -> new RegistryException(Failure.RATE_LIMITED, where + ": rate limited (HTTP 429)", retryAfter(r));
            default -> new RegistryException(s >= 500 ? Failure.UNREACHABLE : Failure.UNTRUSTED_ANSWER,
                    where + ": HTTP " + s);
        };
    }

    private static long retryAfter(HttpResponse<byte[]> r) {
        String v = r.headers().firstValue("Retry-After").orElse("").strip();
        if (v.matches("[0-9]{1,12}")) {
            return Math.min(Long.parseLong(v), MAX_RETRY_AFTER);
        }
        return v.isEmpty() ? -1 : MAX_RETRY_AFTER;
    }

    private URI uri(String host, String path) {
        boolean plain = insecure.contains(host) || loopback(host);
        return URI.create((plain ? "http://" : "https://") + host + path);
    }

    private boolean allowed(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return true;
        }
        String host = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        return scheme.equals("http") && (insecure.contains(host) || loopback(u.getHost()));
    }

    /** Loopback by name or literal address; never resolved through DNS, which an attacker may control. */
    static boolean loopback(String hostWithPort) {
        String h = hostWithPort;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(1, end) : h;
        } else if (h.indexOf(':') == h.lastIndexOf(':') && h.contains(":")) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Signals a body over its cap. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("answer too large");
        }
    }

    /** Collects a body up to a cap and cancels the exchange beyond it. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(long limit) {
            this.limit = limit;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (out.size() + (long) b.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
