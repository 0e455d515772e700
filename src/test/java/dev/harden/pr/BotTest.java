package dev.harden.pr;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.engine.FileHardener;
import dev.harden.forge.Forge;
import dev.harden.git.Credentials;
import dev.harden.git.GitRepo;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.rule.RuleCatalog;
import dev.harden.testing.FakeForge;
import dev.harden.testing.FakeForge.Dialect;
import dev.harden.testing.FakeTime;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import dev.harden.yaml.Limits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scenarios end to end: a real git server on loopback and a fake forge. */
class BotTest {
    private static final String TOKEN = "ghs_Scenario0Token0Value42";
    private static final String COMPOSE = """
            services:
              web:
                image: nginx:1.27
                ports:
                  - "8080:80"
              db:
                image: postgres:16
            """;

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    private final List<String> log = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private Dialect dialect;
    private GitServer server;
    private Path bare;
    private FakeForge fake;

    private void start(Dialect d, Map<String, String> files) throws Exception {
        // per test, not in @BeforeAll: a class-level skip hides how many tests did not run
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        dialect = d;
        server = GitServer.start(Files.createDirectories(dir.resolve("server")), kind().gitUsername(), TOKEN);
        bare = server.repository("shop");
        GitCli.seed(bare, files);
        fake = new FakeForge(d, TOKEN, "acme/shop", branch -> GitCli.tip(bare, branch) != null);
    }

    private void start() throws Exception {
        start(Dialect.GITHUB, Map.of("compose.yaml", COMPOSE, "README.md", "shop\n"));
    }

