package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.forge.Forge;
import dev.harden.forge.Pace;
import dev.harden.forge.Proposal;
import dev.harden.testing.FakeForge;
import dev.harden.testing.FakeForge.Dialect;
import dev.harden.testing.FakeTime;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The campaign's shared budget on a clock that only moves when someone waits: no test sleeps. */
class GovernorTest {
    private final FakeTime time = new FakeTime();

    private Governor governor(int perMinute, int perHour, int prsPerHour, int openAtOnce) {
        return new Governor(new Campaign.Pacing(perMinute, perHour, prsPerHour, openAtOnce, 4), time::now, time);
    }

    @Test
    void letsAMinutesContentCallsThroughAtOnceAndMakesTheNextWaitForTheFirstToLeaveTheWindow() throws Exception {
        Governor g = governor(60, 400, 60, 100);
        for (int i = 0; i < 60; i++) {
            g.beforeContentCall();
        }
        assertThat(time.sleeps()).isEmpty();
        g.beforeContentCall();
        assertThat(time.sleeps()).containsExactly(60_000L);
    }

    @Test
    void theHourlyCeilingHoldsWhenTheMinutesAllowMore() throws Exception {
        Governor g = governor(60, 100, 60, 100);
        for (int i = 0; i < 101; i++) {
            g.beforeContentCall();
        }
        // 60 at once, 40 more once the first minute has passed, then the hour is spent until its first call leaves
        assertThat(time.sleeps()).containsExactly(60_000L, 3_540_000L);
    }

    @Test
    void aRateLimitPausesEveryoneAsLongAsTheForgeAskedAndHalvesTheMinutesBudgetThenItGrowsBack() throws Exception {
        Governor g = governor(60, 400, 60, 100);
        g.slowDown(30_000);
        assertThat(g.perMinute()).isEqualTo(30);
        g.beforeContentCall();
        assertThat(time.sleeps()).containsExactly(30_000L);
        for (int i = 0; i < 29; i++) {
            g.beforeContentCall();
        }
        g.beforeContentCall();
        assertThat(time.sleeps()).containsExactly(30_000L, 60_000L);
        // 90 s after the limit one quiet minute has passed: a tenth of the ceiling is back
        assertThat(g.perMinute()).isEqualTo(36);
        time.advance(10 * 60_000L);
        assertThat(g.perMinute()).isEqualTo(60);
        g.slowDown(1_000);
        g.slowDown(1_000);
        assertThat(g.perMinute()).isEqualTo(15);
    }

    @Test
    void theMinutesBudgetNeverFallsBelowOneCall() {
        Governor g = governor(2, 400, 60, 100);
        for (int i = 0; i < 5; i++) {
            g.slowDown(1);
        }
        assertThat(g.perMinute()).isEqualTo(1);
    }

    @Test
    void pullRequestsOpenAtTheHourlyPaceAndStopWhenTheOpenCeilingIsReached() throws Exception {
        Governor g = governor(60, 400, 2, 3);
        assertThat(g.reservePullRequest()).isTrue();
        assertThat(g.reservePullRequest()).isTrue();
        assertThat(time.sleeps()).isEmpty();
        assertThat(g.reservePullRequest()).isTrue();
        assertThat(time.sleeps()).containsExactly(3_600_000L);
        assertThat(g.open()).isEqualTo(3);
        assertThat(g.reservePullRequest()).as("three open: no more in this run").isFalse();
        g.pullRequestClosed();
        assertThat(g.reservePullRequest()).isTrue();
        assertThat(time.sleeps()).hasSize(1);
    }

    @Test
    void pullRequestsEarlierRunsLeftOpenSpendTheBudgetOfOpenOnesFromTheStart() throws Exception {
        Governor g = governor(60, 400, 60, 3);
        g.alreadyOpen(3);
        assertThat(g.reservePullRequest()).as("three still open from earlier runs: none more").isFalse();
        g.pullRequestClosed();
        assertThat(g.reservePullRequest()).isTrue();
        assertThat(g.open()).isEqualTo(3);
    }

    @Test
    void aReservationThatOpenedNothingIsGivenBack() throws Exception {
        Governor g = governor(60, 400, 1, 5);
        g.alreadyOpen(2);
        assertThat(g.reservePullRequest()).isTrue();
        g.pullRequestNotOpened();
        assertThat(g.open()).isEqualTo(2);
        assertThat(g.reservePullRequest()).isTrue();
        assertThat(time.sleeps()).as("the hour's one pull request was not spent").isEmpty();
    }

