package dev.harden.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.harden.registry.RegistryException.Failure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registry answers no honest registry gives, and flows the loopback registry cannot show (Docker
 * Hub's token service, redirects to blob storage): served by small JDK HTTP servers on loopback.
 */
class HostileRegistryTest {
    private static final String INDEX = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private String serve(HttpHandler handler) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", handler);
        s.start();
        servers.add(s);
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    private static void answer(HttpExchange x, int status, Map<String, String> headers, String body) throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        }
        x.close();
    }

    private static Registry client(Logins logins, Duration deadline) {
        return Registry.create(logins, Set.of(), deadline);
    }

    private static Failure failureOf(ThrowingCall call) {
        try {
            call.run();
        } catch (RegistryException e) {
            return e.failure();
        }
        throw new AssertionError("no RegistryException");
    }

    interface ThrowingCall {
        void run() throws RegistryException;
    }

    @Test
    void dockerHubsTokenFlowSendsTheLoginOnlyToTheTokenServiceAndTheTokenOnlyToTheRegistry() throws Exception {
        String token = serve(x -> {
            seen.add("token " + x.getRequestURI().getQuery() + " " + x.getRequestHeaders().getFirst("Authorization"));
            answer(x, 200, Map.of(), "{\"token\":\"tok-123\"}");
        });
        String registry = serve(x -> {
            String auth = x.getRequestHeaders().getFirst("Authorization");
            seen.add("registry " + auth);
            if (!"Bearer tok-123".equals(auth)) {
                answer(x, 401, Map.of("WWW-Authenticate", "Bearer realm=\"http://" + token
                        + "/token\",service=\"reg.test\",scope=\"repository:team/app:pull\""), "");
            } else {
                answer(x, 200, Map.of("Content-Type", "application/vnd.oci.image.index.v1+json"), INDEX);
            }
        });
        Logins login = Logins.of(Map.of("HARDEN_REGISTRY_" + registry.replaceAll("[^A-Za-z0-9]", "_") + "_USERNAME", "me",
                "HARDEN_REGISTRY_" + registry.replaceAll("[^A-Za-z0-9]", "_") + "_PASSWORD", "pw"), null, null);

        Resolution r = client(login, Duration.ofSeconds(5)).resolve(new ManifestRef(registry, "team/app", "1"));

        assertThat(r.digest()).isEqualTo(Registry.sha256(INDEX.getBytes(StandardCharsets.UTF_8)));
        assertThat(seen).containsExactly("registry null",
                "token service=reg.test&scope=repository:team/app:pull Basic bWU6cHc=",
                "registry Bearer tok-123");
    }

    @Test
    void aTokenRealmOnPlainHttpOffLoopbackIsRefusedBeforeAnyLoginIsSent() throws Exception {
        String registry = serve(x -> answer(x, 401, Map.of("WWW-Authenticate",
                "Bearer realm=\"http://token.example.invalid/token\",service=\"x\""), ""));

        assertThatThrownBy(() -> client(Logins.none(), Duration.ofSeconds(5)).resolve(new ManifestRef(registry, "team/app", "1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.UNTRUSTED_ANSWER);
                    assertThat(e.getMessage()).contains("refusing the token realm");
                });
    }

    @Test
    void aRedirectToBlobStorageElsewhereDropsTheCredentials() throws Exception {
        byte[] blob = "blob bytes".getBytes(StandardCharsets.UTF_8);
        String digest = Registry.sha256(blob);
        String storage = serve(x -> {
            seen.add("storage " + x.getRequestHeaders().getFirst("Authorization"));
            answer(x, 200, Map.of(), "blob bytes");
        });
        String registry = serve(x -> {
            if (x.getRequestHeaders().getFirst("Authorization") == null) {
                answer(x, 401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), "");
            } else {
                answer(x, 307, Map.of("Location", "http://" + storage + "/bucket/blob"), "");
            }
        });
        String key = "HARDEN_REGISTRY_" + registry.replaceAll("[^A-Za-z0-9]", "_");
        Logins login = Logins.of(Map.of(key + "_USERNAME", "me", key + "_PASSWORD", "pw"), null, null);

        byte[] got = client(login, Duration.ofSeconds(5)).blob(new ManifestRef(registry, "team/app", "1"), digest, 1000);

        assertThat(got).isEqualTo(blob);
        assertThat(seen).containsExactly("storage null");
    }

    @Test
    void aManifestWhoseBytesDoNotMatchTheDigestTheRegistryClaimsIsRefused() throws Exception {
        String registry = serve(x -> answer(x, 200, Map.of("Docker-Content-Digest", "sha256:" + "0".repeat(64),
                "Content-Type", "application/vnd.oci.image.index.v1+json"), INDEX));

        assertThat(failureOf(() -> client(Logins.none(), Duration.ofSeconds(5)).resolve(new ManifestRef(registry, "team/app", "1"))))
                .isEqualTo(Failure.UNTRUSTED_ANSWER);
    }

    @Test
    void aManifestLargerThanTheCapIsRefused() throws Exception {
        String huge = "{\"pad\":\"" + "x".repeat((int) Registry.MANIFEST_LIMIT) + "\"}";
        String registry = serve(x -> answer(x, 200, Map.of(), huge));

        assertThat(failureOf(() -> client(Logins.none(), Duration.ofSeconds(10)).resolve(new ManifestRef(registry, "team/app", "1"))))
                .isEqualTo(Failure.UNTRUSTED_ANSWER);
    }

    @Test
    void rateLimitsAreReportedWithACappedWait() throws Exception {
        String registry = serve(x -> answer(x, 429, Map.of("Retry-After", "99999999"), ""));

        assertThatThrownBy(() -> client(Logins.none(), Duration.ofSeconds(5)).resolve(new ManifestRef(registry, "team/app", "1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.RATE_LIMITED);
                    assertThat(e.retryAfterSeconds()).isEqualTo(900);
                });
    }

    @Test
    void aDeadRegistryIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int closed = port;

        assertThat(failureOf(() -> client(Logins.none(), Duration.ofSeconds(5)).resolve(new ManifestRef("127.0.0.1:" + closed, "a/b", "1"))))
                .isEqualTo(Failure.UNREACHABLE);
    }

    @Test
    void aServerThatTricklesItsAnswerHitsTheTotalDeadline() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread slow = new Thread(() -> {
                try (Socket c = s.accept(); OutputStream out = c.getOutputStream()) {
                    c.getInputStream().read(new byte[4096]);
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 40; i++) {
                        out.write('{');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client hung up, as it should
                }
            });
            slow.setDaemon(true);
            slow.start();
            long start = System.nanoTime();

            Failure f = failureOf(() -> client(Logins.none(), Duration.ofMillis(1500))
                    .resolve(new ManifestRef("127.0.0.1:" + s.getLocalPort(), "a/b", "1")));

            assertThat(f).isEqualTo(Failure.UNREACHABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void onlyLoopbackIsSpokenToOverPlainHttpUnlessNamedInsecure() {
        assertThat(Registry.loopback("127.0.0.1:5000")).isTrue();
        assertThat(Registry.loopback("localhost:5000")).isTrue();
        assertThat(Registry.loopback("[::1]:5000")).isTrue();
        assertThat(Registry.loopback("127.example.com:5000")).isFalse();
        assertThat(Registry.loopback("registry.local")).isFalse();
        assertThat(Registry.loopback("10.0.0.1:5000")).isFalse();
    }
}
