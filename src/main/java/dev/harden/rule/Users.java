package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Who a subject's process runs as, and why it keeps root: what the user and capability rules decide by. */
final class Users {
    private static final Pattern ROOT_USER = Pattern.compile("(root|0)(:.*)?");
    static final String WINDOWS_ADMIN = "ContainerAdministrator";
    static final String WINDOWS_USER = "ContainerUser";

    private Users() {
    }

    // ---- Compose ---------------------------------------------------------------------------

    static boolean isRoot(String user) {
        return ROOT_USER.matcher(user.trim()).matches();
    }

    /** Whether the service's process starts as root: its {@code user:}, else the image's default. */
    static boolean startsAsRoot(ServiceCheck c) {
        String user = c.value("user");
        return user == null ? c.facts().startsAsRoot() : isRoot(user);
    }

    // ---- Kubernetes ------------------------------------------------------------------------

    /** The uid a container runs as when the manifest says so: its own runAsUser, else the pod's. */
    static Optional<Scalar> runAsUser(PodCheck c, Workload.Container k) {
        Optional<Scalar> own = Lookup.scalar(k.mapping(), "securityContext", "runAsUser");
        return own.isPresent() ? own : Lookup.scalar(c.podSpec(), "securityContext", "runAsUser");
    }

    /** Whether a container is known to run as a non-zero numeric uid (what runAsNonRoot needs). */
    static boolean knownNonRoot(PodCheck c, Workload.Container k) {
        if (c.windows()) {
            return windowsUser(c, k).filter(u -> !u.equalsIgnoreCase(WINDOWS_ADMIN)).isPresent();
        }
        Optional<Scalar> uid = runAsUser(c, k);
        if (uid.isPresent()) {
            Long n = Lookup.number(uid);
            return n != null && n != 0;
        }
        ImageFacts facts = c.facts(k);
        return facts.known() && !facts.startsAsRoot() && facts.runsAs().matches("[0-9]+");
    }

    /** Whether a container's process starts as root, as far as the manifest and the image say. */
    static boolean startsAsRoot(PodCheck c, Workload.Container k) {
        Optional<Scalar> uid = runAsUser(c, k);
        if (uid.isPresent()) {
            Long n = Lookup.number(uid);
            return n == null || n == 0;
        }
        return c.facts(k).startsAsRoot();
    }

    /** The Windows user a container runs as when the manifest names one: its own, else the pod's. */
    private static Optional<String> windowsUser(PodCheck c, Workload.Container k) {
        return Lookup.scalar(k.mapping(), "securityContext", "windowsOptions", "runAsUserName")
                .or(() -> Lookup.scalar(c.podSpec(), "securityContext", "windowsOptions", "runAsUserName")).map(Scalar::value);
    }

    /**
     * The lowest port below 1024 that a container's image is known to listen on as root, with no
     * non-root user harden knows of; null when there is none, or when the container declares only
     * ports above 1023 (its configuration moved it). Without root, or without NET_BIND_SERVICE on
     * runtimes that keep ports below 1024 privileged, it cannot bind that port.
     */
    static Integer rootPort(PodCheck c, Workload.Container k) {
        ImageFacts facts = c.facts(k);
        if (!facts.known() || !facts.startsAsRoot()) {
            return null;
        }
        Optional<Integer> low = facts.ports().stream().filter(p -> p > 0 && p < 1024).min(Integer::compare);
        if (low.isEmpty()) {
            return null;
        }
        List<Long> declared = new ArrayList<>();
        Optional<Node> ports = Lookup.at(k.mapping(), "ports");
        if (ports.isPresent() && ports.get() instanceof Sequence s) {
            for (Node item : s.items()) {
                if (item.resolve() instanceof Mapping p) {
                    Long n = Lookup.number(Lookup.scalar(p, "containerPort"));
                    if (n != null) {
                        declared.add(n);
                    }
                }
            }
        }
        return !declared.isEmpty() && declared.stream().allMatch(p -> p >= 1024) ? null : low.get();
    }

    /**
     * Why a container keeps root whatever harden sets, or null: it is privileged, it asks for root
     * itself, or its image listens on a low port as root with no known non-root user. A pod-level
     * user would apply to it too, so such a pod gets none.
     */
    static String rootReason(PodCheck c, Workload.Container k) {
        if (PodCheck.privileged(k)) {
            return "it runs privileged";
        }
        Optional<Scalar> own = Lookup.scalar(k.mapping(), "securityContext", "runAsUser");
        if (own.isPresent() && Long.valueOf(0).equals(Lookup.number(own))) {
            return "it sets runAsUser: 0";
        }
        if (Lookup.isFalse(Lookup.scalar(k.mapping(), "securityContext", "runAsNonRoot"))) {
            return "it sets runAsNonRoot: false";
        }
        Integer port = runAsUser(c, k).isPresent() || c.facts(k).nonRootUid() != null ? null : rootPort(c, k);
        if (port != null) {
            return "image " + c.imageName(k) + " listens on port " + port + " as root and harden knows no non-root user for it"
                    + " (use an unprivileged variant, or move it to a port above 1023 and declare that containerPort)";
        }
        return null;
    }
}
