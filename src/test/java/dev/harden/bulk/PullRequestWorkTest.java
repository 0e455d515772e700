package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.engine.FileHardener;
import dev.harden.forge.Forge;
import dev.harden.forge.Pace;
import dev.harden.git.Credentials;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import dev.harden.report.Redact;
import dev.harden.rule.RuleCatalog;
import dev.harden.testing.FakeForge;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import dev.harden.yaml.Limits;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign over repositories on the real git server of the PR tests (lighttpd and git-http-backend),
 * each with a stateful fake GitHub, worked through {@link BulkRun} with {@link PullRequestWork}.
 */
class PullRequestWorkTest {
    private static final String TOKEN = "ghp_BulkTokenNeverShown4242";
    private static final String BRANCH = "harden/restricted";
    private static final List<String> CHANGED = List.of("web", "api", "cart", "shop", "mail", "auth", "cache", "queue", "search");

    @TempDir
    Path dir;

    private GitServer server;
    private final Map<String, Path> bares = new LinkedHashMap<>();
    private final Map<String, FakeForge> fakes = new LinkedHashMap<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        fakes.values().forEach(FakeForge::close);
        if (server != null) {
            server.close();
        }
    }

    private static String compose(String name) {
        return "services:\n  " + name + ":\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n";
    }

    /** 9 repositories that need the fix, one already hardened, two opted out, one with a broken config. */
    private void repositories() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN);
        for (String name : CHANGED) {
            repo(name, Map.of("deploy/compose.yaml", compose(name)));
        }
        repo("hardened", Map.of("compose.yaml", Fixtures.fixed(Fixtures.profile("restricted"), compose("hardened"))));
        repo("optedout", Map.of("compose.yaml", compose("optedout"), ".harden.yaml", "campaigns: false\n"));
        repo("optfile", Map.of("compose.yaml", compose("optfile"), ".harden-opt-out", "ask the platform team\n"));
        repo("badconfig", Map.of("compose.yaml", compose("badconfig"), ".harden.yaml", "campaigns: maybe\n"));
    }

    private void repo(String name, Map<String, String> files) throws Exception {
        Path bare = server.repository(name);
        GitCli.seed(bare, files);
        bares.put(name, bare);
        fakes.put(name, new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/" + name, b -> GitCli.tip(bare, b) != null));
    }

    private Campaign campaign(String pace) throws CampaignException {
        String names = String.join(", ", bares.keySet().stream().map(n -> "acme/" + n).toList());
        return CampaignFile.parse(dir.resolve("campaign.yaml"), ("apiVersion: harden/v1\nkind: Campaign\nname: roll\n"
                + "forge: github\nprofile: restricted\nsignOff: always\noptOutFile: .harden-opt-out\n"
                + "pullRequest:\n  labels: [security]\n" + pace + "repositories: [" + names + "]\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private Work work(Campaign c, Governor governor) {
        return work(c, governor, null);
    }

    /** With {@code hardeners} null, each repository is hardened with the campaign's profile and its own .harden.yaml. */
    private Work work(Campaign c, Governor governor, PullRequestWork.Hardeners given) {
        Pace pace = new Pace(Duration.ZERO, System::currentTimeMillis, Thread::sleep, new java.util.Random(1),
                Duration.ofSeconds(5)).withBudget(governor);
        PullRequestWork.Forges forges = target -> Forge.of(Forge.Kind.GITHUB,
                URI.create(fakes.get(name(target)).apiUrl()), target.id().path(), TOKEN, pace, log::add);
        PullRequestWork.Hardeners hardeners = given != null ? given : tree -> {
            try {
                RepoConfig cfg = RepoConfig.find(tree).isPresent() ? RepoConfig.load(RepoConfig.find(tree).get()) : RepoConfig.none();
                return new FileHardener(Profile.load(c.profile(), RuleCatalog.builtIn().parameters()), ImageKnowledge.builtIn(),
                        cfg, Limits.DEFAULT);
            } catch (ProfileException e) {
                throw new Work.Failed(e.getMessage(), false);
            }
        };
        return new PullRequestWork(c, new Credentials("x-access-token", TOKEN), target -> server.url(name(target)), forges,
                hardeners, governor, Redact.of(TOKEN), log::add);
    }

    private static String name(Target target) {
        return target.id().path().substring("acme/".length());
    }

    private Map<State, Integer> run(Campaign c, Path journalFile, Journal.Selection selection) throws Exception {
        try (Journal journal = Journal.open(journalFile, Instant::now)) {
            BulkPlan plan = BulkPlan.of(c, Discovery.run(c, null), journal.last(), Shard.ALL, selection);
            return BulkRun.run(plan, journal, work(c, Governor.standard(c.pace())), c.pace().parallel(), log::add);
        }
    }

    private static RepoId id(String name) {
        return new RepoId("github.com", "acme/" + name);
    }

    /** The states one repository went through, in order, from the journal's lines. */
    private static List<String> states(Path journal, String name) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(journal)) {
            if (line.contains("\"repo\":\"github.com/acme/" + name + "\"")) {
                out.add(line.replaceAll(".*\"state\":\"([a-z-]+)\".*", "$1"));
            }
        }
        return out;
    }

    @Test
    void everyChangedRepositoryGetsOneSignedCommitOnOneBranchAndOnePullRequestAndTheOthersNone() throws Exception {
        repositories();
        Campaign c = campaign("");
        Path journal = dir.resolve("roll.journal.jsonl");

        Map<State, Integer> ended = run(c, journal, Journal.Selection.UNFINISHED);

        assertThat(ended).as(String.join("\n", log)).isEqualTo(Map.of(State.DONE, 10, State.OPTED_OUT, 2, State.FAILED, 1));
        Map<RepoId, Journal.Entry> last = Journal.replay(journal);
        for (String name : CHANGED) {
            assertThat(fakes.get(name).prs()).as(name).singleElement().satisfies(pr -> {
                assertThat(pr.head).isEqualTo(BRANCH);
                assertThat(pr.base).isEqualTo("main");
                assertThat(pr.labels).containsExactly("security");
            });
            // the git CLI, as a second opinion: one commit on the branch, on top of main, signed off, with the fix
            Path bare = bares.get(name);
            assertThat(GitCli.git(bare, "rev-list", "--count", "main.." + BRANCH).strip()).isEqualTo("1");
            String message = GitCli.git(bare, "log", "-1", "--format=%B", BRANCH);
            assertThat(message).contains("Harden-Change: ").endsWith("Signed-off-by: harden <harden@noreply.invalid>\n\n");
            assertThat(GitCli.git(bare, "show", BRANCH + ":deploy/compose.yaml")).startsWith(compose(name)
                    .substring(0, compose(name).indexOf("    ports"))).contains("read_only: true");
            assertThat(states(journal, name)).containsExactly("discovered", "fetched", "changed", "pushed", "pr-opened", "done");
            assertThat(last.get(id(name)).url()).isEqualTo("https://github.example/acme/" + name + "/pull/1");
        }
        assertThat(states(journal, "hardened")).containsExactly("discovered", "fetched", "unchanged", "done");
        assertThat(last.get(id("optedout")).reason()).isEqualTo(".harden.yaml says campaigns: false");
        assertThat(last.get(id("optfile")).reason()).isEqualTo(".harden-opt-out is present");
        assertThat(last.get(id("badconfig"))).satisfies(e -> {
            assertThat(e.state()).isEqualTo(State.FAILED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.reason()).startsWith(".harden.yaml:1:").contains("campaigns must be true or false");
        });
        for (String name : List.of("hardened", "optedout", "optfile", "badconfig")) {
            assertThat(fakes.get(name).prs()).as(name).isEmpty();
            assertThat(GitCli.tip(bares.get(name), BRANCH)).as(name).isNull();
        }
        assertThat(Files.readString(journal) + String.join("\n", log)).doesNotContain(TOKEN);
    }

    @Test
    void theSameCampaignRunAgainPushesNothingAndOpensNothing() throws Exception {
        repositories();
        Campaign c = campaign("");
        Path journal = dir.resolve("roll.journal.jsonl");
        run(c, journal, Journal.Selection.UNFINISHED);
        Map<String, String> tips = new LinkedHashMap<>();
        CHANGED.forEach(n -> tips.put(n, GitCli.tip(bares.get(n), BRANCH)));
        Map<String, Integer> calls = new LinkedHashMap<>();
        fakes.forEach((n, f) -> calls.put(n, f.calls().size()));

        Map<State, Integer> again = run(c, journal, Journal.Selection.ALL);

        assertThat(again).isEqualTo(Map.of(State.DONE, 10, State.OPTED_OUT, 2, State.FAILED, 1));
        for (String name : CHANGED) {
            assertThat(GitCli.tip(bares.get(name), BRANCH)).as(name).isEqualTo(tips.get(name));
            assertThat(fakes.get(name).prs()).as(name).hasSize(1);
            List<FakeForge.Call> later = fakes.get(name).calls().subList(calls.get(name), fakes.get(name).calls().size());
            assertThat(later).as(name).allMatch(call -> call.method().equals("GET"));
            // a change its pull request already proposes goes from changed straight to done
            assertThat(states(journal, name).subList(6, states(journal, name).size()))
                    .containsExactly("discovered", "fetched", "changed", "done");
        }
    }

    @Test
    void theGovernorsBudgetOfOpenPullRequestsHoldsTheRestBackWithoutPushingThem() throws Exception {
        repositories();
        Campaign c = campaign("pace:\n  openPullRequests: 2\n  parallel: 1\n");
        Path journal = dir.resolve("roll.journal.jsonl");

        run(c, journal, Journal.Selection.UNFINISHED);

        List<String> opened = CHANGED.stream().filter(n -> !fakes.get(n).prs().isEmpty()).toList();
        assertThat(opened).hasSize(2);
        Map<RepoId, Journal.Entry> last = Journal.replay(journal);
        for (String name : CHANGED) {
            if (!opened.contains(name)) {
                assertThat(GitCli.tip(bares.get(name), BRANCH)).as(name).isNull();
                assertThat(last.get(id(name))).satisfies(e -> {
                    assertThat(e.state()).isEqualTo(State.FAILED);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.reason()).contains("budget of open pull requests is spent");
                });
            }
        }
    }

    @Test
    void aBugWhoseMessageQuotesTheTokenFailsTheRepositoryWithTheTokenMaskedInTheJournal() throws Exception {
        repositories();
        Campaign c = campaign("pace:\n  parallel: 1\n");
        Path journalFile = dir.resolve("bug.journal.jsonl");
        PullRequestWork.Hardeners broken = tree -> {
            throw new IllegalStateException("could not reach https://x-access-token:" + TOKEN + "@forge.example/acme");
        };

        try (Journal journal = Journal.open(journalFile, Instant::now)) {
            BulkPlan plan = BulkPlan.of(c, Discovery.run(c, null), journal.last(), Shard.ALL, Journal.Selection.UNFINISHED);
            BulkRun.run(plan, journal, work(c, Governor.standard(c.pace()), broken), 1, log::add);
        }

        assertThat(Files.readString(journalFile)).doesNotContain(TOKEN).contains("internal error");
        assertThat(Journal.replay(journalFile).get(id("web"))).satisfies(e -> {
            assertThat(e.state()).isEqualTo(State.FAILED);
            assertThat(e.retryable()).isFalse();
        });
        assertThat(String.join("\n", log)).doesNotContain(TOKEN);
    }
}
