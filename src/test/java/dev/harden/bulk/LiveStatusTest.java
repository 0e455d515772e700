package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.forge.Checks;
import dev.harden.forge.Forge;
import dev.harden.forge.PullRequest;
import dev.harden.json.Json;
import dev.harden.report.Redact;
import dev.harden.testing.FakeForge;
import dev.harden.testing.FakeTime;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live pull request state, the merge rate and waiting on checks, over one stateful fake forge per
 * repository: each journal names its pull request, and the fake says what people did with it since.
 */
class LiveStatusTest {
    private static final String TOKEN = "ghp_LiveStatusNeverShown55";
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String BRANCH = "harden/restricted";

    private final FakeTime time = new FakeTime();
    private final Map<String, FakeForge> fakes = new LinkedHashMap<>();
    private final Map<RepoId, Journal.Entry> last = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        fakes.values().forEach(FakeForge::close);
    }

    private static Campaign campaign(String extra) throws CampaignException {
        return CampaignFile.parse(Path.of("c.yaml"), ("apiVersion: harden/v1\nkind: Campaign\nname: roll\nforge: github\n"
                + "profile: restricted\nrepositories: [acme/a]\n" + extra).getBytes(StandardCharsets.UTF_8));
    }

    /** A repository whose campaign pull request the journal records as done. */
    private FakeForge withPullRequest(String name) {
        FakeForge fake = new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/" + name, b -> true);
        fakes.put(name, fake);
        fake.add(BRANCH, "main", "Harden", "");
        RepoId id = new RepoId("github.com", "acme/" + name);
        last.put(id, new Journal.Entry(AT, id, State.DONE, null, false, "https://github.example/acme/" + name + "/pull/1"));
        return fake;
    }

    private PullRequestWork.Forges forges() {
        return target -> {
            String name = target.id().path().substring("acme/".length());
            return Forge.of(Forge.Kind.GITHUB, URI.create(fakes.get(name).apiUrl()), target.id().path(), TOKEN, time.pace(),
                    line -> { });
        };
    }

    @Test
    void eachPullRequestIsReadOpenMergedOrClosedWithTheChecksOfOpenOnesAndTheMergeRateIsMergedOverOpened()
            throws Exception {
        withPullRequest("shop").checks(1, "pending");
        withPullRequest("cart").merge(1);
        withPullRequest("mail").closeByHand(1);
        withPullRequest("feed").checks(1, "success");
        RepoId quiet = new RepoId("github.com", "acme/quiet");
        last.put(quiet, new Journal.Entry(AT, quiet, State.OPTED_OUT, "campaigns: false", false, null));

        LiveStatus.Result r = LiveStatus.read(campaign(""), last, forges(), Redact.of(TOKEN), true);

        assertThat(r.unread()).isEmpty();
        assertThat(r.live()).hasSize(4).containsEntry(id("shop"), live(PullRequest.State.OPEN, Checks.PENDING, "shop"))
                .containsEntry(id("cart"), live(PullRequest.State.MERGED, null, "cart"))
                .containsEntry(id("mail"), live(PullRequest.State.CLOSED, null, "mail"))
                .containsEntry(id("feed"), live(PullRequest.State.OPEN, Checks.PASSING, "feed"));
        assertThat(LiveStatus.MergeRate.of(r.live())).isEqualTo(new LiveStatus.MergeRate(4, 1));
        assertThat(LiveStatus.MergeRate.of(r.live()).sentence()).isEqualTo("1 of 4 pull requests merged (25%)");
        assertThat(r.openOrUnknown()).isEqualTo(2);
        assertThat(fakes.get("cart").calls("GET", "/check-runs")).as("a merged pull request's checks are not read").isEmpty();
    }

    @Test
    void aRepositoryTheForgeCannotAnswerForIsReportedRedactedAndTheOthersAreStillRead() throws Exception {
        withPullRequest("shop");
        withPullRequest("cart").failNext("GET", "/pulls", 404, Map.of(), "{\"message\":\"Not Found " + TOKEN + "\"}");

        LiveStatus.Result r = LiveStatus.read(campaign(""), last, forges(), Redact.of(TOKEN), false);

        assertThat(r.live()).containsOnlyKeys(id("shop"));
        assertThat(r.unread()).containsOnlyKeys(id("cart"));
        assertThat(r.unread().get(id("cart"))).contains("HTTP 404").doesNotContain(TOKEN);
        assertThat(r.openOrUnknown()).as("one open, one unknown: a budget counts both").isEqualTo(2);
    }

    @Test
    void theReportsShowEachPullRequestsStateAndChecksAndTheMergeRateInEveryFormat() throws Exception {
        withPullRequest("shop").checks(1, "failure");
        withPullRequest("cart").merge(1);
        LiveStatus.Result r = LiveStatus.read(campaign(""), last, forges(), Redact.of(TOKEN), true);

        CampaignReport report = CampaignReport.of("roll", last, r.live());

        assertThat(report.text()).isEqualTo("campaign roll: 2 repositories, 2 done\n"
                + "merge rate: 1 of 2 pull requests merged (50%)\n"
                + "  done        github.com/acme/cart https://github.example/acme/cart/pull/1 [merged]\n"
                + "  done        github.com/acme/shop https://github.example/acme/shop/pull/1 [open, checks failing]\n");
        assertThat(report.markdown()).contains("2 repositories: 2 done\n\nMerge rate: 1 of 2 pull requests merged (50%).\n\n"
                + "| Repository | State | Pull request | Pull request state | Checks | Findings before | Findings after | Reason |\n")
                .contains("| github.com/acme/shop | done | https://github.example/acme/shop/pull/1 | open | failing | unknown"
                        + " | unknown |  |\n");
        assertThat(report.csv()).isEqualTo("repository,state,url,findings_before,findings_after,retryable,reason,pr_state,checks\r\n"
                + "github.com/acme/cart,done,https://github.example/acme/cart/pull/1,,,,,merged,\r\n"
                + "github.com/acme/shop,done,https://github.example/acme/shop/pull/1,,,,,open,failing\r\n"
                + "merge rate,1/2,,,,,1 of 2 pull requests merged (50%),,\r\n");
        Object root = Json.parse(report.json());
        assertThat(Json.at(root, "mergeRate")).isEqualTo(Map.of("opened", 2L, "merged", 1L, "rate", 0.5));
        List<?> rows = (List<?>) Json.at(root, "repositories");
        assertThat(Json.at(rows.get(1), "pullRequestState")).isEqualTo("open");
        assertThat(Json.at(rows.get(1), "checks")).isEqualTo("failing");
        assertThat(Json.at(rows.get(0), "checks")).isNull();
    }

    @Test
    void withoutTheForgeTheReportsAreTheJournalsAlonePlainAsBefore() {
        RepoId shop = id("shop");
        last.put(shop, new Journal.Entry(AT, shop, State.DONE, null, false, "https://github.example/acme/shop/pull/1"));

        CampaignReport report = CampaignReport.of("roll", last);

        assertThat(report.mergeRate()).isNull();
        assertThat(report.text()).doesNotContain("merge rate");
        assertThat(report.csv()).startsWith("repository,state,url,findings_before,findings_after,retryable,reason\r\n")
                .doesNotContain("merge rate");
        assertThat(report.json()).doesNotContain("mergeRate").doesNotContain("pullRequestState");
        assertThat(new LiveStatus.MergeRate(0, 0).rate()).isNull();
        assertThat(new LiveStatus.MergeRate(0, 0).sentence()).isEqualTo("0 of 0 pull requests merged");
    }

    @Test
    void withWaitForChecksARepositoryWhosePullRequestsChecksArePendingOrFailingWaitsAndTheOthersAreWorkedOn()
            throws Exception {
        withPullRequest("shop").checks(1, "pending");
        withPullRequest("cart").checks(1, "failure");
        withPullRequest("feed").checks(1, "success");
        withPullRequest("mail").merge(1);
        List<String> worked = new ArrayList<>();
        Work counting = (target, steps) -> worked.add(target.id().path());
        ChecksGate gate = new ChecksGate(counting, campaign("pace: {waitForChecks: true}\n"), last, forges(), Redact.of(TOKEN));

        List<String> held = new ArrayList<>();
        for (String name : List.of("shop", "cart", "feed", "mail", "new")) {
            try {
                gate.run(new Target(id(name), null, null), null);
            } catch (Work.Held e) {
                held.add(name + ": " + e.getMessage() + " " + e.url());
            }
        }

        assertThat(held).containsExactly("shop: waiting: checks pending https://github.example/acme/shop/pull/1",
                "cart: waiting: checks failing https://github.example/acme/cart/pull/1");
        assertThat(worked).containsExactly("acme/feed", "acme/mail", "acme/new");
        assertThat(fakes.get("feed").calls().stream().filter(c -> !c.method().equals("GET")).toList()).isEmpty();
    }

    private static RepoId id(String name) {
        return new RepoId("github.com", "acme/" + name);
    }

    private static LiveStatus.Live live(PullRequest.State state, Checks checks, String name) {
        return new LiveStatus.Live(state, checks, "https://github.example/acme/" + name + "/pull/1");
    }
}