    @Test
    void clientsOfDifferentRepositoriesSpendFromOneBudgetAndA429FromAnySlowsThemAll() throws Exception {
        Governor g = governor(3, 400, 60, 100);
        Pace pace = new Pace(Duration.ZERO, time::now, time, new Random(7), Duration.ofMinutes(15)).withBudget(g);
        List<String> log = new ArrayList<>();
        try (FakeForge shop = new FakeForge(Dialect.GITHUB, "t", "acme/shop", b -> true);
             FakeForge api = new FakeForge(Dialect.GITHUB, "t", "acme/api", b -> true)) {
            Forge a = Forge.of(Forge.Kind.GITHUB, URI.create(shop.apiUrl()), "acme/shop", "t", pace, log::add);
            Forge b = Forge.of(Forge.Kind.GITHUB, URI.create(api.apiUrl()), "acme/api", "t", pace, log::add);
            a.create(proposal());  // create and labels: two content calls
            b.byHead("harden/restricted"); // reading costs nothing
            b.create(proposal());  // the third fits, the fourth waits for the minute
            assertThat(time.sleeps()).containsExactly(60_000L);

            api.failNext("PATCH", "/pulls", 429, Map.of("Retry-After", "7"), "{\"message\":\"slow down\"}");
            b.update(b.byHead("harden/restricted").get(0), new Proposal("harden/restricted", "main", "T2", "b", false,
                    List.of("security"), List.of(), List.of()));
            // the forge's 7 s, then the halved budget (one a minute) makes the retry wait for the failed attempt's minute
            assertThat(time.sleeps()).containsExactly(60_000L, 7_000L, 53_000L);
            assertThat(g.perMinute()).as("a quiet minute later, one more").isEqualTo(2);
            assertThat(api.prs().get(0).title).isEqualTo("T2");
            assertThat(shop.prs()).hasSize(1);
            assertThat(api.prs()).hasSize(1);
        }
    }

    @Test
    void aSpentRateLimitInTheHeadersOfASuccessfulAnswerPausesEveryClientUntilItsReset() throws Exception {
        Governor g = governor(60, 400, 60, 100);
        Pace pace = new Pace(Duration.ZERO, time::now, time, new Random(7), Duration.ofMinutes(15)).withBudget(g);
        try (FakeForge fake = new FakeForge(Dialect.GITHUB, "t", "acme/shop", b -> true)) {
            Forge forge = Forge.of(Forge.Kind.GITHUB, URI.create(fake.apiUrl()), "acme/shop", "t", pace, s -> { });
            long reset = time.now() / 1000 + 120;
            fake.failNext("GET", "/pulls", 200, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)),
                    "[]");
            forge.byHead("harden/restricted");
            assertThat(g.perMinute()).isEqualTo(30);
            g.beforeContentCall(); // another repository's client, sharing only the governor
            assertThat(time.sleeps()).containsExactly(121_000L);
        }
    }

    @Test
    void aGitHubSecondaryLimitAnsweredWith403SlowsTheWholeCampaign() throws Exception {
        Governor g = governor(60, 400, 60, 100);
        Pace pace = new Pace(Duration.ZERO, time::now, time, new Random(7), Duration.ofMinutes(15)).withBudget(g);
        try (FakeForge fake = new FakeForge(Dialect.GITHUB, "t", "acme/shop", b -> true)) {
            Forge forge = Forge.of(Forge.Kind.GITHUB, URI.create(fake.apiUrl()), "acme/shop", "t", pace, s -> { });
            fake.failNext("POST", "/pulls", 403, Map.of(), "{\"message\":\"You have exceeded a secondary rate limit."
                    + " Please wait a few minutes before you try again.\"}");
            forge.create(new Proposal("harden/restricted", "main", "T", "b", false, List.of(), List.of(), List.of()));
            assertThat(fake.prs()).hasSize(1);
            // at least a minute (GitHub's ask), less than two: halved to 30, then one quiet minute gives back 6
            assertThat(time.sleeps()).singleElement().satisfies(ms -> assertThat(ms).isBetween(60_000L, 119_999L));
            assertThat(g.perMinute()).isEqualTo(36);
        }
    }

    private static Proposal proposal() {
        return new Proposal("harden/restricted", "main", "T", "b", false, List.of("security"), List.of(), List.of());
    }
}
