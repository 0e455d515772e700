package dev.harden.rule;

import dev.harden.manifest.Workload;
import dev.harden.yaml.Scalar;
import java.util.Map;
import java.util.Optional;

/** apparmor-enforced: no container turns AppArmor confinement off. */
final class ApparmorEnforced extends Rule<Void> implements ComposeRule<Void>, KubernetesRule<Void> {
    private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

    ApparmorEnforced() {
        super("apparmor-enforced");
    }

    @Override
    public void checkService(ServiceCheck c, Void p) {
        c.reportUnconfined("apparmor", "turns AppArmor confinement off");
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        Optional<Scalar> pod = Lookup.scalar(c.podSpec(), "securityContext", "appArmorProfile", "type");
        if (pod.isPresent() && !SeccompRuntimeDefault.confined(pod.get().value())) {
            c.open(pod.get(), c.subject(), "turns AppArmor confinement off (appArmorProfile type " + pod.get().value() + ")", false);
        }
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = Lookup.scalar(k.mapping(), "securityContext", "appArmorProfile", "type");
            if (own.isPresent() && !SeccompRuntimeDefault.confined(own.get().value())) {
                c.open(own.get(), c.subject(k), "turns AppArmor confinement off (appArmorProfile type " + own.get().value() + ")", false);
            }
        }
        for (Map.Entry<String, String> a : c.workload().annotations().entrySet()) {
            String v = a.getValue();
            if (a.getKey().startsWith(APPARMOR_ANNOTATION) && !v.equals("runtime/default") && !v.startsWith("localhost/")) {
                c.open(c.location(), c.subject(), "turns AppArmor confinement off (" + a.getKey() + ": " + v + ")", false);
            }
        }
    }
}
