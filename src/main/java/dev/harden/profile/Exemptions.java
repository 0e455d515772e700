package dev.harden.profile;

import java.util.Optional;

/** Why a rule does not apply to a subject (a Compose service, a workload's name or {@code Kind/name}), when it does not. */
@FunctionalInterface
public interface Exemptions {
    /** The reason a rule is exempted for a subject, or empty when it applies. */
    Optional<String> reason(String ruleId, String subject);

    /** No exemptions at all. */
    static Exemptions none() {
        return (rule, subject) -> Optional.empty();
    }

    /** These exemptions, and where they say nothing, {@code fallback}'s. */
    default Exemptions orElse(Exemptions fallback) {
        return (rule, subject) -> reason(rule, subject).or(() -> fallback.reason(rule, subject));
    }
}
