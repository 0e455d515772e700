package dev.harden.rule;

import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.List;
import java.util.Optional;

/** sysctls-safe: a pod sets only sysctls of the safe, namespaced set. */
final class SysctlsSafe extends Rule<SysctlsSafe.Params> implements KubernetesRule<SysctlsSafe.Params> {

    /** @param allowed the sysctls a pod may set */
    record Params(List<String> allowed) { }

    SysctlsSafe() {
        super("sysctls-safe");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(RuleParams.strings(setting, "allowed"));
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Params p) {
        Optional<Node> sysctls = Lookup.at(c.podSpec(), "securityContext", "sysctls");
        if (sysctls.isEmpty() || !(sysctls.get() instanceof Sequence s)) {
            return;
        }
        for (Node item : s.items()) {
            if (item.resolve() instanceof Mapping m) {
                Optional<Scalar> name = Lookup.scalar(m, "name");
                if (name.isPresent() && !p.allowed().contains(name.get().value())) {
                    c.open(name.get(), c.subject(), "sets sysctl " + name.get().value() + ", which is not in the safe set", false);
                }
            }
        }
    }
}
