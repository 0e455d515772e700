package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.CampaignServers;
import dev.harden.testing.FakeForge;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code harden bulk run} end to end: 13 repositories on the real git server of the PR tests, each
 * with its own stateful fake GitHub behind one API, run from the command line, run again, and killed
 * with SIGKILL at a random point and resumed.
 */
class BulkCampaignTest {
    private static final String TOKEN = "ghp_CampaignTokenNeverShown31";
    private static final String BRANCH = "harden/restricted";
    private static final List<String> CHANGED = List.of("web", "api", "cart", "shop", "mail", "auth", "cache", "queue",
            "search", "pay", "feed");

    @TempDir
    Path dir;

    private CampaignServers servers;
    private Path campaign;
    private Path tokenFile;
    private Path journal;

    private record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @AfterEach
    void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    private static String compose(String name) {
        return "services:\n  " + name + ":\n    image: nginx:1.27\n";
    }

    /** 11 repositories that need the fix, one already hardened, one opted out. */
    private void start() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        servers = CampaignServers.start(dir, TOKEN);
        for (String name : CHANGED) {
            servers.repo(name, FakeForge.Dialect.GITHUB, Map.of("deploy/compose.yaml", compose(name)));
        }
        servers.repo("hardened", FakeForge.Dialect.GITHUB,
                Map.of("compose.yaml", Fixtures.fixed(Fixtures.profile("restricted"), compose("hardened"))));
        servers.repo("optedout", FakeForge.Dialect.GITHUB, Map.of("compose.yaml", compose("optedout"), ".harden.yaml", "campaigns: false\n"));
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        journal = dir.resolve("roll.journal.jsonl");
        campaign = Files.writeString(dir.resolve("campaign.yaml"), """
                apiVersion: harden/v1
                kind: Campaign
                name: roll
                forge: github
                api: %s
                profile: restricted
                repositories: [%s]
                """.formatted(servers.router().apiUrl(), String.join(", ", servers.names().stream().map(n -> "acme/" + n).toList())));
    }

    private List<String> runArgs() {
        return List.of("bulk", "run", campaign.toString(), "--journal", journal.toString(), "--token-file", tokenFile.toString(),
                "--clone-url", servers.cloneUrlTemplate());
    }

    private static Result harden(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardenCommand.commandLine(args.toArray(String[]::new));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private String host() throws java.io.IOException {
        return URI.create(servers.router().apiUrl()).getHost();
    }

    /** Every changed repository has one branch with one commit and one open pull request; the others none. */
    private void assertOnePullRequestAndOneBranchEach() {
        for (String name : CHANGED) {
            assertThat(servers.fake(name).prs()).as(name).singleElement().satisfies(pr -> {
                assertThat(pr.head).isEqualTo(BRANCH);
                assertThat(pr.state).isEqualTo("open");
            });
            assertThat(GitCli.git(servers.bare(name), "for-each-ref", "--format=%(refname)", "refs/heads/").strip().split("\n"))
                    .as(name).containsExactlyInAnyOrder("refs/heads/main", "refs/heads/" + BRANCH);
            assertThat(GitCli.git(servers.bare(name), "rev-list", "--count", "main.." + BRANCH).strip()).as(name).isEqualTo("1");
        }
        for (String name : List.of("hardened", "optedout")) {
            assertThat(servers.fake(name).prs()).as(name).isEmpty();
            assertThat(servers.fake(name).calls()).as(name + ": no forge call at all").isEmpty();
            assertThat(GitCli.tip(servers.bare(name), BRANCH)).as(name).isNull();
        }
    }

    private Map<String, String> lastStates() throws Exception {
        return CampaignServers.lastStates(journal);
    }

    @Test
    void aCampaignOpensOnePullRequestPerChangedRepositoryAndRunAgainPushesAndOpensNothing() throws Exception {
        start();

        Result first = harden(runArgs());

        assertThat(first.code()).as(first.all()).isZero();
        assertOnePullRequestAndOneBranchEach();
        for (String name : CHANGED) {
            assertThat(first.out()).contains(host() + "/acme/" + name + ": done https://github.example/acme/" + name + "/pull/1\n");
        }
        assertThat(first.out()).contains(host() + "/acme/hardened: done\n",
                host() + "/acme/optedout: opted-out (.harden.yaml says campaigns: false)\n",
                "12 done, 1 opted-out; journal " + journal);
        Map<String, String> tips = new LinkedHashMap<>();
        CHANGED.forEach(n -> tips.put(n, GitCli.tip(servers.bare(n), BRANCH)));
        Map<String, Integer> writes = new LinkedHashMap<>();
        servers.names().forEach(n -> writes.put(n, servers.fake(n).calls().stream().filter(c -> !c.method().equals("GET")).toList().size()));

        Result second = harden(runArgs());

        assertThat(second.code()).as(second.all()).isZero();
        assertOnePullRequestAndOneBranchEach();
        for (String name : CHANGED) {
            assertThat(GitCli.tip(servers.bare(name), BRANCH)).as(name).isEqualTo(tips.get(name));
            assertThat(servers.fake(name).calls().stream().filter(c -> !c.method().equals("GET")).toList()).as(name)
                    .hasSize(writes.get(name));
        }
        assertThat(lastStates()).hasSize(13).containsEntry("optedout", "opted-out")
                .allSatisfy((name, state) -> assertThat(state).isIn("done", "opted-out"));
        assertThat(first.all() + second.all() + Files.readString(journal)).doesNotContain(TOKEN);
    }

    @Test
    void aRunKilledWithSigkillAtARandomPointResumesWithStillOnePullRequestAndOneBranchEach() throws Exception {
        start();
        long seed = System.nanoTime();
        int killAfter = 3 + new Random(seed).nextInt(40); // journal lines: a full run writes about 70
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.harden.cli.Main"));
        command.addAll(runArgs());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.txt").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lines() < killAfter && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("the run was killed, not finished").isEqualTo(137);
        String at = "killed after " + lines() + " journal lines (seed " + seed + "): " + Files.readString(dir.resolve("child.txt"));

        Result resumed = harden(runArgs());

        assertThat(resumed.code()).as(at + resumed.all()).isZero();
        assertOnePullRequestAndOneBranchEach();
        assertThat(lastStates()).as(at).hasSize(13).allSatisfy((name, state) -> assertThat(state).isIn("done", "opted-out"));
    }

    private int lines() {
        return CampaignServers.journalLines(journal);
    }
}
