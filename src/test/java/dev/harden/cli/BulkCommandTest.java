package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.FakeForge;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code harden bulk} from the command line, over the real git server of the PR tests and a fake
 * GitHub. The fake serves one repository's pull requests; the others of the campaign need no forge
 * call (already hardened, opted out), which the run must then not make.
 */
class BulkCommandTest {
    private static final String TOKEN = "ghp_BulkCliTokenNeverShown777";
    private static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n";

    @TempDir
    Path dir;

    private GitServer server;
    private FakeForge fake;
    private Path shop;
    private Path clean;
    private Path campaign;
    private Path tokenFile;

    private record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Result harden(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardenCommand.commandLine(args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
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

    private void start() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN);
        shop = server.repository("shop");
        GitCli.seed(shop, Map.of("deploy/compose.yaml", COMPOSE));
        clean = server.repository("clean");
        GitCli.seed(clean, Map.of("compose.yaml", Fixtures.fixed(Fixtures.profile("restricted"), COMPOSE)));
        GitCli.seed(server.repository("quiet"), Map.of("compose.yaml", COMPOSE, ".harden.yaml", "campaigns: false\n"));
        fake = new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/shop", b -> GitCli.tip(shop, b) != null);
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        campaign = Files.writeString(dir.resolve("campaign.yaml"), """
                apiVersion: harden/v1
                kind: Campaign
                name: roll
                forge: github
                api: %s
                profile: restricted
                signOff: always
                pullRequest:
                  labels: [security]
                repositories: [acme/shop, acme/clean, acme/quiet]
                """.formatted(fake.apiUrl()));
    }

