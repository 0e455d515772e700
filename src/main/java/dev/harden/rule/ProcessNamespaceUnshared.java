package dev.harden.rule;

import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import java.util.Locale;
import java.util.Optional;

/** process-namespace-unshared: no container shares its process namespace with another container. */
final class ProcessNamespaceUnshared extends Rule<Void> implements ComposeRule<Void>, KubernetesRule<Void> {

    ProcessNamespaceUnshared() {
        super("process-namespace-unshared");
    }

    @Override
    public void checkService(ServiceCheck c, Void p) {
        Optional<Node> pid = c.service().get("pid");
        if (pid.isPresent() && pid.get() instanceof Scalar s) {
            String value = c.value(s).trim();
            String lower = value.toLowerCase(Locale.ROOT);
            if (lower.startsWith("service:") || lower.startsWith("container:")) {
                c.open(s, "shares the process namespace of " + value.substring(0, value.indexOf(':')) + " "
                        + value.substring(value.indexOf(':') + 1) + " (pid: " + c.quote(s)
                        + "): each can see and signal the other's processes", false);
            }
        }
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        Optional<Scalar> shared = Lookup.scalar(c.podSpec(), "shareProcessNamespace");
        if (Lookup.isTrue(shared)) {
            c.open(shared.get(), c.subject(), "shares one process namespace among its containers (shareProcessNamespace: true):"
                    + " each container can signal the others' processes and read their files through /proc/PID/root", false);
        }
    }
}
