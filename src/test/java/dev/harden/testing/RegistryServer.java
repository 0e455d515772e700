package dev.harden.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A real OCI registry on loopback: Debian's {@code docker-registry} (the CNCF Distribution server),
 * optionally behind htpasswd basic authentication, with a small push client so tests can place the
 * images they build themselves.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");

    private final int port;
    private final Process process;
    private final String authorization;
    private final HttpClient http = HttpClient.newHttpClient();

    private RegistryServer(int port, Process process, String authorization) {
        this.port = port;
        this.process = process;
        this.authorization = authorization;
    }

    /** Whether docker-registry is installed (.ci/run installs it); login tests also need htpasswd (apache2-utils). */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public static boolean htpasswdAvailable() {
        return available() && Files.isExecutable(HTPASSWD);
    }

    /** An open registry storing under {@code root}. */
    public static RegistryServer start(Path root) throws IOException, InterruptedException {
        return start(root, null, null);
    }

    /** A registry that lets only this user in (basic authentication), storing under {@code root}. */
    public static RegistryServer start(Path root, String user, String password) throws IOException, InterruptedException {
        int port = Loopback.freePort();
        String auth = "";
        String authorization = null;
        if (user != null) {
            Process h = new ProcessBuilder(HTPASSWD.toString(), "-Bbn", user, password).start();
            String line = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            h.waitFor();
            Files.writeString(root.resolve("htpasswd"), line + "\n");
            auth = """
                    auth:
                      htpasswd:
                        realm: harden-test
                        path: %s
                    """.formatted(root.resolve("htpasswd"));
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        String conf = """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                %s""".formatted(root.resolve("data"), port, auth);
        Path file = root.resolve("registry.yml");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(BINARY.toString(), "serve", file.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("registry.out").toFile()).start();
        RegistryServer server = new RegistryServer(port, p, authorization);
        if (Loopback.awaitListening(port, p, 15)) {
            return server;
        }
        server.close();
        throw new IOException("docker-registry did not start: " + Files.readString(root.resolve("registry.out")));
    }

    /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Uploads a blob and returns its digest. */
    public String pushBlob(String repository, byte[] content) throws IOException, InterruptedException {
        String digest = sha256(content);
        HttpResponse<String> start = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (start.statusCode() != 202) {
            throw new IOException("upload refused: " + start.statusCode() + " " + start.body());
        }
        URI location = uri("/").resolve(start.headers().firstValue("Location").orElseThrow());
        String sep = location.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
        if (put.statusCode() != 201) {
            throw new IOException("blob upload failed: " + put.statusCode() + " " + put.body());
        }
        return digest;
    }

    /** Stores a manifest (or index) under a tag and returns the digest of exactly these bytes. */
    public String pushManifest(String repository, String tag, String mediaType, String json) throws IOException, InterruptedException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        if (put.statusCode() != 201) {
            throw new IOException("manifest push failed: " + put.statusCode() + " " + put.body());
        }
        return sha256(bytes);
    }

    /**
     * Pushes a small image (a config naming the user and one layer of the given bytes) for one
     * platform and returns the manifest's digest and size as {@code digest size}.
     */
    public Pushed pushImage(String repository, String tag, String os, String arch, String user, byte[] layer)
            throws IOException, InterruptedException {
        String config = """
                {"architecture":"%s","os":"%s","config":{"User":"%s"},"rootfs":{"type":"layers","diff_ids":["%s"]}}"""
                .formatted(arch, os, user, sha256(layer));
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configDigest = pushBlob(repository, configBytes);
        String layerDigest = pushBlob(repository, layer);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}"""
                .formatted(configDigest, configBytes.length, layerDigest, layer.length);
        String digest = pushManifest(repository, tag, "application/vnd.oci.image.manifest.v1+json", manifest);
        return new Pushed(digest, manifest.getBytes(StandardCharsets.UTF_8).length, configDigest);
    }

    /** A pushed image manifest: its digest, size and config digest. */
    public record Pushed(String digest, int size, String configDigest) {
    }

    /** Pushes an OCI index over the given platform manifests and returns its digest. */
    public String pushIndex(String repository, String tag, Pushed amd64, Pushed arm64) throws IOException, InterruptedException {
        String index = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,"platform":{"architecture":"amd64","os":"linux"}},\
                {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"""
                .formatted(amd64.digest(), amd64.size(), arm64.digest(), arm64.size());
        return pushManifest(repository, tag, "application/vnd.oci.image.index.v1+json", index);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://" + host() + path);
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Loopback.stop(process);
    }
}
