package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final RepoId SHOP = new RepoId("github.com", "acme/shop");
    private static final RepoId API = new RepoId("github.com", "acme/api");
    private static final RepoId DOCS = new RepoId("github.com", "acme/docs");

    @TempDir
    Path dir;

    private final AtomicLong seconds = new AtomicLong(1_767_225_600L); // 2026-01-01T00:00:00Z
    private final Supplier<Instant> clock = () -> Instant.ofEpochSecond(seconds.getAndIncrement());

    private Path file() {
        return dir.resolve("journal.jsonl");
    }

    @Test
    void writesOneJsonObjectPerLineWithTheStateItsRepositoryReached() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            j.failed(SHOP, "rate limited; run again in 60s", true);
        }
        assertThat(Files.readString(file())).isEqualTo("""
                {"at":"2026-01-01T00:00:00Z","repo":"github.com/acme/shop","state":"discovered"}
                {"at":"2026-01-01T00:00:01Z","repo":"github.com/acme/shop","state":"failed","reason":"rate limited; run again in 60s","retryable":true}
                """);
    }

    @Test
    void theFindingsCountedAtChangedStayWithTheAttemptUntilItEndsAndANewAttemptForgetsThem() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            j.record(SHOP, State.FETCHED);
            j.record(SHOP, State.CHANGED, new Journal.Findings(5, 1));
            j.record(SHOP, State.PR_OPENED, "https://github.com/acme/shop/pull/7");
            assertThat(j.last(SHOP).orElseThrow().findings()).isEqualTo(new Journal.Findings(5, 1));
            j.record(SHOP, State.DONE, "https://github.com/acme/shop/pull/7");
            j.record(API, State.DISCOVERED);
        }
        String text = Files.readString(file());
        assertThat(text).contains("""
                {"at":"2026-01-01T00:00:02Z","repo":"github.com/acme/shop","state":"changed","findingsBefore":5,"findingsAfter":1}
                """);
        assertThat(Journal.replay(file()).get(SHOP).findings()).isEqualTo(new Journal.Findings(5, 1));
        assertThat(Journal.replay(file()).get(API).findings()).isNull();

        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            assertThat(j.last(SHOP).orElseThrow().findings()).isNull();
        }
    }

    @Test
    void aLineWrittenBeforeFindingsWereCountedReadsAsUnknownFindings() throws Exception {
        Files.writeString(file(), """
                {"at":"2026-01-01T00:00:00Z","repo":"github.com/acme/shop","state":"discovered"}
                {"at":"2026-01-01T00:00:01Z","repo":"github.com/acme/shop","state":"fetched"}
                {"at":"2026-01-01T00:00:02Z","repo":"github.com/acme/shop","state":"unchanged"}
                {"at":"2026-01-01T00:00:03Z","repo":"github.com/acme/shop","state":"done"}
                """);
        Journal.Entry shop = Journal.replay(file()).get(SHOP);
        assertThat(shop.state()).isEqualTo(State.DONE);
        assertThat(shop.findings()).isNull();
    }

    @Test
    void replayGivesEachRepositoryItsLastState() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            for (State s : List.of(State.DISCOVERED, State.FETCHED, State.CHANGED, State.PUSHED)) {
                j.record(SHOP, s);
            }
            j.record(SHOP, State.PR_OPENED, "https://github.com/acme/shop/pull/7");
            j.record(SHOP, State.DONE, "https://github.com/acme/shop/pull/7");
            j.record(API, State.DISCOVERED);
            j.record(API, State.FETCHED);
            j.record(API, State.UNCHANGED);
            j.record(DOCS, State.DISCOVERED);
            j.record(DOCS, State.FETCHED);
            j.optedOut(DOCS, ".harden-opt-out is present");
        }
        Map<RepoId, Journal.Entry> last = Journal.replay(file());
        assertThat(last.keySet()).containsExactly(SHOP, API, DOCS);
        assertThat(last.get(SHOP).state()).isEqualTo(State.DONE);
        assertThat(last.get(SHOP).url()).isEqualTo("https://github.com/acme/shop/pull/7");
        assertThat(last.get(API).state()).isEqualTo(State.UNCHANGED);
        assertThat(last.get(DOCS)).satisfies(e -> {
            assertThat(e.state()).isEqualTo(State.OPTED_OUT);
            assertThat(e.reason()).isEqualTo(".harden-opt-out is present");
        });
        try (Journal again = Journal.open(file(), clock)) {
            assertThat(again.last()).isEqualTo(last);
        }
    }

    @Test
    void refusesATransitionTheStateMachineDoesNotHaveAndWritesNothing() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            assertThatThrownBy(() -> j.record(SHOP, State.FETCHED)).hasMessage("github.com/acme/shop cannot go from nothing"
                    + " to fetched");
            j.record(SHOP, State.DISCOVERED);
            assertThatThrownBy(() -> j.record(SHOP, State.PUSHED)).hasMessageContaining("from discovered to pushed");
            j.record(SHOP, State.FETCHED);
            j.record(SHOP, State.UNCHANGED);
            assertThatThrownBy(() -> j.record(SHOP, State.PR_OPENED)).hasMessageContaining("from unchanged to pr-opened");
            j.record(SHOP, State.DONE);
            assertThatThrownBy(() -> j.record(SHOP, State.FETCHED)).hasMessageContaining("from done to fetched");
            assertThatThrownBy(() -> j.failed(SHOP, "late", false)).hasMessageContaining("from done to failed");
            j.record(SHOP, State.DISCOVERED);
        }
        assertThat(Files.readAllLines(file())).hasSize(5);
    }

    @Test
    void aFailureWithoutAReasonIsRefused() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            assertThatThrownBy(() -> j.failed(SHOP, " ", true)).hasMessageContaining("needs a reason");
        }
    }

    @Test
    void aTornLastLineIsIgnoredByReplayAndCutOffWhenTheJournalIsOpenedAgain() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            j.record(SHOP, State.FETCHED);
        }
        String complete = Files.readString(file());
        Files.writeString(file(), "{\"at\":\"2026-01-01T00:00:02Z\",\"repo\":\"github.com/acme/shop\",\"sta",
                StandardOpenOption.APPEND);

        assertThat(Journal.replay(file()).get(SHOP).state()).isEqualTo(State.FETCHED);
        try (Journal j = Journal.open(file(), clock)) {
            assertThat(Files.readString(file())).isEqualTo(complete);
            j.record(SHOP, State.CHANGED);
        }
        List<String> lines = Files.readAllLines(file());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).startsWith("{\"at\":").endsWith("\"state\":\"changed\"}");
        assertThat(Journal.replay(file()).get(SHOP).state()).isEqualTo(State.CHANGED);
    }

    @Test
    void aDamagedLineBeforeTheLastIsReportedWithItsLineNumber() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
        }
        Files.writeString(file(), "not json\n{\"at\":\"2026-01-01T00:00:09Z\",\"repo\":\"github.com/acme/api\",\"state\":\"discovered\"}\n",
                StandardOpenOption.APPEND);
        assertThatThrownBy(() -> Journal.replay(file())).isInstanceOf(CampaignException.class)
                .hasMessageStartingWith(file() + ":2: not a journal record");
    }

    @Test
    void anIllegalTransitionWrittenByHandIsReportedOnReplay() throws Exception {
        Files.writeString(file(), "{\"at\":\"2026-01-01T00:00:00Z\",\"repo\":\"github.com/acme/shop\",\"state\":\"pushed\"}\n");
        assertThatThrownBy(() -> Journal.open(file(), clock))
                .hasMessage(file() + ":1: github.com/acme/shop cannot go from nothing to pushed");
    }

    @Test
    void aReasonWithQuotesLineBreaksAndNonAsciiTextSurvivesTheRoundTrip() throws Exception {
        String reason = "POST /pulls: HTTP 422: \"already\" exists\nsecond line \\ tab\t é ✓ \u2028";
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            j.failed(SHOP, reason, false);
        }
        assertThat(Files.readAllLines(file(), StandardCharsets.UTF_8)).hasSize(2);
        assertThat(Journal.replay(file()).get(SHOP).reason()).isEqualTo(reason);
        assertThat(Journal.replay(file()).get(SHOP).retryable()).isFalse();
    }

    @Test
    void aRepositoryWaitingOnChecksIsJournaledWithItsPullRequestAndReasonAndTheNextResumeTakesItUp() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            j.waiting(SHOP, "waiting: checks pending", "https://github.com/acme/shop/pull/7");
            j.record(DOCS, State.DISCOVERED);
            j.record(DOCS, State.FETCHED);
            assertThatThrownBy(() -> j.waiting(DOCS, "waiting: checks failing", null))
                    .as("a repository waits before it is fetched, not half way").isInstanceOf(IllegalStateException.class);
            assertThat(j.select(List.of(SHOP), Journal.Selection.UNFINISHED)).containsExactly(SHOP);
            assertThat(j.select(List.of(SHOP), Journal.Selection.FAILED)).isEmpty();
        }
        assertThat(Files.readString(file())).contains("{\"at\":\"2026-01-01T00:00:01Z\",\"repo\":\"github.com/acme/shop\","
                + "\"state\":\"waiting\",\"reason\":\"waiting: checks pending\",\"url\":\"https://github.com/acme/shop/pull/7\"}\n");
        assertThat(Journal.replay(file()).get(SHOP).state()).isEqualTo(State.WAITING);
    }

    @Test
    void aResumeTakesUpUnseenHalfDoneAndRetryableRepositoriesAndOnlyFailedTakesUpFailures() throws Exception {
        RepoId fresh = new RepoId("github.com", "acme/fresh");
        RepoId broken = new RepoId("github.com", "acme/broken");
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            j.record(SHOP, State.FETCHED);
            j.record(SHOP, State.CHANGED);
            j.record(SHOP, State.PUSHED); // killed before its pull request
            j.record(API, State.DISCOVERED);
            j.failed(API, "HTTP 429", true);
            j.record(broken, State.DISCOVERED);
            j.failed(broken, "HTTP 404 (no such repository)", false);
            j.record(DOCS, State.DISCOVERED);
            j.record(DOCS, State.FETCHED);
            j.record(DOCS, State.UNCHANGED);
            j.record(DOCS, State.DONE);
            List<RepoId> all = List.of(SHOP, API, broken, DOCS, fresh);
            assertThat(j.select(all, Journal.Selection.UNFINISHED)).containsExactly(SHOP, API, fresh);
            assertThat(j.select(all, Journal.Selection.FAILED)).containsExactly(API, broken);
            assertThat(j.select(all, Journal.Selection.ALL)).containsExactlyElementsOf(all);
        }
    }

    @Test
    void shardJournalsMergeAndTheLaterRecordOfARepositoryWins() throws Exception {
        Path one = dir.resolve("shard-0.jsonl");
        Path two = dir.resolve("shard-1.jsonl");
        try (Journal a = Journal.open(one, clock); Journal b = Journal.open(two, clock)) {
            a.record(SHOP, State.DISCOVERED);
            b.record(API, State.DISCOVERED);
            b.record(SHOP, State.DISCOVERED); // the repository moved shard when the count changed
            b.record(SHOP, State.FETCHED);
            a.record(SHOP, State.FETCHED);
            a.record(SHOP, State.UNCHANGED);
        }
        Map<RepoId, Journal.Entry> merged = Journal.replay(List.of(one, two));
        assertThat(merged.get(SHOP).state()).isEqualTo(State.UNCHANGED);
        assertThat(merged.get(API).state()).isEqualTo(State.DISCOVERED);
        assertThat(Journal.replay(List.of(two, one))).isEqualTo(merged);
        assertThat(Journal.replay(dir.resolve("missing.jsonl"))).isEmpty();
    }

    @Test
    void aSecondRunCannotOpenAJournalThatARunIsUsing() throws Exception {
        try (Journal j = Journal.open(file(), clock)) {
            j.record(SHOP, State.DISCOVERED);
            assertThatThrownBy(() -> Journal.open(file(), clock)).isInstanceOf(CampaignException.class)
                    .hasMessageContaining("another run is using this journal");
            assertThat(Journal.replay(file())).containsOnlyKeys(SHOP);
        }
        try (Journal again = Journal.open(file(), clock)) {
            assertThat(again.last(SHOP)).isPresent();
        }
    }
}
