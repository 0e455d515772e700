package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one list of rule classes against rules.yaml, and the log hints verify reads from the rules. */
class RulesTest {

    @Test
    void aCatalogueRuleWithoutAClassIsReportedAsADisagreement() throws Exception {
        String yaml = shipped() + """
                  - id: brand-new-rule
                    title: Brand new
                    severity: note
                    targets: [compose]
                    description: A rule with no class yet.
                    remediation: Write its class.
                """;

        assertThat(Rules.disagreements(RuleCatalog.parse(yaml.getBytes(StandardCharsets.UTF_8))))
                .containsExactly("rule brand-new-rule is in rules.yaml but has no class in Rules.ALL");
    }

    @Test
    void aClassWithoutACatalogueEntryIsReportedAsADisagreement() throws Exception {
        String yaml = shipped().replace("  - id: restart-policy\n", "  - id: restart-policy-renamed\n");

        assertThat(Rules.disagreements(RuleCatalog.parse(yaml.getBytes(StandardCharsets.UTF_8)))).containsExactly(
                "rule restart-policy-renamed is in rules.yaml but has no class in Rules.ALL",
                "class RestartPolicy has id restart-policy, which rules.yaml does not list");
    }

    @Test
    void targetsWithoutBehaviourAreReportedAsADisagreement() throws Exception {
        String yaml = shipped().replace("  - id: pids-limit\n    title: Process count limited\n    severity: warning\n"
                + "    targets: [compose]", "  - id: pids-limit\n    title: Process count limited\n    severity: warning\n"
                + "    targets: [compose, kubernetes]");

        assertThat(Rules.disagreements(RuleCatalog.parse(yaml.getBytes(StandardCharsets.UTF_8)))).containsExactly(
                "rule pids-limit targets kubernetes in rules.yaml, but PidsLimit has no Kubernetes behaviour");
    }

    @Test
    void anIdWithoutAClassFailsLoudlyRatherThanBeingSkipped() {
        assertThatThrownBy(() -> Rules.get("brand-new-rule")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("brand-new-rule");
    }

    @Test
    void aFailureShowingSeveralSymptomsSuspectsEachSymptomsRulesByRankThenTheRest() {
        List<String> changes = List.of("read-only-root-filesystem", "cap-drop-all", "non-root-user", "no-new-privileges",
                "pids-limit", "run-as-non-root");

        // "permission denied" ranks non-root-user, read-only-root-filesystem, cap-drop-all; "not permitted" comes first
        assertThat(Rules.suspects(changes, "chown: Operation not permitted; open: Permission denied")).containsExactly(
                "cap-drop-all", "non-root-user", "no-new-privileges", "read-only-root-filesystem", "pids-limit",
                "run-as-non-root");
        assertThat(Rules.suspects(changes, "container has runAsNonRoot and image will run as root")).containsExactly(
                "run-as-non-root", "non-root-user", "read-only-root-filesystem", "cap-drop-all", "no-new-privileges",
                "pids-limit");
    }

    private static String shipped() throws IOException {
        try (InputStream in = RulesTest.class.getResourceAsStream("/dev/harden/rules.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
