package dev.harden.verify;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.FakeForge;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.HardenProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harden pr --verify} run as a user runs it, with the forge token in its environment: the
 * token reaches no container, no output stream, no pull request, no commit and no git folder.
 * Needs a Docker engine, lighttpd and git; skipped without them.
 */
class VerifySecretsTest {
    private static final String TOKEN = "ghp_VerifySecretNeverLeaves7";
    /**
     * A service that runs as written and fails under a read-only root filesystem, saying in its log
     * line how long the token is in its environment and quoting what {@code ${HARDEN_TOKEN}} became.
     */
    private static final String COMPOSE = """
            services:
              app:
                image: local/busybox:static
                environment:
                  - LEAK=${HARDEN_TOKEN}
                  - HARDEN_TOKEN
                command:
                  - sh
                  - -c
                  - >-
                    if grep -qE '^[^ ]+ / [^ ]+ ro[ ,]' /proc/mounts;
                    then echo "leak-length=$${#LEAK}/$${#HARDEN_TOKEN} token=[${HARDEN_TOKEN}]: Read-only file system"; exit 1;
                    fi; exec sleep 600
            """;

    /** What the repository says of its image: it starts as root and writes only /tmp. */
    private static final String IMAGES = """
            images:
              - name: local/busybox
                runsAs: root
                writablePaths: [/tmp]
                sources: [https://example.org/local-busybox]
            """;

    @TempDir
    Path dir;

    private GitServer server;
    private FakeForge fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theTokenInHardensEnvironmentReachesNoContainerStreamPullRequestCommitOrGitFolder() throws Exception {
        assumeTrue(GitServer.available(), "lighttpd, git or git-http-backend is not installed (.ci/run installs them)");
        String host = LocalEngine.host();
        server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN);
        Path bare = server.repository("shop");
        // described in the repository's images file: restricted changes no image it knows nothing of
        GitCli.seed(bare, Map.of("compose.yaml", COMPOSE, ".harden.yaml", "images: images.yaml\n", "images.yaml", IMAGES));
        fake = new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/shop", branch -> GitCli.tip(bare, branch) != null);

        HardenProcess.Result r = HardenProcess.start(Files.createDirectories(dir.resolve("work")), Map.of("HARDEN_TOKEN", TOKEN),
                "pr", "--clone", server.url("shop"), "--repo", "acme/shop", "--api-url", fake.apiUrl(),
                "--write-interval", "0", "--verify", "--no-repair", "--docker-host", host).await(300);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).as("the container saw neither the interpolated nor the passed-through token")
                .contains("leak-length=0/0").contains("left out compose.yaml: app: read-only-root-filesystem");
        assertThat(fake.prs()).singleElement().satisfies(pr -> assertThat(pr.body)
                .contains("| app | `local/busybox:static` | broken by hardening: read-only-root-filesystem |")
                .doesNotContain(TOKEN).doesNotContain("leak-length"));
        assertThat(r.out()).doesNotContain(TOKEN);
        assertThat(r.err()).doesNotContain(TOKEN);
        assertThat(git(bare, "log", "--all", "-p", "--format=%H%n%an %ae%n%B")).doesNotContain(TOKEN);
        assertThat(git(bare, "cat-file", "--batch-all-objects", "--batch")).doesNotContain(TOKEN);
        assertThat(filesContaining(bare, TOKEN)).isEmpty();
        assertThat(filesContaining(dir.resolve("work"), TOKEN)).as("files harden left in its working folder").isEmpty();
    }

    private static List<Path> filesContaining(Path root, String secret) throws IOException {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> contains(read(f), needle)).toList();
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
