package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RulesReferenceTest {

    @Test
    void docsRulesMdIsWhatTheRuleDataGenerates() throws Exception {
        Cli r = Cli.run("rules", "--format", "markdown");
        assertThat(r.exit()).isZero();
        assertThat(Files.readString(Path.of("docs/rules.md")))
                .as("docs/rules.md is stale: run ./harden rules --format markdown > docs/rules.md")
                .isEqualTo(r.out());
    }
}
