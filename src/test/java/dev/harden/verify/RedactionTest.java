package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What verify shows of a container's log: one masked, bounded, printable line. */
class RedactionTest {
    @Test
    void secretLookingVariablesOfHardensEnvironmentAndEveryGivenValueAreMaskedLongestFirst() {
        Redaction r = Redaction.of(Map.of("DB", "hunter2-long"), Map.of("HARDEN_TOKEN", "ghp_abc", "GITLAB_TOKEN", "ghp_abc_longer",
                "HOME", "/root", "PATH", "/usr/bin"));

        assertThat(r.line("token ghp_abc_longer and ghp_abc, db hunter2-long, home /root"))
                .isEqualTo("token *** and ***, db ***, home /root");
    }

    @Test
    void controlCharactersAreEscapedSoALineCannotForgeAnotherOrColourTheTerminal() {
        assertThat(new Redaction().line("a\nb\r\tc\u001b[2Jd\u202ee\u0000"))
                .isEqualTo("a\\nb\\r\\tc\\u001b[2Jd\\u202ee\\u0000");
    }

    @Test
    void aLongLineIsCutToTheLimitWithAnEllipsis() {
        String line = new Redaction().line("y".repeat(1000));

        assertThat(line).hasSize(Redaction.MAX_LENGTH).endsWith("yyy...");
        assertThat(new Redaction().line("short")).isEqualTo("short");
    }

    @Test
    void valuesTooShortToBeSecretsAreLeftAlone() {
        Redaction r = Redaction.of(Map.of("DEBUG", "1", "MODE", "dev"), Map.of());

        assertThat(r.line("mode dev debug 1")).isEqualTo("mode dev debug 1");
    }
}
