package dev.harden.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API in front of several {@link FakeForge}s, one per repository: a request for
 * {@code /repos/OWNER/NAME/...} (GitHub), {@code /api/v1/repos/OWNER/NAME/...} (Gitea) or
 * {@code /api/v4/projects/OWNER%2FNAME/...} (GitLab) goes, headers and body as they are, to that
 * repository's fake, so a campaign over many repositories talks to one API as it would to the forge.
 */
public final class ForgeRouter implements AutoCloseable {
    private static final Pattern REPO = Pattern.compile("^(?:/api/v1)?/repos/([^/]+/[^/?]+)(/.*)?$");
    private static final Pattern PROJECT = Pattern.compile("^/api/v4/projects/([^/?]+)(/.*)?$");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "expect", "keep-alive");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<String, FakeForge> fakes;

    /** @param fakes each repository's fake, by {@code owner/name} */
    public ForgeRouter(Map<String, FakeForge> fakes) throws IOException {
        this.fakes = Map.copyOf(fakes);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::route);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** The GitHub-shaped API's URL (no path). */
    public String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The API's URL as a campaign of this forge names it: with {@code /api/v4} for GitLab, {@code /api/v1} for Gitea. */
    public String apiUrl(FakeForge.Dialect dialect) {
        return apiUrl() + switch (dialect) {
            case GITHUB -> "";
            case GITLAB -> "/api/v4";
            case GITEA -> "/api/v1";
        };
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            Matcher m = REPO.matcher(uri.getRawPath());
            Matcher project = PROJECT.matcher(uri.getRawPath());
            FakeForge fake = m.matches() ? fakes.get(m.group(1))
                    : project.matches() ? fakes.get(URLDecoder.decode(project.group(1), StandardCharsets.UTF_8)) : null;
            if (fake == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            URI api = URI.create(fake.apiUrl());
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(api.getScheme() + "://" + api.getRawAuthority()
                            + uri.getRawPath()
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            byte[] out = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
