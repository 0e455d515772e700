package dev.harden.rule;

import dev.harden.profile.RuleSetting;
import java.util.List;

/**
 * One rule of the catalogue, in one class named after the state it wants: its id, its parameters
 * read once from the profile, and the log symptoms that point at its change. What it does lives in
 * the behaviours it implements: {@link ComposeRule}, {@link KubernetesRule}, {@link GeneratedFileRule}.
 *
 * @param <P> the rule's parameters, a record read from the profile's setting
 */
abstract class Rule<P> {
    private final String id;

    Rule(String id) {
        this.id = id;
    }

    /** The id {@code rules.yaml} lists the rule under. */
    final String id() {
        return id;
    }

    /** The rule's parameters as the profile sets them, read once per file; none unless a rule says otherwise. */
    P params(RuleSetting setting) {
        return null;
    }

    /** The symptoms in a failing container's log that make {@code harden verify} suspect this rule's change first. */
    List<LogHint> logHints() {
        return List.of();
    }
}
