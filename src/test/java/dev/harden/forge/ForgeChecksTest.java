package dev.harden.forge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.testing.FakeForge;
import dev.harden.testing.FakeForge.Dialect;
import dev.harden.testing.FakeTime;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A pull request's live state and checks, read at the addresses each forge documents, from a stateful fake. */
class ForgeChecksTest {
    private static final String TOKEN = "tok-checks-5ecret-77";
    private final FakeTime time = new FakeTime();
    private final List<String> log = new ArrayList<>();
    private FakeForge fake;

    private Forge forge(Dialect dialect) {
        fake = new FakeForge(dialect, TOKEN, "acme/shop", branch -> true);
        return Forge.of(Forge.Kind.valueOf(dialect.name()), URI.create(fake.apiUrl()), "acme/shop", TOKEN, time.pace(),
                log::add);
    }

    private static Proposal proposal() {
        return new Proposal("harden/restricted", "main", "Harden", "body", false, List.of(), List.of(), List.of());
    }

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void checksReadNoneThenPendingThenPassingOrFailingAsTheForgeReportsThem(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        PullRequest pr = forge.create(proposal());

        Checks none = forge.checks(pr);
        fake.checks(pr.number(), "pending");
        Checks pending = forge.checks(pr);
        fake.checks(pr.number(), "success");
        Checks passing = forge.checks(pr);
        fake.checks(pr.number(), "failure");
        Checks failing = forge.checks(pr);

        assertThat(List.of(none, pending, passing, failing))
                .containsExactly(Checks.NONE, Checks.PENDING, Checks.PASSING, Checks.FAILING);
        assertThat(fake.calls().stream().filter(c -> !c.method().equals("GET") && !c.url().endsWith("/pulls")
                && !c.url().endsWith("/merge_requests")).toList()).as("reading checks changes nothing").isEmpty();
    }

    @Test
    void gitHubReadsTheHeadCommitsCheckRunsAndCombinedStatusAndAFailureInEitherWins() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        PullRequest pr = forge.create(proposal());
        fake.checks(pr.number(), "success");
        fake.prs().get(0).commitStatus = "failure";

        Checks checks = forge.checks(pr);

        assertThat(checks).isEqualTo(Checks.FAILING);
        String sha = fake.prs().get(0).sha();
        assertThat(fake.calls("GET", "/commits/" + sha + "/check-runs")).hasSize(1);
        assertThat(fake.calls("GET", "/commits/" + sha + "/status")).hasSize(1);
        assertThat(fake.calls("GET", "/repos/acme/shop/pulls/1")).hasSize(1);
    }

    @Test
    void gitHubsCombinedStatusWithNoStatusesSaysPendingButCountsAsNoCheck() throws Exception {
        Forge forge = forge(Dialect.GITHUB);
        PullRequest pr = forge.create(proposal());

        // GitHub documents "pending if there are no statuses": a repository without CI must not wait for ever
        assertThat(forge.checks(pr)).isEqualTo(Checks.NONE);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aMergedPullRequestReadsMergedAndAClosedOneClosed(Dialect dialect) throws Exception {
        Forge forge = forge(dialect);
        forge.create(proposal());
        fake.merge(1);
        assertThat(forge.byHead("harden/restricted")).singleElement()
                .satisfies(pr -> assertThat(pr.state()).isEqualTo(PullRequest.State.MERGED));

        fake.add("harden/restricted", "main", "Harden again", "");
        fake.closeByHand(2);
        assertThat(forge.byHead("harden/restricted")).extracting(PullRequest::state)
                .containsExactly(PullRequest.State.CLOSED, PullRequest.State.MERGED);
    }

    @Test
    void aRateLimitWhileReadingChecksIsWaitedOutNotFailed() throws Exception {
        Forge forge = forge(Dialect.GITLAB);
        PullRequest pr = forge.create(proposal());
        fake.checks(pr.number(), "pending");
        fake.failNext("GET", "/merge_requests/1", 429, Map.of("Retry-After", "7"), "{\"message\":\"429 Too Many Requests\"}");

        assertThat(forge.checks(pr)).isEqualTo(Checks.PENDING);
        assertThat(time.sleeps()).contains(7000L);
        assertThat(String.join("\n", log)).contains("rate limited (HTTP 429)").doesNotContain(TOKEN);
    }

    @Test
    void checksTakenTogetherLetAFailureWinThenAPendingCheckThenAPass() {
        assertThat(Checks.PASSING.and(Checks.PENDING)).isEqualTo(Checks.PENDING);
        assertThat(Checks.PENDING.and(Checks.FAILING)).isEqualTo(Checks.FAILING);
        assertThat(Checks.NONE.and(Checks.PASSING)).isEqualTo(Checks.PASSING);
        assertThat(Checks.NONE.and(Checks.NONE)).isEqualTo(Checks.NONE);
    }
}