    private Forge.Kind kind() {
        return Forge.Kind.valueOf(dialect.name());
    }

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
        if (server != null) {
            server.close();
        }
        assertThat(String.join("\n", log)).doesNotContain(TOKEN);
        assertThat(String.join("\n", errors)).doesNotContain(TOKEN);
    }

    private Outcome run(String profile) throws Exception {
        return run(profile, Settings.defaults());
    }

    private Outcome run(String profile, Settings settings) throws Exception {
        try (GitRepo repo = GitRepo.cloneShallow(server.url("shop"), null, new Credentials(kind().gitUsername(), TOKEN))) {
            Outcome outcome = publish(repo, profile, settings);
            log.add(outcome.toString());
            return outcome;
        } catch (PrException e) {
            errors.add(e.getMessage());
            throw e;
        }
    }

    private Outcome publish(GitRepo repo, String profile, Settings settings) throws Exception {
        FileHardener hardener = new FileHardener(Profile.load(profile, RuleCatalog.builtIn().parameters()), ImageKnowledge.builtIn(),
                RepoConfig.none(), Limits.DEFAULT);
        Change change = Change.compute(hardener, repo.workTree(), List.of(repo.workTree()));
        Forge forge = Forge.of(kind(), URI.create(fake.apiUrl()), "acme/shop", TOKEN, time.pace(), log::add);
        return new Bot(forge, time, log::add).publish(repo, Plan.of(change, settings), settings);
    }

    private Path profileFile(String extendsProfile) throws Exception {
        Path file = dir.resolve("company.yaml");
        Files.writeString(file, """
                apiVersion: harden/v1
                kind: Profile
                name: company
                extends: %s
                rules: {}
                """.formatted(extendsProfile));
        return file;
    }

    private void pushAs(String who, String branch, String file, String content) throws Exception {
        Path work = Files.createTempDirectory(dir, "human");
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        git(work, "checkout", "-q", branch);
        Files.writeString(work.resolve(file), content);
        git(work, "add", file);
        git(work, "-c", "user.name=" + who, "-c", "user.email=" + who.toLowerCase() + "@example.com", "commit", "-q",
                "-m", "Edit by " + who);
        git(work, "push", "-q", "origin", branch);
    }

    private List<FakeForge.Call> writes() {
        return fake.calls().stream().filter(c -> !c.method().equals("GET")).toList();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void firstRunOpensOnePullRequestAndASecondRunPushesNothingAndOpensNothing(Dialect d) throws Exception {
        start(d, Map.of("compose.yaml", COMPOSE, "README.md", "shop\n"));

        Outcome first = run("restricted");

        assertThat(first.action()).isEqualTo(Outcome.Action.OPENED);
        assertThat(first.pushed()).isTrue();
        assertThat(first.url()).endsWith("/1");
        String tip = GitCli.tip(bare, "harden/restricted");
        assertThat(git(bare, "log", "-1", "--format=%an <%ae>%n%B", "harden/restricted"))
                .startsWith("harden <harden@noreply.invalid>\nHarden containers with the restricted profile\n")
                .contains("- cap-drop-all (2 changes)", "Harden-Profile: restricted", "Harden-Change: ");
        assertThat(git(bare, "rev-list", "--count", "main..harden/restricted").strip()).isEqualTo("1");
        assertThat(git(bare, "show", "harden/restricted:compose.yaml")).contains("read_only: true");
        assertThat(fake.prs()).singleElement().satisfies(pr -> {
            assertThat(pr.head).isEqualTo("harden/restricted");
            assertThat(pr.base).isEqualTo("main");
            assertThat(pr.body).contains("<!-- harden:pr profile=restricted change=");
        });
        int writesAfterFirst = writes().size();

        Outcome second = run("restricted");

        assertThat(second.action()).isEqualTo(Outcome.Action.UNCHANGED);
        assertThat(second.pushed()).isFalse();
        assertThat(second.url()).isEqualTo(first.url());
        assertThat(GitCli.tip(bare, "harden/restricted")).isEqualTo(tip);
        assertThat(fake.prs()).hasSize(1);
        assertThat(writes()).hasSize(writesAfterFirst);
    }

    @Test
    void aChangedProfileUpdatesTheSamePullRequestWithOneCommitOnTheBase() throws Exception {
        start();
        Path profile = profileFile("baseline");
        Outcome first = run(profile.toString());
        String firstTip = GitCli.tip(bare, "harden/company");
        String firstBody = fake.prs().get(0).body;

        profileFile("restricted");
        Outcome second = run(profile.toString());

        assertThat(first.action()).isEqualTo(Outcome.Action.OPENED);
        assertThat(second.action()).isEqualTo(Outcome.Action.UPDATED);
        assertThat(second.pushed()).isTrue();
        assertThat(second.url()).isEqualTo(first.url());
        assertThat(fake.prs()).singleElement().satisfies(pr -> {
            assertThat(pr.body).isNotEqualTo(firstBody).contains("Root filesystem read-only");
        });
        assertThat(GitCli.tip(bare, "harden/company")).isNotEqualTo(firstTip);
        assertThat(git(bare, "rev-list", "--count", "main..harden/company").strip()).isEqualTo("1");
        assertThat(git(bare, "show", "harden/company:compose.yaml")).contains("read_only: true");
    }

    @Test
    void aHumanCommitOnTheBranchStopsHardenUnlessForced() throws Exception {
        start();
        Path profile = profileFile("baseline");
        run(profile.toString());
        pushAs("Alice", "harden/company", "NOTES.md", "keep this\n");
        String alices = GitCli.tip(bare, "harden/company");
        profileFile("restricted");
        int writesBefore = writes().size();

        Outcome stopped = run(profile.toString());

        assertThat(stopped.action()).isEqualTo(Outcome.Action.LEFT_ALONE);
        assertThat(stopped.url()).endsWith("/1");
        assertThat(stopped.detail()).contains("a commit harden did not make", "Alice <alice@example.com>", "--force");
        assertThat(GitCli.tip(bare, "harden/company")).isEqualTo(alices);
        assertThat(writes()).hasSize(writesBefore);

        Settings force = new Settings(null, null, dev.harden.git.Identity.HARDEN, dev.harden.git.Identity.HARDEN, false,
                List.of(), List.of(), List.of(), true, 3);
        Outcome forced = run(profile.toString(), force);

        assertThat(forced.action()).isEqualTo(Outcome.Action.UPDATED);
        assertThat(forced.pushed()).isTrue();
        assertThat(git(bare, "log", "-1", "--format=%an", "harden/company").strip()).isEqualTo("harden");
        assertThat(fake.prs()).hasSize(1);
    }

    @Test
    void aPushThatSucceededWhileOpeningThePullRequestFailedIsHealedByTheNextRun() throws Exception {
        start();
        fake.failNext("POST", "/pulls", 502, Map.of(), "{\"message\":\"Server Error\"}");

        assertThatThrownBy(() -> run("restricted"))
                .isInstanceOf(PrException.class)
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("the branch is pushed: the next run opens or finishes the pull request");
        String tip = GitCli.tip(bare, "harden/restricted");
        assertThat(tip).isNotNull();
        assertThat(fake.prs()).isEmpty();

        Outcome healed = run("restricted");

        assertThat(healed.action()).isEqualTo(Outcome.Action.OPENED);
        assertThat(healed.pushed()).isFalse();
        assertThat(GitCli.tip(bare, "harden/restricted")).isEqualTo(tip);
        assertThat(fake.prs()).hasSize(1);
    }

    @Test
    void aPullRequestClosedWithoutMergingIsNotProposedAgainUntilTheChangeDiffers() throws Exception {
        start();
        Path profile = profileFile("baseline");
        run(profile.toString());
        fake.prs().get(0).state = "closed";

        Outcome declined = run(profile.toString());

        assertThat(declined.action()).isEqualTo(Outcome.Action.DECLINED);
        assertThat(declined.url()).endsWith("/1");
        assertThat(fake.prs()).hasSize(1);
        assertThat(fake.prs().get(0).state).isEqualTo("closed");

        profileFile("restricted");
        Outcome proposed = run(profile.toString());

        assertThat(proposed.action()).isEqualTo(Outcome.Action.OPENED);
        assertThat(fake.prs()).hasSize(2);
        assertThat(fake.prs().get(1).state).isEqualTo("open");
    }

    @Test
    void aMergedPullRequestIsFollowedByANewOneWhenMoreCanBeFixed() throws Exception {
        start();
        Path profile = profileFile("baseline");
        run(profile.toString());
        FakeForge.Pr merged = fake.prs().get(0);
        merged.state = "closed";
        merged.merged = true;
        profileFile("restricted");

        Outcome next = run(profile.toString());

        assertThat(next.action()).isEqualTo(Outcome.Action.OPENED);
        assertThat(next.url()).endsWith("/2");
    }

    @Test
    void aPullRequestOpenedByAParallelRunIsUpdatedInsteadOfDuplicated() throws Exception {
        start();
        fake.raceOnNextCreate();

        Outcome outcome = run("restricted");

        assertThat(outcome.action()).isEqualTo(Outcome.Action.UPDATED);
        assertThat(fake.prs()).singleElement().satisfies(pr -> assertThat(pr.title)
                .isEqualTo("Harden containers with the restricted profile"));
    }

    @Test
    void aPullRequestThatGitHubSaysExistsButDoesNotYetListIsFoundAfterAWaitAndUpdated() throws Exception {
        start();
        fake.add("harden/restricted", "main", "Opened a moment ago", "");
        fake.lagListings(2);

        Outcome outcome = run("restricted");

        assertThat(outcome.action()).isEqualTo(Outcome.Action.UPDATED);
        assertThat(fake.prs()).singleElement().satisfies(pr -> assertThat(pr.title)
                .isEqualTo("Harden containers with the restricted profile"));
        assertThat(fake.calls("POST", "/pulls")).extracting(FakeForge.Call::status).containsExactly(422);
        assertThat(time.sleeps()).contains(1_000L);
        assertThat(log).anySatisfy(l -> assertThat(l).contains("the forge says a pull request exists for"
                + " harden/restricted but does not list it yet; looking again in 1s"));
    }

    @Test
    void aServerHookThatRejectsOnePushIsRetried() throws Exception {
        start();
        GitServer.rejectPushes(bare, 1);

        Outcome outcome = run("restricted");

        assertThat(outcome.action()).isEqualTo(Outcome.Action.OPENED);
        assertThat(log).anySatisfy(l -> assertThat(l).contains("push of harden/restricted refused (REJECTED_OTHER_REASON:")
                .contains("pre-receive hook declined").contains("retrying in 2s (attempt 2 of 3)"));
        assertThat(log).contains("pushed harden/restricted (attempt 2)");
        assertThat(time.sleeps()).contains(2_000L);
        assertThat(GitCli.tip(bare, "harden/restricted")).isNotNull();
    }

    @Test
    void aServerHookThatRejectsEveryPushIsReportedAndNoPullRequestIsOpened() throws Exception {
        start();
        GitServer.rejectPushes(bare, -1);

        assertThatThrownBy(() -> run("restricted"))
                .isInstanceOf(PrException.class)
                .hasMessageContaining("the remote refused the push of harden/restricted 3 times")
                .hasMessageContaining("pre-receive hook declined");
        assertThat(time.sleeps()).contains(2_000L, 4_000L);
        assertThat(GitCli.tip(bare, "harden/restricted")).isNull();
        assertThat(writes()).isEmpty();
    }

    @Test
    void theBaseMovingElsewhereLeavesTheBranchAloneButAChangeToAFixedFileReplacesIt() throws Exception {
        start();
        run("restricted");
        String tip = GitCli.tip(bare, "harden/restricted");
        pushAs("Bob", "main", "README.md", "shop, now with docs\n");

        Outcome unrelated = run("restricted");

        assertThat(unrelated.action()).isEqualTo(Outcome.Action.UNCHANGED);
        assertThat(GitCli.tip(bare, "harden/restricted")).isEqualTo(tip);

        pushAs("Bob", "main", "compose.yaml", COMPOSE.replace("nginx:1.27", "nginx:1.28"));
        Outcome rebased = run("restricted");

        assertThat(rebased.action()).isEqualTo(Outcome.Action.UPDATED);
        assertThat(rebased.pushed()).isTrue();
        assertThat(git(bare, "rev-parse", "harden/restricted~1").strip()).isEqualTo(GitCli.tip(bare, "main"));
        assertThat(git(bare, "show", "harden/restricted:compose.yaml")).contains("nginx:1.28", "read_only: true");
    }

    @Test
    void nothingToFixTouchesNeitherGitNorTheForge() throws Exception {
        start(Dialect.GITHUB, Map.of("README.md", "no manifests here\n"));

        Outcome outcome = run("restricted");

        assertThat(outcome.action()).isEqualTo(Outcome.Action.NOTHING_TO_FIX);
        assertThat(fake.calls()).isEmpty();
        assertThat(GitCli.tip(bare, "harden/restricted")).isNull();
    }

    @Test
    void aLocalCheckoutBehindTheRemoteOrWithUncommittedEditsIsRefused() throws Exception {
        start();
        Path work = Files.createTempDirectory(dir, "local");
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        git(work, "remote", "set-url", "origin", server.url("shop"));
        pushAs("Bob", "main", "README.md", "moved on\n");
        try (GitRepo repo = GitRepo.open(work, "origin", new Credentials(kind().gitUsername(), TOKEN))) {
            assertThatThrownBy(() -> publish(repo, "restricted", Settings.defaults()))
                    .hasMessageContaining("is not the tip of main on the remote")
                    .hasMessageContaining("git switch main && git pull")
                    .satisfies(e -> errors.add(e.getMessage()));
        }
        git(work, "fetch", "-q", bare.toUri().toString(), "main");
        git(work, "reset", "-q", "--hard", "FETCH_HEAD");
        Files.writeString(work.resolve("compose.yaml"), COMPOSE + "  cache:\n    image: redis:7\n");
        try (GitRepo repo = GitRepo.open(work, "origin", new Credentials(kind().gitUsername(), TOKEN))) {
            assertThatThrownBy(() -> publish(repo, "restricted", Settings.defaults()))
                    .hasMessageContaining("compose.yaml differs from the last commit")
                    .satisfies(e -> errors.add(e.getMessage()));
            git(work, "checkout", "compose.yaml");
            Outcome outcome = publish(repo, "restricted", Settings.defaults());
            assertThat(outcome.action()).isEqualTo(Outcome.Action.OPENED);
        }
        assertThat(git(work, "status", "--porcelain")).isEmpty();
        assertThat(git(work, "branch", "--list").strip()).isEqualTo("* main");
    }
}
