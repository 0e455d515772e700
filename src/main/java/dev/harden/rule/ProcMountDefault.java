package dev.harden.rule;

import dev.harden.manifest.Workload;
import dev.harden.yaml.Scalar;
import java.util.Optional;

/** proc-mount-default: no container unmasks /proc. */
final class ProcMountDefault extends Rule<Void> implements KubernetesRule<Void> {

    ProcMountDefault() {
        super("proc-mount-default");
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> pm = Lookup.scalar(k.mapping(), "securityContext", "procMount");
            if (pm.isPresent() && !pm.get().value().equals("Default")) {
                c.open(pm.get(), c.subject(k), "unmasks /proc (procMount: " + pm.get().value() + ")", false);
            }
        }
    }
}
