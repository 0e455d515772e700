package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Colour and progress: only on a terminal, never in CI or when piped, NO_COLOR respected. */
class TerminalTest {
    @TempDir
    Path dir;

    private static Terminal tty(Map<String, String> env) {
        return new Terminal(true, true, env);
    }

    @Test
    void colourOnlyOnATerminalOfTheStreamItGoesTo() {
        assertThat(tty(Map.of()).colour(false, false)).isTrue();
        assertThat(new Terminal(false, true, Map.of()).colour(false, false)).as("stdout piped").isFalse();
        assertThat(new Terminal(false, true, Map.of()).colour(false, true)).as("stderr still a terminal").isTrue();
        assertThat(new Terminal(true, false, Map.of()).colour(false, true)).as("stderr piped").isFalse();
    }

    @Test
    void noColorTheOptionOrANonEmptyVariableTurnsColourOff() {
        assertThat(tty(Map.of()).colour(true, false)).isFalse();
        assertThat(tty(Map.of("NO_COLOR", "1")).colour(false, false)).isFalse();
        assertThat(tty(Map.of("NO_COLOR", "")).colour(false, false)).as("empty NO_COLOR is unset (no-color.org)").isTrue();
        assertThat(tty(Map.of("TERM", "dumb")).colour(false, false)).isFalse();
    }

    @Test
    void progressOnlyOnATerminalNotInCiNotQuiet() {
        assertThat(tty(Map.of()).progress(false)).isTrue();
        assertThat(tty(Map.of()).progress(true)).as("--quiet").isFalse();
        assertThat(new Terminal(true, false, Map.of()).progress(false)).as("stderr piped").isFalse();
        assertThat(tty(Map.of("CI", "true")).progress(false)).isFalse();
        assertThat(tty(Map.of("GITHUB_ACTIONS", "true", "CI", "true")).progress(false)).isFalse();
        assertThat(tty(Map.of("TF_BUILD", "True")).progress(false)).isFalse();
        assertThat(tty(Map.of("CI", "false")).progress(false)).isTrue();
    }

    @Test
    void theProgressLineAppearsAfterHalfASecondNamesTheFileAndIsErasedAtTheEnd() {
        StringWriter out = new StringWriter();
        long[] now = {0};
        Progress p = new Progress(new PrintWriter(out), 300, 40, () -> now[0]);
        p.next(0, "a.yaml");
        assertThat(out.toString()).as("not in the first half second").isEmpty();
        now[0] = 600_000_000L;
        p.next(12, "deploy/web.yaml");
        assertThat(out.toString()).isEqualTo("\r\u001b[Kharden: 12/300 files \u2014 deploy/web.yaml");
        now[0] += 10_000_000L;
        p.next(13, "second.yaml");
        assertThat(out.toString()).as("at most ten times a second").doesNotContain("second.yaml");
        now[0] += 100_000_000L;
        p.next(14, "a/very/long/path/to/a/manifest/of/the/shop.yaml");
        assertThat(out.toString()).endsWith("\r\u001b[Kharden: 14/300 files \u2014 \u2026f/the/shop.yaml");
        assertThat(out.toString().substring(out.toString().lastIndexOf("\u001b[K") + 3)).hasSize(39);
        p.done();
        assertThat(out.toString()).endsWith("\r\u001b[K");
    }

    @Test
    void aRunWithOutputPipedShowsNoProgressAndNoColour() throws IOException {
        for (int i = 0; i < 3; i++) {
            Files.writeString(dir.resolve("c" + i + ".yaml"), "services:\n  web:\n    image: nginx:1.27\n");
        }
        // the test JVM's standard streams are not terminals, as in CI
        Cli r = Cli.run("check", dir.toString());
        assertThat(r.out() + r.err()).doesNotContain("\u001b").doesNotContain("\r");
    }
}
