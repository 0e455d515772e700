package dev.harden.rule;

import dev.harden.manifest.Workload;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.Optional;
import java.util.regex.Pattern;

/** privileged-disabled: no container runs privileged or holds a host device that reaches the host. */
final class PrivilegedDisabled extends Rule<Void> implements ComposeRule<Void>, KubernetesRule<Void> {
    private static final Pattern BLOCK_DEVICE = Pattern.compile(
            "/dev/((sd|hd|vd|xvd)[a-z]+|nvme[0-9]+(n[0-9]+)?|mmcblk[0-9]+|dm-[0-9]+|md[0-9]+|loop[0-9]+)(p?[0-9]+)?|/dev/(mapper|disk)(/.*)?");

    PrivilegedDisabled() {
        super("privileged-disabled");
    }

    @Override
    public void checkService(ServiceCheck c, Void p) {
        c.reportValue("privileged", "true", "runs privileged: it holds every capability and host device");
        Optional<Node> devices = c.service().get("devices");
        if (devices.isEmpty() || !(devices.get() instanceof Sequence seq)) {
            return;
        }
        for (Node item : seq.items()) {
            Node n = item.resolve();
            String spec = n instanceof Scalar s ? c.value(s) : n instanceof Mapping m
                    ? m.get("source").filter(x -> x instanceof Scalar).map(x -> c.value((Scalar) x)).orElse("") : "";
            String host = HostPaths.normalise(spec.split(":", 2)[0]);
            String reach = host == null ? null : deviceReach(host);
            if (reach != null) {
                c.open(item, "gets " + reach + " through device " + spec.split(":", 2)[0], false);
            }
        }
    }

    /** What a host device gives a container that holds it, or null for the usual, harmless ones. */
    private static String deviceReach(String device) {
        return switch (device) {
            case "/dev" -> "every host device";
            case "/dev/mem", "/dev/kmem" -> "raw access to the host's memory";
            case "/dev/port" -> "raw access to the host's I/O ports";
            default -> device.startsWith("/dev/cpu/") || device.equals("/dev/cpu") ? "access to the CPUs' model-specific registers"
                    : BLOCK_DEVICE.matcher(device).matches() ? "raw access to a host disk" : null;
        };
    }

    @Override
    public boolean reportsOnly() {
        return true;
    }

    @Override
    public void checkPod(PodCheck c, Void p) {
        Optional<Scalar> podHostProcess = Lookup.scalar(c.podSpec(), "securityContext", "windowsOptions", "hostProcess");
        if (Lookup.isTrue(podHostProcess)) {
            c.open(podHostProcess.get(), c.subject(), "runs as a Windows HostProcess pod, with the node's privileges", false);
        }
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> priv = Lookup.scalar(k.mapping(), "securityContext", "privileged");
            if (Lookup.isTrue(priv)) {
                c.open(priv.get(), c.subject(k), "runs privileged: it holds every capability and host device", false);
            }
            Optional<Scalar> hp = Lookup.scalar(k.mapping(), "securityContext", "windowsOptions", "hostProcess");
            if (Lookup.isTrue(hp)) {
                c.open(hp.get(), c.subject(k), "runs as a Windows HostProcess container, with the node's privileges", false);
            }
        }
    }
}
