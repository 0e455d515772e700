package dev.harden.rule;

import dev.harden.report.RuleDoc;
import dev.harden.report.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rule as the catalogue describes it.
 *
 * @param id stable kebab-case id named after the desired state
 * @param title five words or fewer
 * @param severity default severity
 * @param targets {@code compose} and/or {@code kubernetes}
 * @param description why it matters, in full sentences
 * @param remediation how to comply by hand
 * @param references standards and docs
 * @param params parameter names and defaults
 * @param imageFacts the facts about an image its changes rest on ({@code the paths it writes}), or null when they
 *     rest on none; a profile with {@code unknownImages: report} leaves them unmade for an image no source knows
 */
public record RuleInfo(String id, String title, Severity severity, Set<String> targets, String description,
                       String remediation, List<String> references, Map<String, Object> params, String imageFacts) {
    public static final String DOCS = "https://github.com/harden-dev/harden/blob/main/docs/rules.md#";

    public RuleInfo {
        if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("rule ids are kebab-case: " + id);
        }
        targets = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(targets));
        references = List.copyOf(references);
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    public RuleDoc doc() {
        return new RuleDoc(id, title, description, remediation, references, DOCS + id);
    }
}
