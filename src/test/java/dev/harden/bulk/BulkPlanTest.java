package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkPlanTest {
    @TempDir
    Path dir;

    private Campaign campaign;
    private Discovery.Result discovery;
    private Map<RepoId, Journal.Entry> journal;

    private static RepoId id(String name) {
        return new RepoId("github.com", "acme/" + name);
    }

    @BeforeEach
    void setUp() throws Exception {
        campaign = CampaignFile.parse(Path.of("c.yaml"), """
                apiVersion: harden/v1
                kind: Campaign
                name: roll
                forge: github
                profile: restricted
                repositories: [acme/shop, acme/api, acme/docs, acme/x, acme/y, acme/z]
                """.getBytes(StandardCharsets.UTF_8));
        discovery = Discovery.run(campaign, null);
        discovery = new Discovery.Result(discovery.targets(), List.of("acme/old: archived (set repositories.archived: true"
                + " to include it)"));
        AtomicLong s = new AtomicLong(1_767_225_600L);
        Path file = dir.resolve("journal.jsonl");
        try (Journal j = Journal.open(file, () -> Instant.ofEpochSecond(s.getAndIncrement()))) {
            for (State state : List.of(State.DISCOVERED, State.FETCHED, State.CHANGED, State.PUSHED)) {
                j.record(id("api"), state);
            }
            for (State state : List.of(State.DISCOVERED, State.FETCHED, State.UNCHANGED)) {
                j.record(id("docs"), state);
            }
            j.record(id("docs"), State.DONE, "https://github.com/acme/docs/pull/3");
            j.record(id("x"), State.DISCOVERED);
            j.failed(id("x"), "POST /pulls: rate limited (HTTP 429)\u001b[2J", true);
            j.record(id("y"), State.DISCOVERED);
            j.failed(id("y"), "HTTP 404 (no such repository)", false);
            j.record(id("z"), State.DISCOVERED);
            j.record(id("z"), State.FETCHED);
            j.optedOut(id("z"), ".harden-opt-out is present");
        }
        journal = Journal.replay(file);
    }

    @Test
    void aResumeStartsTheNewResumesTheHalfDoneRetriesTheRetryableAndSaysWhyItSkipsTheRest() {
        BulkPlan plan = BulkPlan.of(campaign, discovery, journal, Shard.ALL, Journal.Selection.UNFINISHED);

        assertThat(plan.steps()).extracting(BulkPlan.Step::action).containsExactly(BulkPlan.Action.START,
                BulkPlan.Action.RESUME, BulkPlan.Action.SKIP, BulkPlan.Action.RETRY, BulkPlan.Action.SKIP, BulkPlan.Action.SKIP);
        assertThat(plan.toRun()).extracting(Target::id).containsExactly(id("shop"), id("api"), id("x"));
        assertThat(plan.text()).isEqualTo("""
                campaign roll, shard 1/1: 3 to work on, 3 to skip; branch harden/restricted, profile restricted
                  start  github.com/acme/shop
                  resume github.com/acme/api (stopped at pushed)
                  skip   github.com/acme/docs (done: https://github.com/acme/docs/pull/3)
                  retry  github.com/acme/x (failed: POST /pulls: rate limited (HTTP 429)\\u001b[2J)
                  skip   github.com/acme/y (failed, not retryable: HTTP 404 (no such repository))
                  skip   github.com/acme/z (opted out: .harden-opt-out is present)
                left out:
                  acme/old: archived (set repositories.archived: true to include it)
                """);
    }

    @Test
    void onlyFailedRetriesEveryFailureAndNothingElse() {
        BulkPlan plan = BulkPlan.of(campaign, discovery, journal, Shard.ALL, Journal.Selection.FAILED);
        assertThat(plan.toRun()).extracting(Target::id).containsExactly(id("x"), id("y"));
        assertThat(plan.steps().get(4).action()).isEqualTo(BulkPlan.Action.RETRY);
    }

    @Test
    void aNewRoundStartsTheFinishedAgainAndResumesTheHalfDone() {
        BulkPlan plan = BulkPlan.of(campaign, discovery, journal, Shard.ALL, Journal.Selection.ALL);
        assertThat(plan.steps()).extracting(BulkPlan.Step::action).containsExactly(BulkPlan.Action.START,
                BulkPlan.Action.RESUME, BulkPlan.Action.START, BulkPlan.Action.RETRY, BulkPlan.Action.RETRY,
                BulkPlan.Action.START);
    }

    @Test
    void aShardPlansOnlyItsOwnRepositoriesAndCountsTheOthers() {
        BulkPlan one = BulkPlan.of(campaign, discovery, journal, new Shard(1, 2), Journal.Selection.ALL);
        BulkPlan two = BulkPlan.of(campaign, discovery, journal, new Shard(2, 2), Journal.Selection.ALL);
        assertThat(one.steps().size() + two.steps().size()).isEqualTo(6);
        assertThat(one.otherShards()).isEqualTo(two.steps().size());
        assertThat(one.steps()).allSatisfy(s -> assertThat(Shard.bucket(s.target().id(), 2)).isZero());
        // acme/api hashes to bucket 0 of 2 (e1dcaa3496b93562 is even): the first shard's
        assertThat(one.steps()).extracting(s -> s.target().id()).contains(id("api"));
        assertThat(one.text()).contains(", " + two.steps().size() + " in other shards;");
    }
}
