package dev.harden.rule;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import java.util.Optional;

/** host-path-volumes-absent: no pod mounts a piece of the node's filesystem. */
final class HostPathVolumesAbsent extends Rule<Void> implements KubernetesRule<Void> {

    HostPathVolumesAbsent() {
        super("host-path-volumes-absent");
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        for (Mapping v : c.workload().volumes()) {
            Optional<Node> hostPath = Lookup.at(v, "hostPath");
            if (hostPath.isPresent()) {
                String path = hostPath.get() instanceof Mapping m ? Lookup.scalar(m, "path").map(Scalar::value).orElse("?") : "?";
                c.open(v, c.subject(), "mounts the node's " + path + " (hostPath volume "
                        + Lookup.scalar(v, "name").map(Scalar::value).orElse("?") + ")", false);
            }
        }
    }
}
