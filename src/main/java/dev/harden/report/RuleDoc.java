package dev.harden.report;

import java.util.List;

/**
 * What reports say about a rule: SARIF's rule descriptors and the PR body's links.
 *
 * @param id stable kebab-case id
 * @param title five words or fewer
 * @param description full sentences
 * @param remediation how to comply by hand
 * @param references standards and docs
 * @param helpUri where the rule is documented
 */
public record RuleDoc(String id, String title, String description, String remediation, List<String> references,
                      String helpUri) {
    public RuleDoc {
        references = List.copyOf(references);
    }
}
