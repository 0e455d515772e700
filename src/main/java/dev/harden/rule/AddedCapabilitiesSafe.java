package dev.harden.rule;

import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import java.util.LinkedHashSet;
import java.util.Set;

/** added-capabilities-safe: capabilities beyond the profile's allowed set (Docker's default set) are reported, never removed. */
final class AddedCapabilitiesSafe extends Rule<AddedCapabilitiesSafe.Params> implements ComposeRule<AddedCapabilitiesSafe.Params> {

    /** @param allowed the capabilities a service may add, as Compose reads them */
    record Params(Set<String> allowed) { }

    AddedCapabilitiesSafe() {
        super("added-capabilities-safe");
    }

    @Override
    Params params(RuleSetting setting) {
        Set<String> allowed = new LinkedHashSet<>();
        RuleParams.strings(setting, "allowed").forEach(x -> allowed.add(Capabilities.normalise(x)));
        return new Params(allowed);
    }

    @Override
    public void checkService(ServiceCheck c, Params p) {
        for (Node item : c.scalarItems("cap_add")) {
            Scalar s = (Scalar) item;
            String cap = Capabilities.normalise(c.value(s));
            if (!p.allowed().contains(cap)) {
                c.open(s, "adds capability " + c.quote(s) + ", " + Capabilities.RISKS.getOrDefault(cap,
                        "which Docker does not grant by default"), false);
            }
        }
    }
}
