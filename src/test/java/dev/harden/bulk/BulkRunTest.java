package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkRunTest {
    @TempDir
    Path dir;

    private static RepoId id(String name) {
        return new RepoId("github.com", "acme/" + name);
    }

    private static Campaign campaign(String names) throws CampaignException {
        return CampaignFile.parse(Path.of("c.yaml"), ("apiVersion: harden/v1\nkind: Campaign\nname: roll\nforge: github\n"
                + "profile: restricted\nrepositories: [" + names + "]\n").getBytes(StandardCharsets.UTF_8));
    }

    private static BulkPlan plan(Campaign c, Map<RepoId, Journal.Entry> journal, Journal.Selection selection) throws Exception {
        return BulkPlan.of(c, Discovery.run(c, null), journal, Shard.ALL, selection);
    }

    /** A stand-in for the pipeline that does, per repository, what its name says. */
    private static void work(Target target, Work.Steps steps) throws Work.Failed, CampaignException {
        String name = target.id().path().substring("acme/".length());
        steps.reached(State.FETCHED);
        switch (name) {
            case "clean" -> steps.reached(State.UNCHANGED);
            case "opted" -> steps.optedOut(".harden-opt-out is present");
            case "limited" -> throw new Work.Failed("POST /pulls: rate limited (HTTP 429)", true);
            case "buggy" -> steps.reached(State.PR_OPENED, "https://x/1");
            case "crashing" -> throw new IllegalArgumentException("boom");
            default -> {
                steps.reached(State.CHANGED);
                steps.reached(State.PUSHED);
                steps.reached(State.PR_OPENED, "https://github.com/acme/" + name + "/pull/1");
            }
        }
    }

    @Test
    void everyRepositoryEndsDoneOptedOutOrFailedAndOneFailureStopsNoOther() throws Exception {
        Campaign c = campaign("acme/shop, acme/clean, acme/opted, acme/limited, acme/buggy, acme/crashing, acme/api");
        List<String> log = new CopyOnWriteArrayList<>();
        Path file = dir.resolve("j.jsonl");
        Map<State, Integer> ended;
        try (Journal journal = Journal.open(file, Instant::now)) {
            ended = BulkRun.run(plan(c, Map.of(), Journal.Selection.UNFINISHED), journal, BulkRunTest::work, 3, log::add);
        }
        assertThat(ended).isEqualTo(Map.of(State.DONE, 3, State.OPTED_OUT, 1, State.FAILED, 3));
        Map<RepoId, Journal.Entry> last = Journal.replay(file);
        assertThat(last.get(id("shop"))).satisfies(e -> {
            assertThat(e.state()).isEqualTo(State.DONE);
            assertThat(e.url()).isEqualTo("https://github.com/acme/shop/pull/1");
        });
        assertThat(last.get(id("clean")).state()).isEqualTo(State.DONE);
        assertThat(last.get(id("limited"))).satisfies(e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.reason()).isEqualTo("POST /pulls: rate limited (HTTP 429)");
        });
        assertThat(last.get(id("buggy")).reason()).contains("internal error").contains("cannot go from fetched to pr-opened");
        assertThat(last.get(id("crashing")).reason()).isEqualTo("internal error: java.lang.IllegalArgumentException: boom");
        assertThat(last.get(id("crashing")).retryable()).isFalse();
        assertThat(log).hasSize(7).contains("github.com/acme/opted: opted-out (.harden-opt-out is present)");
    }

    @Test
    void aSecondRunTakesUpOnlyTheRetryableFailureAndOnlyFailedTakesUpEveryFailure() throws Exception {
        Campaign c = campaign("acme/shop, acme/limited, acme/crashing");
        Path file = dir.resolve("j.jsonl");
        List<String> worked = new CopyOnWriteArrayList<>();
        Work recording = (target, steps) -> {
            worked.add(target.id().path());
            work(target, steps);
        };
        try (Journal journal = Journal.open(file, Instant::now)) {
            BulkRun.run(plan(c, Map.of(), Journal.Selection.UNFINISHED), journal, recording, 2, s -> { });
            worked.clear();
            BulkRun.run(plan(c, journal.last(), Journal.Selection.UNFINISHED), journal, recording, 2, s -> { });
            assertThat(worked).containsExactly("acme/limited");
            worked.clear();
            BulkRun.run(plan(c, journal.last(), Journal.Selection.FAILED), journal, recording, 2, s -> { });
            assertThat(worked).containsExactlyInAnyOrder("acme/limited", "acme/crashing");
        }
    }

    @Test
    void aJournalThatCannotBeWrittenStopsTheRunSinceItCouldNoLongerResume() throws Exception {
        Campaign c = campaign("acme/shop");
        Journal journal = Journal.open(dir.resolve("j.jsonl"), Instant::now);
        journal.close();
        assertThatThrownBy(() -> BulkRun.run(plan(c, Map.of(), Journal.Selection.ALL), journal, BulkRunTest::work, 1, s -> { }))
                .isInstanceOf(CampaignException.class).hasMessageContaining("cannot write the journal");
    }
}
