package dev.harden.rule;

import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Scalar;
import java.util.List;
import java.util.Optional;

/** selinux-options-default: SELinux labels stay the container types, with no user or role. */
final class SelinuxOptionsDefault extends Rule<SelinuxOptionsDefault.Params> implements KubernetesRule<SelinuxOptionsDefault.Params> {

    /** @param types the SELinux types a container may have */
    record Params(List<String> types) { }

    SelinuxOptionsDefault() {
        super("selinux-options-default");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(RuleParams.strings(setting, "types"));
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Params p) {
        check(c, c.podSpec(), c.subject(), p.types());
        for (Workload.Container k : c.containers()) {
            check(c, k.mapping(), c.subject(k), p.types());
        }
    }

    private static void check(PodCheck c, Mapping holder, String subject, List<String> types) {
        Optional<Scalar> type = Lookup.scalar(holder, "securityContext", "seLinuxOptions", "type");
        if (type.isPresent() && !type.get().value().isEmpty() && !types.contains(type.get().value())) {
            c.open(type.get(), subject, "sets SELinux type " + type.get().value() + ", which is not a container type", false);
        }
        for (String key : List.of("user", "role")) {
            Optional<Scalar> v = Lookup.scalar(holder, "securityContext", "seLinuxOptions", key);
            if (v.isPresent() && !v.get().value().isEmpty()) {
                c.open(v.get(), subject, "sets SELinux " + key + " " + v.get().value(), false);
            }
        }
    }
}
