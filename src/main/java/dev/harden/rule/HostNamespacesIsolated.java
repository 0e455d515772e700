package dev.harden.rule;

import dev.harden.yaml.Scalar;
import java.util.List;
import java.util.Optional;

/** host-namespaces-isolated: no container shares the host's network, process, IPC, UTS or user namespace. */
final class HostNamespacesIsolated extends Rule<Void> implements ComposeRule<Void>, KubernetesRule<Void> {

    HostNamespacesIsolated() {
        super("host-namespaces-isolated");
    }

    @Override
    public void checkService(ServiceCheck c, Void p) {
        c.reportValue("network_mode", "host", "shares the host's network namespace (network_mode: host)");
        c.reportValue("pid", "host", "shares the host's process namespace (pid: host)");
        c.reportValue("ipc", "host", "shares the host's IPC namespace (ipc: host)");
        c.reportValue("uts", "host", "shares the host's UTS namespace (uts: host)");
        c.reportValue("userns_mode", "host", "shares the host's user namespace (userns_mode: host)");
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        for (String key : List.of("hostNetwork", "hostPID", "hostIPC")) {
            Optional<Scalar> v = Lookup.scalar(c.podSpec(), key);
            if (Lookup.isTrue(v)) {
                c.open(v.get(), c.subject(), "shares the node's " + switch (key) {
                    case "hostNetwork" -> "network";
                    case "hostPID" -> "process";
                    default -> "IPC";
                } + " namespace (" + key + ": true)", false);
            }
        }
    }
}