    private String[] bulk(String action, String... extra) {
        String[] base = {"bulk", action, campaign.toString(), "--journal", dir.resolve("roll.journal.jsonl").toString()};
        String[] more = switch (action) {
            case "run" -> new String[] {"--token-file", tokenFile.toString(), "--clone-url",
                server.url("x").replace("x.git", "") + "{name}.git"};
            case "plan" -> new String[] {"--token-file", tokenFile.toString()};
            default -> new String[0];
        };
        String[] all = new String[base.length + more.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        System.arraycopy(extra, 0, all, base.length + more.length, extra.length);
        return all;
    }

    @Test
    void runOpensOnePullRequestWhereNeededLeavesTheOthersAndARunAgainOpensAndPushesNothing() throws Exception {
        start();

        Result plan = harden(bulk("plan"));
        Result first = harden(bulk("run"));
        String tip = GitCli.tip(shop, "harden/restricted");
        int writes = fake.calls().stream().filter(c -> !c.method().equals("GET")).toList().size();
        Result second = harden(bulk("run"));
        Result status = harden(bulk("status"));

        assertThat(plan.code()).as(plan.all()).isZero();
        assertThat(plan.out()).startsWith("campaign roll, shard 1/1: 3 to work on, 0 to skip; branch harden/restricted,"
                + " profile restricted\n").contains("  start  github.example/acme/shop\n".replace("github.example",
                java.net.URI.create(fake.apiUrl()).getHost()));
        assertThat(first.code()).as(first.all()).isZero();
        String host = java.net.URI.create(fake.apiUrl()).getHost();
        assertThat(first.out()).contains(host + "/acme/shop: done https://github.example/acme/shop/pull/1\n",
                host + "/acme/clean: done\n", host + "/acme/quiet: opted-out (.harden.yaml says campaigns: false)\n");
        assertThat(fake.prs()).singleElement().satisfies(pr -> assertThat(pr.labels).containsExactly("security"));
        assertThat(GitCli.git(shop, "log", "-1", "--format=%B", "harden/restricted"))
                .endsWith("Signed-off-by: harden <harden@noreply.invalid>\n\n");
        assertThat(GitCli.tip(clean, "harden/restricted")).isNull();

        assertThat(second.code()).as(second.all()).isZero();
        assertThat(GitCli.tip(shop, "harden/restricted")).isEqualTo(tip);
        assertThat(fake.prs()).hasSize(1);
        assertThat(fake.calls().stream().filter(c -> !c.method().equals("GET")).toList()).hasSize(writes);

        assertThat(status.code()).as(status.all()).isZero();
        // shop's one nginx service misses 5 of restricted's rules, all fixable; clean is already that fix's output
        assertThat(status.out()).isEqualTo("campaign roll: 3 repositories, 2 done, 1 opted-out\n"
                + "  done        " + host + "/acme/clean findings 0 -> 0\n"
                + "  opted-out   " + host + "/acme/quiet (.harden.yaml says campaigns: false)\n"
                + "  done        " + host + "/acme/shop https://github.example/acme/shop/pull/1 findings 5 -> 0\n");
        Result csv = harden(bulk("status", "--format", "csv"));
        assertThat(csv.out()).isEqualTo("repository,state,url,findings_before,findings_after,retryable,reason\r\n"
                + host + "/acme/clean,done,,0,0,,\r\n"
                + host + "/acme/quiet,opted-out,,,,,.harden.yaml says campaigns: false\r\n"
                + host + "/acme/shop,done,https://github.example/acme/shop/pull/1,5,0,,\r\n");
        Result json = harden(bulk("status", "--format", "json"));
        Object shopRow = ((java.util.List<?>) dev.harden.json.Json.at(dev.harden.json.Json.parse(json.out()), "repositories")).get(2);
        assertThat(dev.harden.json.Json.at(shopRow, "findingsBefore")).isEqualTo(5L);
        assertThat(dev.harden.json.Json.at(shopRow, "url")).isEqualTo("https://github.example/acme/shop/pull/1");
        Result markdown = harden(bulk("status", "--format", "markdown"));
        assertThat(markdown.out()).startsWith("# Campaign roll\n\n3 repositories: 2 done, 1 opted-out\n\n")
                .contains("| " + host + "/acme/shop | done | https://github.example/acme/shop/pull/1 | 5 | 0 |  |\n");
        Result html = harden(bulk("status", "--format", "html"));
        assertThat(html.code()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(first.all() + second.all() + status.all() + Files.readString(dir.resolve("roll.journal.jsonl")))
                .doesNotContain(TOKEN);
    }

    @Test
    void closeClosesTheCampaignsPullRequestDeletesItsBranchAndClosingAgainAsksTheForgeNothing() throws Exception {
        start();
        fake.deletesBranchesWith(branch -> {
            if (GitCli.tip(shop, branch) == null) {
                return false;
            }
            GitCli.git(shop, "update-ref", "-d", "refs/heads/" + branch);
            return true;
        });
        Result run = harden(bulk("run"));
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(GitCli.tip(shop, "harden/restricted")).isNotNull();

        Result close = harden(bulk("close", "--token-file", tokenFile.toString()));
        int callsAfterClose = fake.calls().size();
        Result again = harden(bulk("close", "--token-file", tokenFile.toString()));
        Result rerun = harden(bulk("run"));
        Result status = harden(bulk("status"));

        String host = java.net.URI.create(fake.apiUrl()).getHost();
        assertThat(close.code()).as(close.all()).isZero();
        assertThat(close.out()).contains(host + "/acme/shop: closed https://github.example/acme/shop/pull/1, deleted branch"
                + " harden/restricted\n", "campaign roll: 1 closed;");
        assertThat(fake.prs()).singleElement().satisfies(pr -> assertThat(pr.state).isEqualTo("closed"));
        assertThat(GitCli.tip(shop, "harden/restricted")).isNull();
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(again.out()).startsWith("campaign roll: 0 closed;");
        assertThat(rerun.code()).as(rerun.all()).isZero();
        assertThat(fake.calls()).as("neither a second close nor a plain run after it asks the forge anything")
                .hasSize(callsAfterClose);
        assertThat(status.out()).contains("  closed      " + host + "/acme/shop https://github.example/acme/shop/pull/1");
        assertThat(Files.readString(dir.resolve("roll.journal.jsonl"))).containsOnlyOnce("\"state\":\"closed\"")
                .doesNotContain(TOKEN);
    }

    @Test
    void helpTeachesTheThreeCommandsAndAMissingCampaignFileIsAUsageError() {
        Result help = harden("bulk", "--help");
        assertThat(help.out()).contains("harden bulk plan campaign.yaml", "harden bulk run campaign.yaml",
                "harden bulk status campaign.yaml", "harden bulk close campaign.yaml", "plan", "run", "status", "close");
        Result runHelp = harden("bulk", "run", "--help");
        assertThat(runHelp.out()).contains("--shard=I/N", "--only=failed|all", "--journal=FILE", "campaigns: false");

        Result missing = harden("bulk", "run");
        assertThat(missing.code()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(missing.err()).isEqualTo("harden: name the campaign file: harden bulk run CAMPAIGN.yaml\n");
    }

    @Test
    void aMistakeInTheCampaignFileIsReportedAtItsLineAndColumn() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "apiVersion: harden/v1\nkind: Campaign\nname: x\nforge: github\n"
                + "profile: restricted\nrepositories: [acme/a]\nsignoff: always\n");
        Result r = harden("bulk", "plan", bad.toString());
        assertThat(r.code()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).startsWith("harden: " + bad + ":7:1: ").contains("signOff");
    }

    @Test
    void theShippedIndexedJobIsHardenedByHardenItselfWithNothingLeftOpenUnderStrict() throws Exception {
        Result r = harden("check", "--profile", "strict", "--offline", "examples/bulk");

        assertThat(r.code()).as(r.all()).isZero();
        // the Job and the NetworkPolicy harden wrote for it; the campaign and the workflow are neither Compose nor Kubernetes
        assertThat(r.err()).contains("2 files checked with profile strict: 0 open");
        // the one exemption: the image the user builds, whose digest only their registry knows
        assertThat(r.out()).containsOnlyOnce("exempted image-tag-pinned [Job/harden-rollout/harden]");
        String job = Files.readString(Path.of("examples/bulk/indexed-job.yaml"));
        assertThat(job).contains("completionMode: Indexed", "completions: 3", "name: HARDEN_SHARDS\n              value: \"3\"",
                "/journals/shard-$(JOB_COMPLETION_INDEX).jsonl");
        String workflow = Files.readString(Path.of("examples/bulk/actions-matrix.yml"));
        assertThat(workflow).contains("shard: [1, 2, 3]", "--shard \"$SHARD/3\"");
    }
}
