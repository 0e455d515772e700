package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.forge.Forge;
import dev.harden.forge.Pace;
import dev.harden.git.Credentials;
import dev.harden.report.Redact;
import dev.harden.testing.CampaignServers;
import dev.harden.testing.FakeForge;
import dev.harden.testing.FakeTime;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign whose forge answers some content-creating calls with a rate limit, as GitHub documents them
 * (docs.github.com, "Best practices for using the REST API": a 429 or 403 with {@code retry-after}, with a
 * spent {@code x-ratelimit-remaining} and {@code x-ratelimit-reset}, or a secondary limit that names no
 * wait, after which a client waits at least a minute): the run waits on a fake clock and still opens one
 * pull request in each repository. Over the real git server of the PR tests, through {@link BulkRun} and
 * {@link PullRequestWork} as {@code harden bulk run} wires them, with the clock the only change.
 */
class RateLimitedCampaignTest {
    private static final String TOKEN = "ghp_RateLimitedTokenNeverShown9";
    private static final String BRANCH = "harden/restricted";
    private static final int REPOSITORIES = 12;
    private static final String SECONDARY = "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes"
            + " before you try again.\",\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}";

    @TempDir
    Path dir;

    private CampaignServers servers;
    private final FakeTime time = new FakeTime();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "svc-%02d", i);
    }

    /** As BulkCommand wires it: one pace for every repository's client, spending from and slowed by the governor. */
    private Work work(Campaign c, Governor governor, List<Long> slowedFor) throws Exception {
        Pace.Budget heard = new Pace.Budget() {
            @Override
            public void beforeContentCall() throws InterruptedException {
                governor.beforeContentCall();
            }

            @Override
            public void slowDown(long millis) {
                slowedFor.add(millis);
                governor.slowDown(millis);
            }
        };
        Pace pace = new Pace(Duration.ZERO, time::now, time, new Random(11), Duration.ofMinutes(15)).withBudget(heard);
        URI api = URI.create(servers.router().apiUrl());
        return new PullRequestWork(c, new Credentials(c.forge().gitUsername(), TOKEN),
                target -> servers.url(target.id().path().substring("acme/".length())),
                target -> Forge.of(Forge.Kind.GITHUB, api, target.id().path(), TOKEN, pace, log::add),
                tree -> Fixtures.hardener(Fixtures.profile("restricted")), governor, Redact.of(TOKEN), log::add);
    }

    @Test
    void aForgeAnswering429AndSecondaryLimitsSlowsTheCampaignWhichStillOpensOnePullRequestInEachRepository() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        servers = CampaignServers.start(dir, TOKEN);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < REPOSITORIES; i++) {
            names.add(name(i));
            servers.repo(name(i), FakeForge.Dialect.GITHUB, Map.of("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n"));
        }
        long resetAt = time.now() / 1000 + 300;
        // 429 with retry-after: 30 s, twice in a row on one repository
        servers.fake(name(0)).failNext("POST", "/pulls", 429, Map.of("Retry-After", "30"), "{\"message\":\"Too Many Requests\"}");
        servers.fake(name(4)).failNext("POST", "/pulls", 429, Map.of("Retry-After", "30"), "{}");
        servers.fake(name(4)).failNext("POST", "/pulls", 429, Map.of("Retry-After", "30"), "{}");
        // secondary limits: one naming no wait (its rate-limit headers not spent), one with retry-after, one with a spent budget
        servers.fake(name(1)).failNext("POST", "/pulls", 403, Map.of("x-ratelimit-remaining", "4987"), SECONDARY);
        servers.fake(name(7)).failNext("POST", "/pulls", 403, Map.of("retry-after", "90"), SECONDARY);
        servers.fake(name(9)).failNext("POST", "/labels", 403,
                Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(resetAt)), SECONDARY);
        Campaign c = CampaignFile.parse(dir.resolve("campaign.yaml"), ("apiVersion: harden/v1\nkind: Campaign\nname: paced\n"
                + "forge: github\napi: " + servers.router().apiUrl() + "\nprofile: restricted\npullRequest:\n  labels: [security]\n"
                + "repositories: [" + String.join(", ", names.stream().map(n -> "acme/" + n).toList()) + "]\n")
                .getBytes(StandardCharsets.UTF_8));
        Governor governor = new Governor(c.pace(), time::now, time);
        List<Long> slowedFor = new CopyOnWriteArrayList<>();

        Map<State, Integer> ended;
        try (Journal journal = Journal.open(dir.resolve("paced.journal.jsonl"), Instant::now)) {
            BulkPlan plan = BulkPlan.of(c, Discovery.run(c, null), journal.last(), Shard.ALL, Journal.Selection.UNFINISHED);
            ended = BulkRun.run(plan, journal, work(c, governor, slowedFor), c.pace().parallel(), log::add);
        }

        String seen = String.join("\n", log);
        assertThat(ended).as(seen).isEqualTo(Map.of(State.DONE, REPOSITORIES));
        for (String name : names) {
            assertThat(servers.fake(name).prs()).as(name).singleElement().satisfies(pr -> {
                assertThat(pr.head).isEqualTo(BRANCH);
                assertThat(pr.labels).containsExactly("security");
            });
            assertThat(GitCli.git(servers.bare(name), "ls-remote", "--heads", ".").lines().count()).as(name).isEqualTo(2);
        }
        // each limited call was answered with the limit, then made again once the wait was over, and succeeded
        assertThat(servers.fake(name(4)).calls("POST", "/pulls")).extracting(FakeForge.Call::status).containsExactly(429, 429, 201);
        assertThat(servers.fake(name(9)).calls("POST", "/labels")).extracting(FakeForge.Call::status).containsExactly(403, 200);
        List<Long> sleeps = time.sleeps();
        assertThat(sleeps).as(seen).contains(30_000L, 90_000L);
        assertThat(seen).contains("rate limited (HTTP 429); retrying in 30s", "rate limited (HTTP 403); retrying in 90s");
        // a secondary limit that names no wait: at least a minute, as GitHub asks
        assertThat(seen).containsPattern("svc-01/pulls: rate limited \\(HTTP 403\\); retrying in ([6-9]\\d|1[01]\\d|120)s");
        // a spent budget: waited out until its reset and a second more, on the fake clock
        assertThat(time.now()).as("the run waited for the reset").isGreaterThanOrEqualTo(resetAt * 1000 + 1000);
        // every limit reached the governor, which pauses every repository's calls and lowers the calls per minute
        assertThat(slowedFor).as(seen).hasSizeGreaterThanOrEqualTo(6).contains(30_000L, 90_000L)
                .anySatisfy(ms -> assertThat(ms).isBetween(60_000L, 120_000L));
        assertThat(seen).doesNotContain(TOKEN);
    }
}
