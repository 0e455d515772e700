package dev.harden.rule;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Scalar;
import java.util.Set;

/** volume-types-restricted: a pod uses only the volume types whose access Kubernetes controls. */
final class VolumeTypesRestricted extends Rule<Void> implements KubernetesRule<Void> {
    private static final Set<String> PSS_VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    VolumeTypesRestricted() {
        super("volume-types-restricted");
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        for (Mapping v : c.workload().volumes()) {
            for (String key : v.effectiveKeys()) {
                if (!key.equals("name") && !key.equals("hostPath") && !PSS_VOLUME_TYPES.contains(key)) {
                    c.open(v, c.subject(), "uses a " + key + " volume ("
                            + Lookup.scalar(v, "name").map(Scalar::value).orElse("?") + "), which reaches storage outside"
                            + " PersistentVolumes", false);
                }
            }
        }
    }
}
