package dev.harden.verify;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.cli.HardenCommand;
import dev.harden.testing.FakeForge;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code harden pr --verify} end to end: a real git server on loopback, a fake forge and a real
 * engine. Skipped without any of them.
 */
class PrVerifyTest {
    private static final String TOKEN = "ghp_VerifyTokenNeverShown42";
    private static final String COMPOSE = """
            services:
              web:
                image: local/nginx:deb
              cache:
                image: local/redis:deb
                volumes:
                  - data:/data
            volumes:
              data:
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
    void thePullRequestLeavesOutTheChangeThatBrokeAServiceAndItsBodySaysWhichRuleAndLogLine() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        String host = LocalEngine.host();
        // Knowledge that forgets where nginx writes: read-only-root-filesystem then breaks web, and only web.
        String wrong = Files.readString(Path.of("examples/compose/local-images.yaml"))
                .replace("writablePaths: [/var/lib/nginx, /run]", "writablePaths: []");
        server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN);
        Path bare = server.repository("shop");
        GitCli.seed(bare, Map.of("compose.yaml", COMPOSE, ".harden.yaml", "images: wrong-images.yaml\n",
                "wrong-images.yaml", wrong));
        fake = new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/shop", branch -> GitCli.tip(bare, branch) != null);
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");

        Result r = harden("pr", "--clone", server.url("shop"), "--repo", "acme/shop", "--api-url", fake.apiUrl(),
                "--token-file", tokenFile.toString(), "--write-interval", "0", "--verify", "--no-repair", "--docker-host", host);

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("left out compose.yaml: web: read-only-root-filesystem (", "Read-only file system")
                .contains("2 services: 1 run before and after, 1 broken by hardening");
        String committed = git(bare, "show", "harden/restricted:compose.yaml");
        String web = committed.substring(committed.indexOf("  web:"), committed.indexOf("  cache:"));
        String cache = committed.substring(committed.indexOf("  cache:"));
        assertThat(web).doesNotContain("read_only").contains("cap_drop", "no-new-privileges:true");
        assertThat(cache).contains("read_only: true", "cap_drop");
        assertThat(fake.prs()).singleElement().satisfies(pr -> {
            assertThat(pr.body).contains("### Verified on a Docker engine",
                    "| web | `local/nginx:deb` | broken by hardening: read-only-root-filesystem |",
                    "| cache | `local/redis:deb` | runs before and after |",
                    "- `web`: read-only-root-filesystem (its log reports: Read-only file system)")
                    .as("the body quotes no container log text").doesNotContain("mkdir()").doesNotContain("/var/lib/nginx");
            assertThat(pr.body).contains("| cache | [Root filesystem read-only]").doesNotContain("| web | [Root filesystem read-only]");
            assertThat(pr.body.length()).isLessThanOrEqualTo(65_536);
        });
    }

    private record Result(int code, String out, String err) { }

    private static Result harden(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardenCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(List.of(args).toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }
}
