package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.RegistryServer;
import dev.harden.testing.RegistryServer.Pushed;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harden fix --pin} end to end, against a real registry on loopback holding images the test
 * pushed itself: a two-platform index under {@code 1.27.3}, {@code 1.27} and {@code latest}.
 */
class PinningTest {
    private static RegistryServer server;
    private static String index;
    private static Pushed amd64;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(@TempDir Path root) throws Exception {
        assumeTrue(RegistryServer.available(), dev.harden.testing.Needs.REGISTRY);
        server = RegistryServer.start(root);
        amd64 = server.pushImage("team/web", "build-amd64", "linux", "amd64", "101", "a".getBytes(StandardCharsets.UTF_8));
        Pushed arm64 = server.pushImage("team/web", "build-arm64", "linux", "arm64", "101", "b".getBytes(StandardCharsets.UTF_8));
        index = server.pushIndex("team/web", "1.27.3", amd64, arm64);
        server.pushIndex("team/web", "1.27", amd64, arm64);
        server.pushIndex("team/web", "latest", amd64, arm64);
        server.pushIndex("team/web", "1.26.9", arm64, amd64);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A profile with only the pinning rule, so the expected files show nothing but the pin. */
    private String profile() throws IOException {
        Path p = dir.resolve("pins-only.yaml");
        Files.writeString(p, """
                apiVersion: harden/v1
                kind: Profile
                name: pins-only
                rules:
                  image-tag-pinned: {severity: warning, fix: true}
                """);
        return p.toString();
    }

    private Path compose(String image) throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, """
                services:
                  # the front door
                  web:
                    image: "%s"   # keep this comment
                    ports: ["8080:8080"]
                """.formatted(image));
        return file;
    }

    private static String expected(String image) {
        return """
                services:
                  # the front door
                  web:
                    image: "%s"   # keep this comment
                    ports: ["8080:8080"]
                """.formatted(image);
    }

    @Test
    void aVersionTagIsPinnedToTheDigestOfItsMultiPlatformIndexAndEveryOtherByteStays() throws IOException {
        Path file = compose(server.host() + "/team/web:1.27");

        Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo(expected(server.host() + "/team/web:1.27@" + index));
        assertThat(index).isNotEqualTo(amd64.digest());
        assertThat(Files.readString(dir.resolve(".harden.lock"))).contains("image: " + server.host() + "/team/web:1.27",
                "digest: " + index, "platforms: [linux/amd64, linux/arm64/v8]");
        Cli again = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());
        assertThat(again.exit()).isZero();
        assertThat(Files.readString(file)).isEqualTo(expected(server.host() + "/team/web:1.27@" + index));
    }

    @Test
    void aFloatingTagGetsTheMostSpecificVersionThatSharesItsDigest() throws IOException {
        Path file = compose(server.host() + "/team/web:latest");

        Cli tag = Cli.run("fix", "--profile", profile(), "--pin", "tag", file.toString());

        assertThat(tag.exit()).as(tag.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo(expected(server.host() + "/team/web:1.27.3"));

        Path other = compose(server.host() + "/team/web");
        Files.deleteIfExists(dir.resolve(".harden.lock"));
        Cli digest = Cli.run("fix", "--profile", profile(), "--pin", "digest", other.toString());
        assertThat(digest.exit()).as(digest.err()).isZero();
        assertThat(Files.readString(other)).isEqualTo(expected(server.host() + "/team/web:1.27.3@" + index));
    }

    @Test
    void offlineRunsFromTheLockFileGiveTheSameBytes() throws IOException {
        Path file = compose(server.host() + "/team/web:1.27");
        assertThat(Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString()).exit()).isZero();
        String online = Files.readString(file);

        compose(server.host() + "/team/web:1.27");
        Cli offline = Cli.run("fix", "--profile", profile(), "--pin", "digest", "--offline", file.toString());

        assertThat(offline.exit()).as(offline.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo(online);

        Files.delete(dir.resolve(".harden.lock"));
        compose(server.host() + "/team/web:1.27");
        Cli nothing = Cli.run("fix", "--profile", profile(), "--pin", "digest", "--offline", file.toString());
        assertThat(Files.readString(file)).isEqualTo(expected(server.host() + "/team/web:1.27"));
        assertThat(nothing.err()).contains("not in the lock file");
    }

    @Test
    void aMovedTagIsRefreshedInPlace() throws Exception {
        String old = server.pushIndex("team/web", "1.25", amd64, amd64);
        Path file = compose(server.host() + "/team/web:1.25@" + old);
        String moved = server.pushIndex("team/web", "1.25", amd64, server.pushImage("team/web", "x", "linux", "arm64", "7",
                "c".getBytes(StandardCharsets.UTF_8)));

        Cli plain = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());
        assertThat(Files.readString(file)).as("without --refresh-pins a pinned digest stays").contains(old);

        Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", "--refresh-pins", file.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo(expected(server.host() + "/team/web:1.25@" + moved));
        assertThat(r.err()).contains("refreshed image team/web:1.25");
        assertThat(plain.exit()).isZero();
    }

    @Test
    void aMissingImageOrADeadRegistryIsAFindingAndNothingIsWritten() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        for (String image : new String[] {server.host() + "/team/web:9.9.9", "127.0.0.1:" + dead + "/team/web:1.0.0"}) {
            Path file = compose(image);

            Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());

            assertThat(Files.readString(file)).isEqualTo(expected(image));
            assertThat(r.err()).contains("not pinned: ");
            assertThat(Files.exists(dir.resolve(".harden.lock"))).isFalse();
        }
    }

    @Test
    void checkReportsWhatFixWouldPinWithoutWritingAnything() throws IOException {
        Path file = compose(server.host() + "/team/web:1.27");

        Cli r = Cli.run("check", "--profile", profile(), "--pin", "digest", file.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("image-tag-pinned", "is not pinned to a digest");
        assertThat(Files.readString(file)).isEqualTo(expected(server.host() + "/team/web:1.27"));
    }

    @Test
    void aBadPinModeIsAUsageError() throws IOException {
        Cli r = Cli.run("check", "--pin", "sometimes", compose("nginx:1.27").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--pin: 'sometimes' is not one of digest, tag, report");
    }
    @Test
    void aMirrorIsAskedFirstAndTheDigestIsTheSame(@TempDir Path mirrorRoot) throws Exception {
        try (RegistryServer mirror = RegistryServer.start(mirrorRoot)) {
            Pushed a = mirror.pushImage("team/web", "build-amd64", "linux", "amd64", "101", "a".getBytes(StandardCharsets.UTF_8));
            Pushed b = mirror.pushImage("team/web", "build-arm64", "linux", "arm64", "101", "b".getBytes(StandardCharsets.UTF_8));
            assertThat(mirror.pushIndex("team/web", "1.27", a, b)).isEqualTo(index);
            int dead;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                dead = s.getLocalPort();
            }
            Path file = compose("127.0.0.1:" + dead + "/team/web:1.27");

            Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", "--registry-mirror",
                    "127.0.0.1:" + dead + "=" + mirror.host(), file.toString());

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(Files.readString(file)).isEqualTo(expected("127.0.0.1:" + dead + "/team/web:1.27@" + index));
        }
    }

    @Test
    void aRegistryThatRefusesUsIsAFindingNamingHowToLogInAndNothingIsWritten(@TempDir Path lockedRoot) throws Exception {
        assumeTrue(RegistryServer.htpasswdAvailable(), dev.harden.testing.Needs.HTPASSWD);
        try (RegistryServer locked = RegistryServer.start(lockedRoot, "ci", "pw")) {
            locked.pushImage("team/private", "1.0.0", "linux", "amd64", "0", new byte[] {1});
            Path file = compose(locked.host() + "/team/private:1.0.0");

            Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());

            assertThat(Files.readString(file)).isEqualTo(expected(locked.host() + "/team/private:1.0.0"));
            assertThat(r.err()).contains("access denied (HTTP 401)", "HARDEN_REGISTRY_");
        }
    }

    @Test
    void everyKubernetesContainerInitAndEphemeralIsPinned() throws IOException {
        String image = server.host() + "/team/web:1.27";
        Path file = dir.resolve("pod.yaml");
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  initContainers:
                    - name: init
                      image: %1$s
                  containers:
                    - name: app
                      image: %1$s
                  ephemeralContainers:
                    - name: debug
                      image: '%1$s'
                """;
        Files.writeString(file, pod.formatted(image));

        Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(file)).isEqualTo(pod.formatted(image + "@" + index));
    }

    @Test
    void aServiceBuiltHereIsNotLookedUp() throws IOException {
        Path file = dir.resolve("compose.yaml");
        String text = """
                services:
                  app:
                    build: .
                    image: %s/team/app:latest
                """.formatted(server.host());
        Files.writeString(file, text);

        Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());

        assertThat(Files.readString(file)).isEqualTo(text);
        assertThat(r.err()).contains("built here from build:");
    }
    @Test
    void aRateLimitedRegistryIsAFindingAndNothingIsWritten() throws IOException {
        com.sun.net.httpserver.HttpServer limited = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        limited.createContext("/", x -> {
            x.getResponseHeaders().add("Retry-After", "60");
            x.sendResponseHeaders(429, -1);
            x.close();
        });
        limited.start();
        try {
            String image = "127.0.0.1:" + limited.getAddress().getPort() + "/team/web:1.27";
            Path file = compose(image);

            Cli r = Cli.run("fix", "--profile", profile(), "--pin", "digest", file.toString());

            assertThat(Files.readString(file)).isEqualTo(expected(image));
            assertThat(r.err()).contains("rate limited (HTTP 429)");
            assertThat(Files.exists(dir.resolve(".harden.lock"))).isFalse();
        } finally {
            limited.stop(0);
        }
    }
}
