package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.FakeForge;
import dev.harden.testing.ForgeRouter;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import dev.harden.testing.RegistryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code harden bulk run} pins digests: each repository's commit carries its lock file, as {@code harden pr}'s does. */
class BulkLockFileTest {
    private static final String TOKEN = "ghp_BulkLockTokenNeverShown64";
    private static final String BRANCH = "harden/pins";
    private static final String OLD_DIGEST = "sha256:" + "a".repeat(64);

    @TempDir
    Path dir;

    private GitServer server;
    private ForgeRouter router;
    private final Map<String, Path> bares = new LinkedHashMap<>();
    private final Map<String, FakeForge> fakes = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        fakes.values().forEach(FakeForge::close);
        if (server != null) {
            server.close();
        }
    }

    private void repo(String name, Map<String, String> files) throws Exception {
        Path bare = server.repository(name);
        GitCli.seed(bare, files);
        bares.put(name, bare);
        fakes.put(name, new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/" + name, b -> GitCli.tip(bare, b) != null));
    }

    private static int run(List<String> args, StringWriter out) {
        CommandLine cli = HardenCommand.commandLine(args.toArray(String[]::new));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args.toArray(String[]::new));
    }

    @Test
    void aCampaignThatPinsDigestsCommitsANewLockFileOrTheUpdatedOne(@TempDir Path registryRoot) throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        assumeTrue(RegistryServer.available(), Needs.REGISTRY);
        try (RegistryServer registry = RegistryServer.start(registryRoot)) {
            String digest = registry.pushImage("team/web", "1.27", "linux", "amd64", "101",
                    "layer".getBytes(StandardCharsets.UTF_8)).digest();
            String compose = "services:\n  web:\n    image: " + registry.host() + "/team/web:1.27\n";
            String oldLock = "apiVersion: harden/v1\nkind: Lock\nimages:\n  - image: " + registry.host() + "/team/db\n"
                    + "    tag: \"16\"\n    digest: " + OLD_DIGEST + "\n    platforms: [linux/amd64]\n"
                    + "    resolved: \"2026-01-02\"\n";
            server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN);
            repo("fresh", Map.of("compose.yaml", compose));
            repo("locked", Map.of("compose.yaml", compose, ".harden.lock", oldLock));
            Map<String, FakeForge> byRepo = new LinkedHashMap<>();
            fakes.forEach((name, fake) -> byRepo.put("acme/" + name, fake));
            router = new ForgeRouter(byRepo);
            Files.writeString(dir.resolve("pins-only.yaml"), "apiVersion: harden/v1\nkind: Profile\nname: pins-only\nrules:\n"
                    + "  image-tag-pinned: {severity: warning, fix: true, params: {pin: digest}}\n");
            Path campaign = Files.writeString(dir.resolve("campaign.yaml"), """
                    apiVersion: harden/v1
                    kind: Campaign
                    name: pins
                    forge: github
                    api: %s
                    profile: pins-only.yaml
                    branch: %s
                    repositories: [acme/fresh, acme/locked]
                    """.formatted(router.apiUrl(), BRANCH));
            Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
            StringWriter out = new StringWriter();

            int code = run(List.of("bulk", "run", campaign.toString(), "--journal", dir.resolve("j.jsonl").toString(),
                    "--token-file", token.toString(), "--clone-url", server.url("x").replace("x.git", "") + "{name}.git"), out);

            assertThat(code).as(out.toString()).isZero();
            // the git CLI, as a second opinion: the lock file is in the one commit, new in one repository, updated in the other
            assertThat(GitCli.git(bares.get("fresh"), "show", "--name-status", "--format=", BRANCH).lines().toList())
                    .containsExactly("A\t.harden.lock", "M\tcompose.yaml");
            assertThat(GitCli.git(bares.get("locked"), "show", "--name-status", "--format=", BRANCH).lines().toList())
                    .containsExactly("M\t.harden.lock", "M\tcompose.yaml");
            for (String name : List.of("fresh", "locked")) {
                assertThat(GitCli.git(bares.get(name), "rev-list", "--count", "main.." + BRANCH).strip()).isEqualTo("1");
                assertThat(GitCli.git(bares.get(name), "show", BRANCH + ":compose.yaml")).contains("/team/web:1.27@" + digest);
                assertThat(GitCli.git(bares.get(name), "show", BRANCH + ":.harden.lock")).contains("digest: " + digest);
                assertThat(fakes.get(name).prs()).as(name).hasSize(1);
            }
            // an entry the run did not touch stays as the repository had it
            assertThat(GitCli.git(bares.get("locked"), "show", BRANCH + ":.harden.lock"))
                    .contains("image: " + registry.host() + "/team/db\n", "digest: " + OLD_DIGEST);
            assertThat(out.toString()).doesNotContain(TOKEN);
        }
    }
}
