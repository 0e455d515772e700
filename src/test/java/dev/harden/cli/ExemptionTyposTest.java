package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A misspelt rule id in an exemption exempts nothing, so harden warns with the closest rule id. */
class ExemptionTyposTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void aMisspeltRuleInTheRepoConfigIsWarnedOnceWithItsLineAndTheClosestRule() throws IOException {
        Path config = write(".harden.yaml", """
                profile: baseline
                exemptions:
                  - rules: [cap-drop-al, no-new-privileges]
                    reason: the vendor's entrypoint needs its capabilities
                  - rules: cap-drop-al
                    service: db
                    reason: same
                  - rules: all
                    service: legacy
                    reason: retired next quarter
                """);
        Path file = write("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n");

        Cli r = Cli.run("check", file.toString());

        assertThat(r.err()).containsOnlyOnce("unknown rule 'cap-drop-al'")
                .contains(config + ":3:13: warning: unknown rule 'cap-drop-al' in .harden.yaml;"
                        + " did you mean 'cap-drop-all'? (the exemption does not apply to it)")
                .doesNotContain("'no-new-privileges'").doesNotContain("'all'");
        assertThat(r.out()).contains("error cap-drop-all [web]");
    }

    @Test
    void aMisspeltRuleInAnInlineIgnoreCommentIsWarnedWithItsLine() throws IOException {
        Path file = write("compose.yaml", """
                services:
                  web:  # harden:ignore cap-drop-al,no-new-privileges -- vendor image
                    image: nginx:1.27
                """);

        Cli r = Cli.run("check", "--profile", "baseline", file.toString());

        assertThat(r.err()).contains("compose.yaml:2:25: warning: unknown rule 'cap-drop-al' in '# harden:ignore';"
                + " did you mean 'cap-drop-all'?").doesNotContain("'no-new-privileges'");
    }

    @Test
    void aMisspeltRuleInAnIgnoreAnnotationIsWarnedToo() throws IOException {
        Path file = write("pod.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  annotations:
                    harden.dev/ignore: "run-as-non-rot"
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27
                """);

        Cli r = Cli.run("check", "--profile", "baseline", file.toString());

        assertThat(r.err()).contains("pod.yaml:6:25: warning: unknown rule 'run-as-non-rot' in annotation harden.dev/ignore;"
                + " did you mean 'run-as-non-root'?");
    }
}
