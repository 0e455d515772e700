package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.report.Severity;
import dev.harden.yaml.YamlException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rules.yaml read by type: the shipped catalogue, and errors that name the line and column. */
class RuleCatalogTest {
    private static final String HEAD = """
            apiVersion: harden/v1
            kind: RuleCatalog
            rules:
            """;
    private static final String RULE = """
              - id: some-rule
                title: Some rule
                severity: note
                targets: [compose]
                description: A rule.
                remediation: Fix it.
            """;

    @Test
    void theShippedCatalogueReadFromItsCompiledFormEqualsTheOneReadFromItsYaml() throws Exception {
        byte[] yaml;
        try (InputStream in = RuleCatalog.class.getResourceAsStream("/dev/harden/rules.yaml")) {
            yaml = in.readAllBytes();
        }

        assertThat(RuleCatalog.builtIn().all()).isEqualTo(RuleCatalog.parse(yaml).all());
        assertThat(RuleCatalog.builtIn().get("pids-limit").orElseThrow().params()).containsKey("limit");
    }

    @Test
    void aRuleWithoutReferencesOrParamsHasNone() throws Exception {
        RuleInfo rule = parse(HEAD + RULE).get("some-rule").orElseThrow();

        assertThat(rule.severity()).isEqualTo(Severity.NOTE);
        assertThat(rule.targets()).containsExactly("compose");
        assertThat(rule.references()).isEmpty();
        assertThat(rule.params()).isEmpty();
    }

    @Test
    void parameterDefaultsKeepTheirTypes() throws Exception {
        RuleInfo rule = parse(HEAD + RULE + """
                    params:
                      limit: 200
                      mode: report
                """).get("some-rule").orElseThrow();

        assertThat(rule.params()).isEqualTo(Map.of("limit", 200L, "mode", "report"));
    }

    @Test
    void aMisspeltKeyIsAnErrorAtItsLineAndColumnWithASuggestion() {
        assertThatThrownBy(() -> parse(HEAD + RULE.replace("    remediation:", "    remediaton:")))
                .isInstanceOf(YamlException.class)
                .hasMessage("9:5: rules[0]: unknown key 'remediaton' (did you mean 'remediation'?)");
    }

    @Test
    void aMissingTitleIsAnErrorAtTheRule() {
        assertThatThrownBy(() -> parse(HEAD + RULE.replace("    title: Some rule\n", "")))
                .isInstanceOf(YamlException.class)
                .hasMessage("4:5: rules[0]: missing required key 'title'");
    }

    @Test
    void anUnknownSeverityIsAnErrorAtTheSeverity() {
        assertThatThrownBy(() -> parse(HEAD + RULE.replace("severity: note", "severity: loud")))
                .isInstanceOf(YamlException.class)
                .hasMessage("6:15: rules[0].severity must be error, warning or note, not 'loud'");
    }

    @Test
    void targetsThatAreNotAListAreAnErrorAtTheTargets() {
        assertThatThrownBy(() -> parse(HEAD + RULE.replace("targets: [compose]", "targets: {compose: 1}")))
                .isInstanceOf(YamlException.class)
                .hasMessage("7:14: rules[0].targets must be a list, not a mapping");
    }

    @Test
    void aRuleListedTwiceIsAnErrorAtTheSecondId() {
        assertThatThrownBy(() -> parse(HEAD + RULE + RULE))
                .isInstanceOf(YamlException.class)
                .hasMessage("10:9: rule some-rule is listed twice in rules.yaml");
    }

    @Test
    void anIdThatIsNotKebabCaseIsAnErrorAtTheId() {
        assertThatThrownBy(() -> parse(HEAD + RULE.replace("id: some-rule", "id: Some_Rule")))
                .isInstanceOf(YamlException.class)
                .hasMessage("4:9: rule ids are kebab-case: Some_Rule");
    }

    private static RuleCatalog parse(String yaml) throws YamlException {
        return RuleCatalog.parse(yaml.getBytes(StandardCharsets.UTF_8));
    }
}
