package dev.harden.registry;

import dev.harden.registry.RegistryException.Failure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP under the registry client: which scheme a host gets, redirects that keep credentials on
 * their host, a total deadline and a size cap on each answer, and hosts already found down.
 */
final class Transport {
    private static final int MAX_REDIRECTS = 5;
    private static final long MAX_RETRY_AFTER = 900;
    /** Set by harden's own test run, so that no test depends on a registry off this machine. */
    private static final boolean LOOPBACK_ONLY = Boolean.getBoolean("harden.loopbackRegistriesOnly");

    private final Set<String> insecure;
    private final Duration deadline;
    private final HttpClient client;
    private final Map<String, String> down = new ConcurrentHashMap<>();

    Transport(Set<String> insecure, Duration deadline) {
        this.insecure = Set.copyOf(insecure);
        this.deadline = deadline;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(deadline.compareTo(Duration.ofSeconds(10)) < 0 ? deadline : Duration.ofSeconds(10)).build();
    }

    Duration deadline() {
        return deadline;
    }

    HttpResponse<byte[]> sendFollowing(HttpRequest request, String host, long limit) throws RegistryException {
        return sendFollowing(request, host, info -> new CappedBody(limit), limit);
    }

    /** As {@link #sendFollowing(HttpRequest, String, long)}, the body as the handler makes it (a stream is closed when left). */
    <T> HttpResponse<T> sendFollowing(HttpRequest request, String host, HttpResponse.BodyHandler<T> handler, long limit)
            throws RegistryException {
        HttpRequest current = request;
        for (int hop = 0; ; hop++) {
            HttpResponse<T> r = send(current, handler, limit);
            int s = r.statusCode();
            if (s < 300 || s >= 400 || s == 304) {
                return r;
            }
            discard(r);
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
    HttpResponse<byte[]> send(HttpRequest request, long limit) throws RegistryException {
        return send(request, info -> new CappedBody(limit), limit);
    }

    /** Closes a streamed body that will not be read. */
    static void discard(HttpResponse<?> r) {
        if (r.body() instanceof java.io.Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing more to read from it either way
            }
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, long limit) throws RegistryException {
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
            return sendOnce(request, handler, limit);
        } catch (RegistryException e) {
            if (e.failure() == Failure.UNREACHABLE) {
                down.put(host, e.getMessage());
            }
            throw e;
        }
    }

    private <T> HttpResponse<T> sendOnce(HttpRequest request, HttpResponse.BodyHandler<T> handler, long limit) throws RegistryException {
        CompletableFuture<HttpResponse<T>> f = client.sendAsync(request, handler);
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
            if (cause instanceof CappedBody.TooLarge) {
                throw new RegistryException(Failure.UNTRUSTED_ANSWER, request.uri().getHost() + ": an answer larger than "
                        + limit + " bytes");
            }
            String why = cause instanceof java.net.ConnectException ? "connection refused"
                    : cause instanceof java.net.http.HttpTimeoutException ? "timed out"
                    : cause instanceof IOException ? "network error" : "request failed";
            throw new RegistryException(Failure.UNREACHABLE, request.uri().getHost() + ": " + why);
        }
    }

    static RegistryException failure(HttpResponse<?> r, String where) {
        discard(r);
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

    private static long retryAfter(HttpResponse<?> r) {
        String v = r.headers().firstValue("Retry-After").orElse("").strip();
        if (v.matches("[0-9]{1,12}")) {
            return Math.min(Long.parseLong(v), MAX_RETRY_AFTER);
        }
        return v.isEmpty() ? -1 : MAX_RETRY_AFTER;
    }

    URI uri(String host, String path) {
        boolean plain = insecure.contains(host) || loopback(host);
        return URI.create((plain ? "http://" : "https://") + host + path);
    }

    boolean allowed(URI u) {
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
}
