package dev.harden.rule;

import dev.harden.manifest.Workload;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.Optional;

/** host-ports-unused: no container binds a port on the node's address. */
final class HostPortsUnused extends Rule<Void> implements KubernetesRule<Void> {

    HostPortsUnused() {
        super("host-ports-unused");
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        for (Workload.Container k : c.containers()) {
            Optional<Node> ports = Lookup.at(k.mapping(), "ports");
            if (ports.isEmpty() || !(ports.get() instanceof Sequence s)) {
                continue;
            }
            for (Node item : s.items()) {
                if (item.resolve() instanceof Mapping port) {
                    Optional<Scalar> hostPort = Lookup.scalar(port, "hostPort");
                    Long n = Lookup.number(hostPort);
                    if (hostPort.isPresent() && (n == null || n != 0)) {
                        c.open(hostPort.get(), c.subject(k), "binds port " + hostPort.get().value() + " on the node (hostPort)", false);
                    }
                }
            }
        }
    }
}
