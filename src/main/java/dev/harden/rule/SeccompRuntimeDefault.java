package dev.harden.rule;

import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.Optional;

/** seccomp-runtime-default: every container runs under the runtime's default seccomp profile (or a local one). */
final class SeccompRuntimeDefault extends Rule<SeccompRuntimeDefault.Params>
        implements ComposeRule<SeccompRuntimeDefault.Params>, KubernetesRule<SeccompRuntimeDefault.Params> {

    /** @param overrideExplicit whether {@code seccompProfile type Unconfined} written in a manifest is overridden rather than reported */
    record Params(boolean overrideExplicit) { }

    SeccompRuntimeDefault() {
        super("seccomp-runtime-default");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(RuleParams.overridesExplicit(setting));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) {
        c.reportUnconfined("seccomp", "turns Docker's default seccomp profile off");
    }

    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        if (c.windows()) {
            return;
        }
        Optional<Scalar> pod = Lookup.scalar(c.podSpec(), "securityContext", "seccompProfile", "type");
        boolean podUnconfined = pod.isPresent() && pod.get().value().equals("Unconfined");
        if (podUnconfined) {
            c.overrideOrReport(p.overrideExplicit(), pod.get(), c.subject(), "seccompProfile type Unconfined is set explicitly",
                    () -> c.editor().set(pod.get(), Scalar.string("RuntimeDefault")));
        }
        boolean everyContainerConfined = !c.containers().isEmpty();
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = Lookup.scalar(k.mapping(), "securityContext", "seccompProfile", "type");
            if (own.isPresent() && own.get().value().equals("Unconfined")) {
                c.overrideOrReport(p.overrideExplicit(), own.get(), c.subject(k), "seccompProfile type Unconfined is set explicitly",
                        () -> c.editor().set(own.get(), Scalar.string("RuntimeDefault")));
            }
            everyContainerConfined &= own.isPresent() && confined(own.get().value());
        }
        if (pod.isPresent()) {
            if (!podUnconfined && !confined(pod.get().value())) {
                c.open(pod.get(), c.subject(), "seccompProfile type " + pod.get().value() + " is not RuntimeDefault or Localhost", false);
            }
            return;
        }
        Optional<Node> profile = Lookup.at(c.podSpec(), "securityContext", "seccompProfile");
        if (profile.isPresent()) {
            c.open(profile.get(), c.subject(), "seccompProfile has no type", false);
            return;
        }
        if (everyContainerConfined) {
            return;
        }
        c.fix(c.location(), c.subject(), "runs without a seccomp profile (the kubelet's default is Unconfined)", () -> {
            c.set(c.podSecurityContext(), "seccompProfile", Mapping.block().with("type", Scalar.string("RuntimeDefault")));
            return "set seccompProfile type RuntimeDefault";
        });
    }

    /** Whether a seccomp or AppArmor profile type confines: the runtime's default, or a profile of the node's. */
    static boolean confined(String type) {
        return type.equals("RuntimeDefault") || type.equals("Localhost");
    }
}
