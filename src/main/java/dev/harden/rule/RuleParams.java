package dev.harden.rule;

import dev.harden.profile.RuleSetting;
import java.util.ArrayList;
import java.util.List;

/** Reads the parameter shapes several rules share from a profile's setting, for their own {@code Params} records. */
final class RuleParams {
    private RuleParams() {
    }

    /** A list parameter's items as strings; empty when it is missing or not a list. */
    static List<String> strings(RuleSetting setting, String name) {
        Object v = setting.params().get(name);
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return List.copyOf(out);
    }

    /** Whether the profile asks to override a value the manifest sets against the rule ({@code explicit: override}), rather than report it. */
    static boolean overridesExplicit(RuleSetting setting) {
        return "override".equals(setting.param("explicit"));
    }
}
