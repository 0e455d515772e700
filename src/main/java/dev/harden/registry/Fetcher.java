package dev.harden.registry;

import dev.harden.json.Json;
import dev.harden.registry.RegistryException.Failure;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads one path of a registry, answering its challenge once: Docker's token flow for a bearer
 * challenge, the user's login for a basic one. Tokens are kept per host and scope for this run.
 */
final class Fetcher {
    private static final long TOKEN_LIMIT = 64L << 10;

    private final Logins logins;
    private final Transport transport;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Set<String> basicHosts = ConcurrentHashMap.newKeySet();

    Fetcher(Logins logins, Transport transport) {
        this.logins = logins;
        this.transport = transport;
    }

    /** One answer with its body and the sha256 of that body. */
    record Answer(HttpResponse<byte[]> response, byte[] body, String digest) {
    }

    Answer get(ManifestRef where, String path, String accept, long limit) throws RegistryException {
        return get(where, path, accept, limit, false);
    }

    Answer get(ManifestRef where, String path, String accept, long limit, boolean head) throws RegistryException {
        HttpResponse<byte[]> r = exchange(where, path, accept, head, info -> new CappedBody(limit), limit);
        return new Answer(r, r.body(), Registry.sha256(r.body()));
    }

    /** A blob's body as a stream, capped at {@code limit} bytes and checked against {@code digest} at its end. */
    InputStream stream(ManifestRef where, String path, String digest, long limit) throws RegistryException {
        long deadline = System.nanoTime() + transport.deadline().toNanos();
        String what = where.host() + "/" + where.repository() + ": blob " + digest;
        HttpResponse<InputStream> r = exchange(where, path, null, false, info -> new StreamedBody(limit, digest, what, deadline), limit);
        return r.body();
    }

    /** One successful answer, after answering the registry's challenge once. */
    private <T> HttpResponse<T> exchange(ManifestRef where, String path, String accept, boolean head,
                                         HttpResponse.BodyHandler<T> handler, long limit) throws RegistryException {
        String scope = "repository:" + where.repository() + ":pull";
        URI uri = transport.uri(where.host(), path);
        boolean retried = false;
        while (true) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(transport.deadline());
            b = head ? b.method("HEAD", HttpRequest.BodyPublishers.noBody()) : b.GET();
            if (accept != null) {
                b.header("Accept", accept);
            }
            authorize(b, where.host(), scope);
            HttpResponse<T> r = transport.sendFollowing(b.build(), where.host(), handler, limit);
            int status = r.statusCode();
            if (status == 401 && !retried) {
                retried = true;
                Transport.discard(r);
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
                return r;
            }
            throw Transport.failure(r, where.host() + "/" + where.repository());
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
        if (realmUri.getHost() == null || realmUri.getRawUserInfo() != null || !transport.allowed(realmUri)) {
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
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).GET().timeout(transport.deadline());
        logins.forHost(host).ifPresent(l -> b.header("Authorization", basic(l)));
        HttpResponse<byte[]> r = transport.send(b.build(), TOKEN_LIMIT);
        if (r.statusCode() != 200) {
            throw Transport.failure(r, host + " (token service)");
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
}
