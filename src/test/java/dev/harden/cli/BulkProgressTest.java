package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.bulk.BulkRun;
import dev.harden.bulk.Journal;
import dev.harden.bulk.RepoId;
import dev.harden.bulk.State;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkProgressTest {
    private static final long SECOND = 1_000_000_000L;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private long now;

    private BulkProgress progress(int total, boolean live, boolean colour) {
        return new BulkProgress(new PrintWriter(out), new PrintWriter(err), total, live, colour, () -> now);
    }

    private static BulkRun.Finished finished(String name, State state, boolean opened) {
        RepoId id = new RepoId("github.com", "acme/" + name);
        Journal.Entry e = new Journal.Entry(Instant.EPOCH, id, state, state == State.FAILED ? "HTTP 500" : null, true, null);
        return new BulkRun.Finished(e, opened, id + ": " + state.label() + (state == State.FAILED ? " (HTTP 500)" : ""));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceBelowEachRepositorysLineWithCountsAndTimeLeftThenErased() {
        BulkProgress p = progress(4, true, false);
        p.begin();
        now = 10 * SECOND;
        p.finished(finished("shop", State.DONE, true));
        now = 20 * SECOND;
        p.log("harden: github: POST /pulls: rate limited (HTTP 429); retrying in 60s");
        p.finished(finished("cart", State.FAILED, false));
        p.end();

        assertThat(out.toString()).isEqualTo("github.com/acme/shop: done\ngithub.com/acme/cart: failed (HTTP 500)\n");
        String erase = "\r\u001b[K";
        // two left after 20s for two: about 20s more
        assertThat(err.toString()).isEqualTo(erase + "harden: 0/4 repositories, 0 pull requests opened, 0 failed"
                + erase + erase + "harden: 1/4 repositories, 1 pull request opened, 0 failed, about 30s left"
                + erase + "harden: github: POST /pulls: rate limited (HTTP 429); retrying in 60s\n"
                + erase + "harden: 1/4 repositories, 1 pull request opened, 0 failed, about 1m left"
                + erase + erase + "harden: 2/4 repositories, 1 pull request opened, 1 failed, about 20s left"
                + erase);
    }

    @Test
    void inCiOrWhenNotATerminalOnlyTheRepositoryLinesArePrintedPlain() {
        BulkProgress p = progress(2, false, false);
        p.begin();
        p.finished(finished("shop", State.DONE, true));
        p.log("harden: waiting");
        p.finished(finished("cart", State.WAITING, false));
        p.end();

        assertThat(out.toString()).isEqualTo("github.com/acme/shop: done\ngithub.com/acme/cart: waiting\n");
        assertThat(err.toString()).isEqualTo("harden: waiting\n");
    }

    @Test
    void theStateWordIsColouredOnlyWhenColourIsAllowed() {
        progress(1, false, true).finished(finished("shop", State.FAILED, false));
        assertThat(out.toString()).isEqualTo("github.com/acme/shop: \u001b[31mfailed\u001b[0m (HTTP 500)\n");

        Terminal terminal = new Terminal(true, true, Map.of("NO_COLOR", "1"));
        assertThat(terminal.colour(false, false)).isFalse();
        assertThat(new Terminal(true, true, Map.of()).colour(true, false)).as("--no-color").isFalse();
        assertThat(new Terminal(true, true, Map.of("CI", "true")).progress(false)).as("no progress line in CI").isFalse();
    }

    @Test
    void timeLeftIsRoundedUpToWholeMinutesPastOne() {
        assertThat(BulkProgress.duration(0)).isEqualTo("1s");
        assertThat(BulkProgress.duration(59)).isEqualTo("59s");
        assertThat(BulkProgress.duration(61)).isEqualTo("2m");
        assertThat(BulkProgress.duration(3 * 3600 + 5 * 60)).isEqualTo("3h 5m");
    }
}
