package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.forge.Forge;
import dev.harden.testing.FakeForge;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PrCommandTest {
    private static final String TOKEN = "ghp_CliTokenNeverShown0987";
    private static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n";

    @TempDir
    Path dir;

    private GitServer server;
    private FakeForge fake;
    private Path bare;
    private Path tokenFile;

    /** Exit code, standard output and standard error of one command line. */
    private record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Result harden(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardenCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private void start() throws Exception {
        start("shop", Map.of("deploy/compose.yaml", COMPOSE));
    }

    /** A git server with one repository acme/NAME holding these files, and a fake GitHub for it. */
    private void start(String name, Map<String, String> files) throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN);
        bare = server.repository(name);
        GitCli.seed(bare, files);
        fake = new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/" + name, branch -> GitCli.tip(bare, branch) != null);
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
    }

    private String[] pr(String... extra) {
        List<String> args = new ArrayList<>(List.of("pr", "--clone", server.url("shop"), "--repo", "acme/shop",
                "--api-url", fake.apiUrl(), "--token-file", tokenFile.toString(), "--write-interval", "0"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

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
    void printsTheUrlAndWhetherThePullRequestWasOpenedOrLeftAsItWas() throws Exception {
        start();

        Result first = harden(pr("--label", "security", "--draft"));
        Result second = harden(pr("--label", "security", "--draft"));

        assertThat(first.code()).as(first.all()).isZero();
        assertThat(first.out()).isEqualTo("opened: https://github.example/acme/shop/pull/1\n");
        assertThat(first.err()).contains("pushed harden/restricted", "opened pull request #1 from harden/restricted into main");
        assertThat(second.code()).as(second.all()).isZero();
        assertThat(second.out()).isEqualTo("left as it was: https://github.example/acme/shop/pull/1\n");
        assertThat(second.err()).contains("already holds this change; nothing to push");
        assertThat(fake.prs()).singleElement().satisfies(pr -> {
            assertThat(pr.draft).isTrue();
            assertThat(pr.labels).containsExactly("security");
        });
    }

    @Test
    void strictOnKubernetesCommitsTheNewNetworkPolicyFileWithTheManifests() throws Exception {
        String deployment = Files.readString(Path.of(PrCommandTest.class.getResource(
                "/rules/network-policy-default-deny/bad.manifests-stay-unchanged.yaml").toURI()));
        start("k8s", Map.of("deploy/api.yaml", deployment));
        String[] args = {"pr", "--clone", server.url("k8s"), "--repo", "acme/k8s", "--api-url", fake.apiUrl(),
            "--token-file", tokenFile.toString(), "--write-interval", "0", "--profile", "strict"};

        Result dry = harden(java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--dry-run"))
                .toArray(String[]::new));
        assertThat(dry.code()).as(dry.all()).isZero();
        assertThat(dry.out()).startsWith("--- /dev/null\n+++ b/deploy/api.network-policies.yaml\n")
                .contains("--- a/deploy/api.yaml\n", "+kind: NetworkPolicy");

        Result r = harden(args);
        assertThat(r.code()).as(r.all()).isZero();
        // the git CLI, as a second opinion, sees the new file next to the changed manifest on the branch
        String files = GitCli.git(bare, "show", "--name-status", "--format=", "harden/strict");
        assertThat(files.lines().toList()).containsExactly("A\tdeploy/api.network-policies.yaml", "M\tdeploy/api.yaml");
        assertThat(GitCli.git(bare, "show", "harden/strict:deploy/api.network-policies.yaml"))
                .contains("name: deny-ingress-to-api", "namespace: shop");
        Result again = harden(args);
        assertThat(again.out()).as(again.all()).startsWith("left as it was: ");
    }

    @Test
    void pinnedImagesComeWithTheLockFileInTheSameCommit(@TempDir Path registryRoot) throws Exception {
        assumeTrue(dev.harden.testing.RegistryServer.available(), Needs.REGISTRY);
        try (dev.harden.testing.RegistryServer registry = dev.harden.testing.RegistryServer.start(registryRoot)) {
            String digest = registry.pushImage("team/web", "1.27", "linux", "amd64", "101",
                    "layer".getBytes(java.nio.charset.StandardCharsets.UTF_8)).digest();
            start("shop", Map.of("compose.yaml", "services:\n  web:\n    image: " + registry.host() + "/team/web:1.27\n"));
            Path profile = dir.resolve("pins-only.yaml");
            Files.writeString(profile, "apiVersion: harden/v1\nkind: Profile\nname: pins-only\nrules:\n"
                    + "  image-tag-pinned: {severity: warning, fix: true, params: {pin: digest}}\n");

            Result r = harden(pr("--profile", profile.toString(), "--branch", "harden/pins"));

            assertThat(r.code()).as(r.all()).isZero();
            String files = GitCli.git(bare, "show", "--name-status", "--format=", "harden/pins");
            assertThat(files.lines().toList()).containsExactly("A\t.harden.lock", "M\tcompose.yaml");
            assertThat(GitCli.git(bare, "show", "harden/pins:compose.yaml")).contains("/team/web:1.27@" + digest);
            assertThat(GitCli.git(bare, "show", "harden/pins:.harden.lock")).contains("digest: " + digest);
        }
    }

    @Test
    void verifyRefusesAServiceThatWouldMountTheEngineSocketAndNothingIsCommittedOrPushed() throws Exception {
        start("shop", Map.of("deploy/compose.yaml", COMPOSE + "    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n"));

        Result r = harden(pr("--verify", "--docker-host", "unix://" + dir.resolve("no-engine.sock")));

        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("deploy/compose.yaml:4: web: volumes: /var/run/docker.sock hands it the Docker engine's socket;"
                + " nothing was started, committed or pushed (--allow-host-access starts it anyway)");
        assertThat(GitCli.tip(bare, "harden/restricted")).isNull();
        assertThat(fake.prs()).isEmpty();
    }

    @Test
    void aDryRunPrintsThePatchAndThePullRequestAndTouchesNothing() throws Exception {
        start();

        Result r = harden(pr("--dry-run", "deploy"));

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).startsWith("--- a/deploy/compose.yaml\n+++ b/deploy/compose.yaml\n")
                .contains("+    read_only: true",
                        "# harden pr would push branch harden/restricted and open or update this pull request into the default branch:",
                        "# Harden containers with the restricted profile",
                        "| `deploy/compose.yaml:2` | web |", "<!-- harden:pr profile=restricted change=");
        assertThat(GitCli.tip(bare, "harden/restricted")).isNull();
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void theTokenNeverAppearsInOutputEvenWhenEverythingFails() throws Exception {
        start();
        fake.failNext("GET", "/pulls", 400, Map.of(), "{\"message\":\"bad token " + TOKEN + "\"}");
        Result forgeFails = harden(pr("--stacktrace"));
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "wrong-" + TOKEN);
        Result gitFails = harden("pr", "--clone", server.url("shop"), "--repo", "acme/shop", "--api-url", fake.apiUrl(),
                "--token-file", wrong.toString(), "--stacktrace");
        Result tokenInUrl = harden("pr", "--clone", server.url("shop").replace("://", "://x-access-token:" + TOKEN + "@"),
                "--repo", "acme/shop", "--api-url", fake.apiUrl(), "--token-file", wrong.toString(), "--stacktrace");
        Result succeeds = harden(pr("-v", "--stacktrace"));

        assertThat(forgeFails.code()).isEqualTo(HardenCommand.REMOTE);
        assertThat(forgeFails.err()).contains("HTTP 400: bad token ***");
        assertThat(gitFails.code()).isEqualTo(HardenCommand.REMOTE);
        assertThat(gitFails.err()).contains("harden: cannot clone http://127.0.0.1:").contains("not authorized");
        assertThat(tokenInUrl.code()).isEqualTo(HardenCommand.REMOTE);
        assertThat(tokenInUrl.err()).contains("HTTP 401: Bad credentials");
        assertThat(succeeds.code()).as(succeeds.all()).isZero();
        for (Result r : List.of(forgeFails, gitFails, tokenInUrl, succeeds)) {
            assertThat(r.all()).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(4));
        }
    }

    @Test
    void aRefusedPushExitsWithFourAndSaysWhy() throws Exception {
        start();
        GitServer.rejectPushes(bare, -1);
        Result r = harden(pr("--push-attempts", "1"));
        assertThat(r.code()).isEqualTo(HardenCommand.REMOTE);
        assertThat(r.err()).contains("harden: the remote refused the push of harden/restricted 1 time (REJECTED_OTHER_REASON:",
                "pre-receive hook declined", "check the server's branch rules and hooks");
        assertThat(fake.calls("POST", "/pulls")).isEmpty();
    }

    @Test
    void usageMistakesExitWithTwoAndSayWhatToDo() throws Exception {
        Path empty = dir.resolve("empty-token");
        Files.writeString(empty, "\n");
        assertThat(harden("pr", "--clone", "file:///nowhere").err()).contains("--repo OWNER/NAME is required");
        assertThat(harden("pr", "--repo", "a/b", "--forge", "bitbucket").err()).contains("unknown forge 'bitbucket'");
        assertThat(harden("pr", "--repo", "a/b", "--forge", "gitea", "--token-file", empty.toString()).err())
                .contains("is empty: put the token in it");
        Result gitea = harden("pr", "--repo", "a/b", "--forge", "gitea", "--token-file", dir.resolve("x").toString());
        assertThat(gitea.code()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(gitea.err()).contains("cannot read the token file");
    }

    @Test
    void theTokenComesFromHardenTokenBeforeTheForgesOwnVariable() {
        Map<String, String> env = Map.of("HARDEN_TOKEN", "from-harden", "GITLAB_TOKEN", "from-gitlab");
        assertThat(PrCommand.token(env::get, Forge.Kind.GITLAB, null, true)).isEqualTo("from-harden");
        assertThat(PrCommand.token(Map.of("GITLAB_TOKEN", " from-gitlab\n")::get, Forge.Kind.GITLAB, null, true))
                .isEqualTo("from-gitlab");
        assertThat(PrCommand.token(Map.of("GITHUB_TOKEN", "x")::get, Forge.Kind.GITEA, null, false)).isNull();
        assertThatThrownBy(() -> PrCommand.token(Map.<String, String>of()::get, Forge.Kind.GITEA, null, true))
                .hasMessageContaining("set HARDEN_TOKEN or GITEA_TOKEN, or use --token-file FILE");
    }

    @Test
    void anInvalidRepoIsABadInputOfOneLineBeforeAnythingIsClonedOrSent() throws Exception {
        Path tokens = dir.resolve("t");
        Files.writeString(tokens, TOKEN);
        for (String repo : List.of("acme", "../acme/shop", "acme/../../user", "acme/shop?per_page=1", "acme/shop#x",
                "acme/./shop", "acme//shop", "acme/sh op", "acme/shop/", "acme/\u001b[2Jshop", "acme/%2e%2e")) {
            // a clone URL nobody serves: reaching it would be a different error (exit 4)
            Result r = harden("pr", "--clone", "http://127.0.0.1:9/nothing.git", "--repo", repo, "--token-file",
                    tokens.toString(), "--api-url", "http://127.0.0.1:9");
            assertThat(r.code()).as(repo + ": " + r.all()).isEqualTo(HardenCommand.BAD_INPUT);
            assertThat(r.err()).as(repo).startsWith("harden: --repo must be OWNER/NAME").doesNotContain("\u001b")
                    .doesNotContain("cannot clone");
            assertThat(r.err().strip().lines()).as(repo).hasSize(1);
        }
        assertThat(harden("pr", "--repo", "acme/../shop", "--dry-run").code()).isEqualTo(HardenCommand.BAD_INPUT);
    }

    @Test
    void aTokenInTheCloneUrlReachesNoOutputNoPullRequestNoCommitAndNoGitFolder() throws Exception {
        start();
        String url = server.url("shop").replace("://", "://x-access-token:" + TOKEN + "@");
        fake.failNext("GET", "/pulls", 400, Map.of(), "{\"message\":\"bad \\u001b[2J\\u0007\\r " + TOKEN + "\"}");
        String[] args = {"pr", "--clone", url, "--repo", "acme/shop", "--api-url", fake.apiUrl(), "--token-file",
            tokenFile.toString(), "--write-interval", "0", "-v", "--stacktrace"};
        Result refused = harden(args);
        Result r = harden(args);

        assertThat(refused.code()).as(refused.all()).isEqualTo(HardenCommand.REMOTE);
        assertThat(refused.err()).contains("HTTP 400: bad \\u001b[2J\\u0007\\u000d ***").doesNotContain("\u001b")
                .doesNotContain("\r");
        assertThat(r.code()).as(r.all()).isZero();
        String everything = refused.all() + r.all() + fake.calls() + fake.prs().get(0).title + fake.prs().get(0).body
                + GitCli.git(bare, "log", "--format=%H%n%an%n%ae%n%B", "--all")
                + GitCli.git(bare, "cat-file", "--batch-all-objects", "--batch")
                + GitCli.git(bare, "config", "--list");
        assertThat(everything).contains("harden/restricted").doesNotContain(TOKEN).doesNotContain(TOKEN.substring(4));
    }

    @Test
    void aFileUnderACleanFilterIsRefusedWithExitFourAndNothingIsPushed() throws Exception {
        start("shop", Map.of(".gitattributes", "deploy/** filter=git-crypt diff=git-crypt\n", "deploy/compose.yaml", COMPOSE));
        Result r = harden(pr());
        assertThat(r.code()).as(r.all()).isEqualTo(HardenCommand.REMOTE);
        assertThat(r.err()).contains("deploy/compose.yaml has the git attribute 'filter=git-crypt' (.gitattributes)");
        assertThat(GitCli.tip(bare, "harden/restricted")).isNull();
        assertThat(fake.calls("POST", "/pulls")).isEmpty();
    }
}
