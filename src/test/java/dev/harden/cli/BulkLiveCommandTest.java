package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.json.Json;
import dev.harden.testing.CampaignServers;
import dev.harden.testing.FakeForge;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code harden bulk} against what people do between runs: pull requests merged, closed, their checks
 * pending or failing. Two repositories on the real git server of the PR tests, each with a stateful
 * fake GitHub behind one API.
 */
class BulkLiveCommandTest {
    private static final String TOKEN = "ghp_BulkLiveTokenNeverShown88";

    @TempDir
    Path dir;

    private CampaignServers servers;
    private String api;
    private Path campaign;
    private Path tokenFile;
    private Path journal;
    private final List<String> outputs = new ArrayList<>();

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

    private void start(String pace) throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        servers = CampaignServers.start(dir, TOKEN);
        for (String name : List.of("cart", "shop")) {
            servers.repo(name, FakeForge.Dialect.GITHUB, Map.of("compose.yaml", "services:\n  " + name + ":\n    image: nginx:1.27\n"));
        }
        api = servers.router().apiUrl();
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        journal = dir.resolve("roll.journal.jsonl");
        campaign = Files.writeString(dir.resolve("campaign.yaml"), """
                apiVersion: harden/v1
                kind: Campaign
                name: roll
                forge: github
                api: %s
                profile: restricted
                repositories: [acme/cart, acme/shop]
                pace: %s
                """.formatted(api, pace));
    }

    private Result bulk(String action, String... extra) {
        List<String> args = new ArrayList<>(List.of("bulk", action, campaign.toString(), "--journal", journal.toString()));
        if (!action.equals("status")) {
            args.addAll(List.of("--token-file", tokenFile.toString()));
        }
        if (action.equals("run")) {
            args.addAll(List.of("--clone-url", servers.cloneUrlTemplate()));
        }
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardenCommand.commandLine(args.toArray(String[]::new));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        Result r = new Result(code, out.toString(), err.toString());
        outputs.add(r.all());
        return r;
    }

    private Stream<FakeForge> fakes() {
        return servers.names().stream().map(servers::fake);
    }

    private String host() {
        return URI.create(api).getHost();
    }

    private String url(String name) {
        return "https://github.example/acme/" + name + "/pull/1";
    }

    @Test
    void statusAsksTheForgeForEachPullRequestsStateAndChecksAndPrintsTheMergeRateInEveryFormat() throws Exception {
        start("{}");
        Result run = bulk("run");
        assertThat(run.code()).as(run.all()).isZero();
        servers.fake("cart").merge(1);
        servers.fake("shop").checks(1, "pending");
        int writes = fakes().mapToInt(f -> f.calls().size() - f.calls("GET", "").size()).sum();

        Result text = bulk("status", "--token-file", tokenFile.toString());
        Result csv = bulk("status", "--token-file", tokenFile.toString(), "--format", "csv");
        Result json = bulk("status", "--token-file", tokenFile.toString(), "--format", "json");
        Result markdown = bulk("status", "--token-file", tokenFile.toString(), "--format", "markdown");

        assertThat(text.code()).as(text.all()).isZero();
        // each nginx service misses restricted's 5 fixable rules
        assertThat(text.out()).isEqualTo("campaign roll: 2 repositories, 2 done\n"
                + "merge rate: 1 of 2 pull requests merged (50%)\n"
                + "  done        " + host() + "/acme/cart " + url("cart") + " [merged] findings 5 -> 0\n"
                + "  done        " + host() + "/acme/shop " + url("shop") + " [open, checks pending] findings 5 -> 0\n");
        assertThat(csv.out()).endsWith(host() + "/acme/shop,done," + url("shop") + ",5,0,,,open,pending\r\n"
                + "merge rate,1/2,,,,,1 of 2 pull requests merged (50%),,\r\n");
        assertThat(Json.at(Json.parse(json.out()), "mergeRate")).isEqualTo(Map.of("opened", 2L, "merged", 1L, "rate", 0.5));
        assertThat(markdown.out()).contains("Merge rate: 1 of 2 pull requests merged (50%).");
        assertThat(fakes().mapToInt(f -> f.calls().size() - f.calls("GET", "").size()).sum())
                .as("status only reads").isEqualTo(writes);
        assertThat(String.join("\n", outputs) + Files.readString(journal)).doesNotContain(TOKEN);
    }

    @Test
    void offlineOrWithoutATokenStatusReadsTheJournalAloneAsBeforeAndSaysSo() throws Exception {
        start("{}");
        assertThat(bulk("run").code()).isZero();
        int calls = fakes().mapToInt(f -> f.calls().size()).sum();

        Result offline = bulk("status", "--token-file", tokenFile.toString(), "--offline");
        Result noToken = bulk("status");

        assertThat(offline.code()).isZero();
        assertThat(offline.out()).isEqualTo("campaign roll: 2 repositories, 2 done\n"
                + "  done        " + host() + "/acme/cart " + url("cart") + " findings 5 -> 0\n"
                + "  done        " + host() + "/acme/shop " + url("shop") + " findings 5 -> 0\n");
        assertThat(offline.err()).isEqualTo("harden: from the journal only (--offline): no pull request state, checks or"
                + " merge rate\n");
        if (System.getenv("HARDEN_TOKEN") == null && System.getenv("GITHUB_TOKEN") == null) {
            assertThat(noToken.out()).isEqualTo(offline.out());
            assertThat(noToken.err()).startsWith("harden: from the journal only (no token: set HARDEN_TOKEN or GITHUB_TOKEN");
        }
        assertThat(fakes().mapToInt(f -> f.calls().size()).sum()).as("the forge is not asked").isEqualTo(calls);
    }

    @Test
    void theBudgetOfOpenPullRequestsCountsThoseEarlierRunsOpenedUntilOneIsMerged() throws Exception {
        start("{openPullRequests: 1, parallel: 1}");

        Result first = bulk("run");
        Result second = bulk("run");
        int openedAfterSecond = fakes().mapToInt(f -> f.prs().size()).sum();
        servers.fake("cart").merge(1);
        Result third = bulk("run");

        assertThat(first.code()).as(first.all()).isEqualTo(HardenCommand.REMOTE);
        assertThat(first.out()).contains(host() + "/acme/cart: done " + url("cart"),
                host() + "/acme/shop: failed (the budget of open pull requests is spent");
        assertThat(second.code()).as(second.all()).isEqualTo(HardenCommand.REMOTE);
        assertThat(second.out()).as("cart's pull request is still open: shop waits again")
                .contains(host() + "/acme/shop: failed (the budget of open pull requests is spent");
        assertThat(openedAfterSecond).isEqualTo(1);
        assertThat(third.code()).as(third.all()).isZero();
        assertThat(third.out()).contains(host() + "/acme/shop: done " + url("shop"));
        assertThat(servers.fake("shop").prs()).singleElement().satisfies(pr -> assertThat(pr.state).isEqualTo("open"));
        assertThat(GitCli.tip(servers.bare("shop"), "harden/restricted")).isNotNull();
    }

    @Test
    void withWaitForChecksARepositoryWhosePullRequestsChecksArePendingOrFailingWaitsAndALaterRunTakesItUp()
            throws Exception {
        start("{waitForChecks: true}");
        assertThat(bulk("run").code()).isZero();
        servers.fake("cart").checks(1, "pending");
        servers.fake("shop").checks(1, "failure");
        String cartTip = GitCli.tip(servers.bare("cart"), "harden/restricted");

        Result waiting = bulk("run", "--only", "all");
        Result status = bulk("status", "--offline");
        servers.fake("cart").checks(1, "success");
        Result later = bulk("run");

        assertThat(waiting.code()).as("waiting is no failure: " + waiting.all()).isZero();
        assertThat(waiting.out()).contains(host() + "/acme/cart: waiting " + url("cart") + " (waiting: checks pending)\n",
                host() + "/acme/shop: waiting " + url("shop") + " (waiting: checks failing)\n", "2 waiting; journal");
        assertThat(GitCli.tip(servers.bare("cart"), "harden/restricted")).as("nothing pushed while waiting").isEqualTo(cartTip);
        assertThat(status.out()).contains("  waiting     " + host() + "/acme/cart " + url("cart"),
                "(waiting: checks pending)");
        assertThat(later.code()).as(later.all()).isZero();
        assertThat(later.out()).contains(host() + "/acme/cart: done " + url("cart"),
                host() + "/acme/shop: waiting " + url("shop") + " (waiting: checks failing)");
        assertThat(servers.fake("cart").prs()).hasSize(1);
        assertThat(String.join("\n", outputs)).doesNotContain(TOKEN);
    }
}
