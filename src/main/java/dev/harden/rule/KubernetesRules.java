package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageRef;
import dev.harden.manifest.Quantities;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The Kubernetes side of every rule, by rule id; each runs once per workload. */
final class KubernetesRules {
    private static final Set<String> PSS_VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");
    private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";
    private static final String WINDOWS_ADMIN = "ContainerAdministrator";
    private static final String WINDOWS_USER = "ContainerUser";

    /** The logic of one rule for one workload. */
    @FunctionalInterface
    interface PodRule {
        void check(PodCheck c) throws YamlException;
    }

    static final Map<String, PodRule> BY_ID = Map.ofEntries(
            Map.entry("non-root-user", KubernetesRules::nonRootUser),
            Map.entry("run-as-non-root", KubernetesRules::runAsNonRoot),
            Map.entry("cap-drop-all", KubernetesRules::capDropAll),
            Map.entry("no-new-privileges", KubernetesRules::noPrivilegeEscalation),
            Map.entry("read-only-root-filesystem", KubernetesRules::readOnlyRootFilesystem),
            Map.entry("resource-limits", KubernetesRules::resourceLimits),
            Map.entry("privileged-disabled", KubernetesRules::privilegedDisabled),
            Map.entry("host-namespaces-isolated", KubernetesRules::hostNamespacesIsolated),
            Map.entry("seccomp-runtime-default", KubernetesRules::seccompRuntimeDefault),
            Map.entry("apparmor-enforced", KubernetesRules::apparmorEnforced),
            Map.entry("image-tag-pinned", KubernetesRules::imageTagPinned),
            Map.entry("service-account-token-unmounted", KubernetesRules::serviceAccountTokenUnmounted),
            Map.entry("host-path-volumes-absent", KubernetesRules::hostPathVolumesAbsent),
            Map.entry("volume-types-restricted", KubernetesRules::volumeTypesRestricted),
            Map.entry("host-ports-unused", KubernetesRules::hostPortsUnused),
            Map.entry("proc-mount-default", KubernetesRules::procMountDefault),
            Map.entry("sysctls-safe", KubernetesRules::sysctlsSafe),
            Map.entry("selinux-options-default", KubernetesRules::selinuxOptionsDefault));

    /** The rules that only report values a manifest writes, and never add anything: all that runs on a Kustomize patch. */
    static final Set<String> REPORT_ONLY = Set.of("privileged-disabled", "host-namespaces-isolated", "apparmor-enforced",
            "image-tag-pinned", "host-path-volumes-absent", "volume-types-restricted", "host-ports-unused", "proc-mount-default",
            "sysctls-safe", "selinux-options-default");

    private KubernetesRules() {
    }

    // ---- users -----------------------------------------------------------------------------

    /** The uid a container runs as when the manifest says so: its own runAsUser, else the pod's. */
    static Optional<Scalar> runAsUser(PodCheck c, Workload.Container k) {
        Optional<Scalar> own = PodCheck.scalar(k.mapping(), "securityContext", "runAsUser");
        return own.isPresent() ? own : PodCheck.scalar(c.podSpec(), "securityContext", "runAsUser");
    }

    /** Whether a container is known to run as a non-zero numeric uid (what runAsNonRoot needs). */
    static boolean knownNonRoot(PodCheck c, Workload.Container k) {
        if (c.windows()) {
            return windowsUser(c, k).filter(u -> !u.equalsIgnoreCase(WINDOWS_ADMIN)).isPresent();
        }
        Optional<Scalar> uid = runAsUser(c, k);
        if (uid.isPresent()) {
            Long n = PodCheck.number(uid);
            return n != null && n != 0;
        }
        ImageFacts facts = c.facts(k);
        return facts.known() && !facts.startsAsRoot() && facts.runsAs().matches("[0-9]+");
    }

    /** Whether a container's process starts as root, as far as the manifest and the image say. */
    static boolean startsAsRoot(PodCheck c, Workload.Container k) {
        Optional<Scalar> uid = runAsUser(c, k);
        if (uid.isPresent()) {
            Long n = PodCheck.number(uid);
            return n == null || n == 0;
        }
        return c.facts(k).startsAsRoot();
    }

    /** The Windows user a container runs as when the manifest names one: its own, else the pod's. */
    private static Optional<String> windowsUser(PodCheck c, Workload.Container k) {
        return PodCheck.scalar(k.mapping(), "securityContext", "windowsOptions", "runAsUserName")
                .or(() -> PodCheck.scalar(c.podSpec(), "securityContext", "windowsOptions", "runAsUserName")).map(Scalar::value);
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
        Optional<Node> ports = PodCheck.at(k.mapping(), "ports");
        if (ports.isPresent() && ports.get() instanceof Sequence s) {
            for (Node item : s.items()) {
                if (item.resolve() instanceof Mapping p) {
                    Long n = PodCheck.number(PodCheck.scalar(p, "containerPort"));
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
        Optional<Scalar> own = PodCheck.scalar(k.mapping(), "securityContext", "runAsUser");
        if (own.isPresent() && Long.valueOf(0).equals(PodCheck.number(own))) {
            return "it sets runAsUser: 0";
        }
        if (PodCheck.isFalse(PodCheck.scalar(k.mapping(), "securityContext", "runAsNonRoot"))) {
            return "it sets runAsNonRoot: false";
        }
        Integer port = runAsUser(c, k).isPresent() || c.facts(k).nonRootUid() != null ? null : rootPort(c, k);
        if (port != null) {
            return "image " + c.imageName(k) + " listens on port " + port + " as root and harden knows no non-root user for it"
                    + " (use an unprivileged variant, or move it to a port above 1023 and declare that containerPort)";
        }
        return null;
    }

    private static String verifyHint(PodCheck c, Workload.Container k) {
        return c.facts(k).known() ? "" : "; image " + c.imageName(k) + " is unknown to harden: check it still starts (harden verify)";
    }

    /** Where a uid harden writes comes from, said as a fact harden has. */
    private static String uidSource(PodCheck c, Workload.Container k, String uid) {
        ImageFacts facts = c.facts(k);
        String n = uid.split(":")[0];
        if (facts.known() && uid.equals(facts.nonRootUid())) {
            return " (the image's non-root user, uid " + n + " from images.yaml)";
        }
        return "; uid " + n + " is the profile's choice: " + (facts.known() ? "image " + c.imageName(k)
                + " starts as root and harden knows no non-root user for it" : "the user of image " + c.imageName(k)
                + " is unknown to harden") + "; check it still starts (harden verify)";
    }

    static void nonRootUser(PodCheck c) throws YamlException {
        if (c.windows()) {
            windowsNonRootUser(c);
            return;
        }
        Optional<Scalar> podUid = PodCheck.scalar(c.podSpec(), "securityContext", "runAsUser");
        if (podUid.isPresent() && Long.valueOf(0).equals(PodCheck.number(podUid))) {
            c.open(podUid.get(), c.subject(), "runs as root because runAsUser: 0 is set explicitly", false);
        }
        List<Workload.Container> needing = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        boolean othersUnset = false;
        String keepsRoot = null;
        for (Workload.Container k : c.containers()) {
            String reason = rootReason(c, k);
            if (reason != null && keepsRoot == null) {
                keepsRoot = k.name();
            }
            Optional<Scalar> own = PodCheck.scalar(k.mapping(), "securityContext", "runAsUser");
            if (own.isPresent()) {
                if (Long.valueOf(0).equals(PodCheck.number(own))) {
                    c.open(own.get(), c.subject(k), "runs as root because runAsUser: 0 is set explicitly", false);
                }
                continue;
            }
            if (podUid.isPresent()) {
                continue;
            }
            if (reason != null) {
                c.open(k.mapping(), c.subject(k), "may run as root: " + reason + "; harden sets no user for it, nor for"
                        + " its pod (a pod-level user would apply to it too)", false);
                continue;
            }
            ImageFacts facts = c.facts(k);
            if (facts.known() && !facts.startsAsRoot() && facts.runsAs().matches("[0-9]+")) {
                othersUnset = true;
                continue;
            }
            String uid = facts.known() && facts.nonRootUid() != null ? facts.nonRootUid() : c.setting().param("uid");
            if (uid.isBlank()) {
                uid = c.setting().param("kubernetesUid");
            }
            if (uid.isBlank() || !uid.matches("[0-9]+(:[0-9]+)?") || uid.startsWith("0:") || uid.equals("0")) {
                c.open(k.mapping(), c.subject(k), "image " + c.imageName(k) + " may run as root and no non-root uid is known"
                        + " for it; set runAsUser to a non-root uid", false);
                continue;
            }
            needing.add(k);
            uids.add(uid);
        }
        if (needing.isEmpty()) {
            return;
        }
        boolean podLevel = keepsRoot == null && !othersUnset && uids.stream().distinct().count() == 1;
        if (podLevel) {
            String uid = uids.get(0);
            Workload.Container chosen = needing.stream().filter(k -> !uid.equals(c.facts(k).nonRootUid())).findFirst()
                    .orElse(needing.get(0));
            c.fix(c.location(), c.subject(), "may run as root", () -> {
                Mapping sc = c.podSecurityContext();
                String done = setUser(c, sc, uid, true);
                return done + uidSource(c, chosen, uid);
            });
            return;
        }
        for (int index = 0; index < needing.size(); index++) {
            Workload.Container k = needing.get(index);
            String uid = uids.get(index);
            boolean first = index == 0;
            c.fix(k.mapping(), c.subject(k), "may run as root", () -> {
                String done = setUser(c, c.securityContext(k), uid, false);
                if (first && c.workload().hasPersistentVolumes()
                        && PodCheck.scalar(c.podSpec(), "securityContext", "fsGroup").isEmpty()) {
                    String gid = group(uid);
                    c.set(c.podSecurityContext(), "fsGroup", Scalar.integer(Long.parseLong(gid)));
                    done += " and the pod's fsGroup: " + gid;
                }
                return done + uidSource(c, k, uid);
            });
        }
    }

    /**
     * A Windows pod has no numeric users: the API server rejects runAsUser there. Its non-root user is
     * {@code windowsOptions.runAsUserName}, and {@code ContainerUser} is the one every Windows base
     * image has besides {@code ContainerAdministrator}.
     */
    private static void windowsNonRootUser(PodCheck c) throws YamlException {
        boolean hostProcess = PodCheck.isTrue(PodCheck.scalar(c.podSpec(), "securityContext", "windowsOptions", "hostProcess"));
        boolean unnamed = false;
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = PodCheck.scalar(k.mapping(), "securityContext", "windowsOptions", "runAsUserName");
            hostProcess |= PodCheck.isTrue(PodCheck.scalar(k.mapping(), "securityContext", "windowsOptions", "hostProcess"));
            if (own.isPresent() && own.get().value().equalsIgnoreCase(WINDOWS_ADMIN)) {
                c.open(own.get(), c.subject(k), "runs as " + WINDOWS_ADMIN + " because windowsOptions.runAsUserName says so", false);
            }
            unnamed |= own.isEmpty();
        }
        Optional<Scalar> pod = PodCheck.scalar(c.podSpec(), "securityContext", "windowsOptions", "runAsUserName");
        if (pod.isPresent()) {
            if (pod.get().value().equalsIgnoreCase(WINDOWS_ADMIN)) {
                c.open(pod.get(), c.subject(), "runs as " + WINDOWS_ADMIN + " because windowsOptions.runAsUserName says so", false);
            }
            return;
        }
        if (!unnamed || c.containers().isEmpty()) {
            return;
        }
        if (hostProcess) {
            c.open(c.location(), c.subject(), "is a Windows HostProcess pod, which runs as a node account; harden sets no user", false);
            return;
        }
        c.fix(c.location(), c.subject(), "runs as the image's Windows user, which may be " + WINDOWS_ADMIN, () -> {
            c.set(c.editableIn(c.podSecurityContext(), "windowsOptions"), "runAsUserName", Scalar.string(WINDOWS_USER));
            return "set windowsOptions.runAsUserName: " + WINDOWS_USER + " (Windows pods take no runAsUser; " + WINDOWS_USER
                    + " is the non-administrator user of Windows base images); check it still starts (harden verify)";
        });
    }

    private static String group(String uid) {
        String[] parts = uid.split(":");
        return parts.length > 1 && !parts[1].equals("0") ? parts[1] : parts[0];
    }

    /** Writes runAsUser and runAsGroup (and fsGroup at pod level when volumes need it); says what it did. */
    private static String setUser(PodCheck c, Mapping sc, String uid, boolean pod) throws YamlException {
        String[] parts = uid.split(":");
        c.set(sc, "runAsUser", Scalar.integer(Long.parseLong(parts[0])));
        String done = "set runAsUser: " + parts[0];
        if (parts.length > 1 && PodCheck.scalar(sc, "runAsGroup").isEmpty()) {
            c.set(sc, "runAsGroup", Scalar.integer(Long.parseLong(parts[1])));
            done += ", runAsGroup: " + parts[1];
        }
        if (pod && c.workload().hasPersistentVolumes() && PodCheck.scalar(sc, "fsGroup").isEmpty()) {
            String gid = group(uid);
            c.set(sc, "fsGroup", Scalar.integer(Long.parseLong(gid)));
            done += ", fsGroup: " + gid + " (so it can write its volumes)";
        }
        return done;
    }

    static void runAsNonRoot(PodCheck c) throws YamlException {
        Optional<Scalar> pod = PodCheck.scalar(c.podSpec(), "securityContext", "runAsNonRoot");
        boolean explicitOff = false;
        if (PodCheck.isFalse(pod)) {
            explicitOff = true;
            overrideOrReport(c, pod.get(), c.subject(), "runAsNonRoot: false is set explicitly",
                    () -> c.set(c.podSecurityContext(), "runAsNonRoot", Scalar.bool(true)));
        }
        boolean allContainers = true;
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = PodCheck.scalar(k.mapping(), "securityContext", "runAsNonRoot");
            if (PodCheck.isFalse(own)) {
                explicitOff = true;
                overrideOrReport(c, own.get(), c.subject(k), "runAsNonRoot: false is set explicitly",
                        () -> c.set(c.securityContext(k), "runAsNonRoot", Scalar.bool(true)));
            }
            allContainers &= PodCheck.isTrue(own);
        }
        if (explicitOff || PodCheck.isTrue(pod) || allContainers && !c.containers().isEmpty()) {
            return;
        }
        Optional<Workload.Container> rooted = c.containers().stream().filter(k -> rootReason(c, k) != null).findFirst();
        if (rooted.isPresent()) {
            runAsNonRootPerContainer(c, rooted.get());
            return;
        }
        List<String> unknown = c.containers().stream().filter(k -> !knownNonRoot(c, k)).map(Workload.Container::name).toList();
        if (!unknown.isEmpty()) {
            c.open(c.location(), c.subject(), "does not set runAsNonRoot: true, and " + String.join(", ", unknown)
                    + " may run as root or as a user name the kubelet cannot check; set runAsUser first (non-root-user)", false);
            return;
        }
        c.fix(c.location(), c.subject(), "does not set runAsNonRoot: true", () -> {
            c.set(c.podSecurityContext(), "runAsNonRoot", Scalar.bool(true));
            return "set runAsNonRoot: true";
        });
    }

    /** runAsNonRoot on each container that can take it, when another of the pod keeps root. */
    private static void runAsNonRootPerContainer(PodCheck c, Workload.Container rooted) {
        for (Workload.Container k : c.containers()) {
            if (PodCheck.isTrue(PodCheck.scalar(k.mapping(), "securityContext", "runAsNonRoot"))) {
                continue;
            }
            String reason = rootReason(c, k);
            if (reason != null) {
                c.open(k.mapping(), c.subject(k), "does not set runAsNonRoot: true: " + reason + ", so harden sets it neither"
                        + " here nor for the pod", false);
            } else if (!knownNonRoot(c, k)) {
                c.open(k.mapping(), c.subject(k), "does not set runAsNonRoot: true, and may run as root or as a user name the"
                        + " kubelet cannot check; set runAsUser first (non-root-user)", false);
            } else {
                c.fix(k.mapping(), c.subject(k), "does not set runAsNonRoot: true", () -> {
                    c.set(c.securityContext(k), "runAsNonRoot", Scalar.bool(true));
                    return "set runAsNonRoot: true on the container (not on the pod: " + rooted.name() + " keeps root)";
                });
            }
        }
    }

    /** A value written against the rule: replaced when the profile overrides, else reported. */
    private static void overrideOrReport(PodCheck c, Scalar at, String subject, String message, Edit edit) {
        if (!c.overridesExplicit()) {
            c.open(at, subject, message, false);
            return;
        }
        c.fix(at, subject, message, () -> {
            edit.apply();
            return "overrode " + message.replace(" is set explicitly", "") + " (the profile overrides explicit values)";
        });
    }

    /** An edit with nothing to say. */
    @FunctionalInterface
    private interface Edit {
        void apply() throws YamlException;
    }

    // ---- capabilities and privileges -------------------------------------------------------

    private static String normaliseCap(String cap) {
        String upper = cap.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }

    @SuppressWarnings("unchecked")
    private static List<String> listParam(PodCheck c, String name) {
        Object v = c.setting().params().get(name);
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    /**
     * Kubernetes passes capability names to the runtime as written, and the Pod Security Standards
     * compare them exactly: {@code all} or {@code CAP_NET_RAW} do not count, unlike in Compose.
     */
    static void capDropAll(PodCheck c) throws YamlException {
        if (c.windows()) {
            return;
        }
        Set<String> allowed = new HashSet<>(listParam(c, "allowedAdd"));
        for (Workload.Container k : c.containers()) {
            List<Scalar> added = PodCheck.items(k.mapping(), "securityContext", "capabilities", "add");
            for (Scalar a : added) {
                if (!allowed.contains(a.value())) {
                    c.open(a, c.subject(k), "adds capability " + a.value() + ", which the profile does not allow", false);
                }
            }
            List<Scalar> dropped = PodCheck.items(k.mapping(), "securityContext", "capabilities", "drop");
            if (dropped.stream().anyMatch(d -> d.value().equals("ALL"))) {
                continue;
            }
            if (PodCheck.privileged(k)) {
                c.open(PodCheck.scalar(k.mapping(), "securityContext", "privileged").orElseThrow(), c.subject(k),
                        "runs privileged, which grants every capability whatever capabilities.drop says, so harden drops"
                        + " none: remove privileged: true and add only the capabilities it needs", false);
                continue;
            }
            Optional<Scalar> misspelt = dropped.stream().filter(d -> normaliseCap(d.value()).equals("ALL")).findFirst();
            if (misspelt.isPresent()) {
                c.fix(misspelt.get(), c.subject(k), "drops " + misspelt.get().value() + ", which Kubernetes does not read as ALL",
                        () -> {
                            c.editor().set(misspelt.get(), Scalar.string("ALL"));
                            return "wrote drop " + misspelt.get().value() + " as ALL, the spelling Kubernetes reads";
                        });
                continue;
            }
            Set<String> present = new HashSet<>();
            added.forEach(a -> present.add(normaliseCap(a.value())));
            Set<String> needed = new LinkedHashSet<>();
            Integer port = startsAsRoot(c, k) ? rootPort(c, k) : null;
            if (startsAsRoot(c, k)) {
                needed.addAll(c.facts(k).rootCapabilities());
                if (port != null) {
                    needed.add("NET_BIND_SERVICE");
                }
            }
            needed.removeAll(present);
            List<String> addBack = needed.stream().filter(allowed::contains).toList();
            List<String> refused = needed.stream().filter(x -> !allowed.contains(x)).toList();
            String keepsRoot = rootReason(c, k);
            if (keepsRoot != null && !refused.isEmpty()) {
                c.open(k.mapping(), c.subject(k), "keeps the runtime's default capabilities: " + keepsRoot + ", and as root"
                        + " it needs " + String.join(", ", refused) + ", which the profile does not allow, so dropping ALL"
                        + " would stop it", false);
                continue;
            }
            boolean explicitRoot = Long.valueOf(0).equals(PodCheck.number(runAsUser(c, k)))
                    || PodCheck.isFalse(PodCheck.scalar(k.mapping(), "securityContext", "runAsNonRoot"));
            if (explicitRoot && !(c.facts(k).known() && c.facts(k).dropsPrivileges())) {
                // a container made root on purpose (an init job that chowns, a sysctl tool) does root
                // work whose capabilities harden cannot name for an image it does not know to step down
                c.open(k.mapping(), c.subject(k), "keeps the runtime's default capabilities: it runs as root on purpose ("
                        + (PodCheck.isFalse(PodCheck.scalar(k.mapping(), "securityContext", "runAsNonRoot"))
                        ? "runAsNonRoot: false" : "runAsUser: 0") + "), and harden does not know which capabilities its"
                        + " root work needs (chown needs CHOWN, for one): drop ALL and add those back by hand, or run it"
                        + " as a non-root user", false);
                continue;
            }
            c.fix(k.mapping(), c.subject(k), "keeps the runtime's default capabilities", () -> {
                Mapping caps = c.editableIn(c.securityContext(k), "capabilities");
                c.append(caps, "drop", Scalar.plain("ALL"));
                for (String cap : addBack) {
                    c.append(caps, "add", Scalar.string(cap));
                }
                return "dropped all capabilities"
                        + (addBack.isEmpty() ? "" : " and added back " + String.join(", ", addBack) + ", which "
                        + c.imageName(k) + " needs " + needsFor(addBack, c.facts(k).rootCapabilities(), port))
                        + (refused.isEmpty() ? "" : "; it may also need " + String.join(", ", refused)
                        + ", which the profile does not allow: run it as its non-root user")
                        + verifyHint(c, k);
            });
        }
    }

    /** Why an image needs the capabilities added back: to step down from root, to bind a low port, or both. */
    private static String needsFor(List<String> addBack, List<String> rootCapabilities, Integer port) {
        boolean stepDown = addBack.stream().anyMatch(rootCapabilities::contains);
        boolean bind = port != null && addBack.contains("NET_BIND_SERVICE");
        String stepping = "to start as root and step down";
        String binding = "to bind port " + port + " on runtimes that keep ports below 1024 privileged";
        return stepDown && bind ? stepping + " and " + binding : bind ? binding : stepping;
    }

    static void noPrivilegeEscalation(PodCheck c) throws YamlException {
        if (c.windows()) {
            return;
        }
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> ape = PodCheck.scalar(k.mapping(), "securityContext", "allowPrivilegeEscalation");
            if (PodCheck.isFalse(ape)) {
                continue;
            }
            boolean privileged = PodCheck.isTrue(PodCheck.scalar(k.mapping(), "securityContext", "privileged"));
            boolean sysAdmin = PodCheck.items(k.mapping(), "securityContext", "capabilities", "add").stream()
                    .anyMatch(a -> normaliseCap(a.value()).equals("SYS_ADMIN"));
            if (privileged || sysAdmin) {
                c.open(ape.isPresent() ? ape.get() : k.mapping(), c.subject(k), "allows privilege escalation, which Kubernetes"
                        + " requires while the container is privileged or adds SYS_ADMIN", false);
                continue;
            }
            if (ape.isPresent()) {
                overrideOrReport(c, ape.get(), c.subject(k), "allowPrivilegeEscalation: " + ape.get().value() + " is set explicitly",
                        () -> c.set(c.securityContext(k), "allowPrivilegeEscalation", Scalar.bool(false)));
                continue;
            }
            if (!c.facts(k).noNewPrivileges()) {
                c.exempt(k.mapping(), c.subject(k), "may gain privileges through setuid binaries",
                        "image " + c.imageName(k) + " relies on setuid binaries that allowPrivilegeEscalation: false disables");
                continue;
            }
            c.fix(k.mapping(), c.subject(k), "may gain privileges through setuid binaries", () -> {
                c.set(c.securityContext(k), "allowPrivilegeEscalation", Scalar.bool(false));
                return "set allowPrivilegeEscalation: false";
            });
        }
    }

    static void privilegedDisabled(PodCheck c) {
        Optional<Scalar> podHostProcess = PodCheck.scalar(c.podSpec(), "securityContext", "windowsOptions", "hostProcess");
        if (PodCheck.isTrue(podHostProcess)) {
            c.open(podHostProcess.get(), c.subject(), "runs as a Windows HostProcess pod, with the node's privileges", false);
        }
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> p = PodCheck.scalar(k.mapping(), "securityContext", "privileged");
            if (PodCheck.isTrue(p)) {
                c.open(p.get(), c.subject(k), "runs privileged: it holds every capability and host device", false);
            }
            Optional<Scalar> hp = PodCheck.scalar(k.mapping(), "securityContext", "windowsOptions", "hostProcess");
            if (PodCheck.isTrue(hp)) {
                c.open(hp.get(), c.subject(k), "runs as a Windows HostProcess container, with the node's privileges", false);
            }
        }
    }

    static void hostNamespacesIsolated(PodCheck c) {
        for (String key : List.of("hostNetwork", "hostPID", "hostIPC")) {
            Optional<Scalar> v = PodCheck.scalar(c.podSpec(), key);
            if (PodCheck.isTrue(v)) {
                c.open(v.get(), c.subject(), "shares the node's " + switch (key) {
                    case "hostNetwork" -> "network";
                    case "hostPID" -> "process";
                    default -> "IPC";
                } + " namespace (" + key + ": true)", false);
            }
        }
    }

    // ---- filesystem ------------------------------------------------------------------------

    static void readOnlyRootFilesystem(PodCheck c) throws YamlException {
        if (c.windows()) {
            return;
        }
        for (Workload.Container k : c.containers()) {
            if (k.field().equals("ephemeralContainers")) {
                continue;
            }
            Optional<Scalar> ro = PodCheck.scalar(k.mapping(), "securityContext", "readOnlyRootFilesystem");
            if (PodCheck.isTrue(ro)) {
                continue;
            }
            ImageFacts facts = c.facts(k);
            if (ro.isEmpty() && !facts.readOnlyRootFilesystem()) {
                c.exempt(k.mapping(), c.subject(k), "has a writable root filesystem", "image " + c.imageName(k)
                        + " is known to need a writable root filesystem" + (facts.notes() == null ? "" : ": " + facts.notes()));
                continue;
            }
            List<String> mounts = new ArrayList<>();
            Optional<Node> vm = PodCheck.at(k.mapping(), "volumeMounts");
            if (vm.isPresent() && vm.get() instanceof Sequence s) {
                for (Node item : s.items()) {
                    if (item.resolve() instanceof Mapping m) {
                        PodCheck.scalar(m, "mountPath").ifPresent(p -> mounts.add(p.value()));
                    }
                }
            }
            List<String> paths = new ArrayList<>();
            for (String path : facts.known() ? facts.writablePaths() : List.of("/tmp")) {
                boolean covered = mounts.stream().anyMatch(m -> path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/"));
                if (!covered) {
                    paths.add(path);
                }
            }
            if (ro.isPresent()) {
                overrideOrReport(c, ro.get(), c.subject(k), "readOnlyRootFilesystem: " + ro.get().value() + " is set explicitly",
                        () -> mountAndSet(c, k, paths));
                continue;
            }
            c.fix(k.mapping(), c.subject(k), "has a writable root filesystem", () -> {
                List<String> names = mountAndSet(c, k, paths);
                return "made the root filesystem read-only" + (paths.isEmpty() ? "" : " with emptyDir volumes "
                        + String.join(", ", names) + " at " + String.join(", ", paths)) + verifyHint(c, k);
            });
        }
    }

    /** Adds an emptyDir volume and a mount per path, then sets readOnlyRootFilesystem; the volume names. */
    private static List<String> mountAndSet(PodCheck c, Workload.Container k, List<String> paths) throws YamlException {
        Set<String> taken = new HashSet<>();
        for (Mapping v : c.workload().volumes()) {
            PodCheck.scalar(v, "name").ifPresent(n -> taken.add(n.value()));
        }
        String size = c.setting().param("tmpfsSize");
        List<String> names = new ArrayList<>();
        for (String path : paths) {
            String name = volumeName(path, k.name(), taken);
            taken.add(name);
            names.add(name);
            Mapping emptyDir = Mapping.block();
            if (!size.isBlank()) {
                emptyDir.with("sizeLimit", Scalar.string(size));
            }
            c.append(c.podSpec(), "volumes", Mapping.block().with("name", Scalar.string(name)).with("emptyDir", emptyDir));
            c.append(k.mapping(), "volumeMounts", Mapping.block().with("name", Scalar.string(name))
                    .with("mountPath", Scalar.string(path)));
        }
        c.set(c.securityContext(k), "readOnlyRootFilesystem", Scalar.bool(true));
        return names;
    }

    /** A volume name from a path ({@code /var/cache/nginx} is {@code var-cache-nginx}), unique in the pod. */
    static String volumeName(String path, String container, Set<String> taken) {
        String base = path.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty()) {
            base = "root";
        }
        String name = trim(base);
        if (taken.contains(name)) {
            name = trim(base + "-" + container.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
        }
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = trim(name) + "-" + i;
        }
        return candidate;
    }

    private static String trim(String name) {
        String n = name.length() > 58 ? name.substring(0, 58) : name;
        return n.replaceAll("-+$", "");
    }

    // ---- resources -------------------------------------------------------------------------

    /** One resource to bound: its key in requests and limits and the profile's values. */
    private record Bound(String resource, String request, String limit) { }

    static void resourceLimits(PodCheck c) throws YamlException {
        List<Bound> bounds = List.of(
                new Bound("cpu", c.setting().param("cpuRequest"), c.setting().param("cpuLimit")),
                new Bound("memory", c.setting().param("memoryRequest"), c.setting().param("memoryLimit")),
                new Bound("ephemeral-storage", c.setting().param("ephemeralStorageRequest"), c.setting().param("ephemeralStorageLimit")));
        for (Workload.Container k : c.containers()) {
            if (k.field().equals("ephemeralContainers")) {
                continue;
            }
            Optional<Mapping> requests = PodCheck.mapping(k.mapping(), "resources", "requests");
            Optional<Mapping> limits = PodCheck.mapping(k.mapping(), "resources", "limits");
            List<String[]> addRequests = new ArrayList<>();
            List<String[]> addLimits = new ArrayList<>();
            Optional<JvmHeap.Need> heap = JvmHeap.of(jvmSettings(k));
            for (Bound b : bounds) {
                Optional<Scalar> req = requests.flatMap(m -> PodCheck.scalar(m, b.resource()));
                Optional<Scalar> lim = limits.flatMap(m -> PodCheck.scalar(m, b.resource()));
                String limit = lim.map(Scalar::value).orElse(null);
                String profileLimit = b.limit();
                if (b.resource().equals("memory") && heap.isPresent()) {
                    String need = heap.get().limitMi() + "Mi";
                    if (lim.isPresent() && larger(heap.get().minimum() / (1L << 20) + "Mi", lim.get().value())) {
                        c.open(lim.get(), c.subject(k), "has a memory limit of " + lim.get().value() + ", which leaves less"
                                + " than 64 MiB beyond its own " + heap.get().flag() + ": the JVM needs more than its heap and"
                                + " will be killed when the heap fills (about " + need + " leaves it room)", false);
                    }
                    if (!profileLimit.isBlank() && larger(need, profileLimit)) {
                        profileLimit = need;
                    }
                }
                if (lim.isEmpty() && !profileLimit.isBlank()) {
                    limit = req.isPresent() && larger(req.get().value(), profileLimit) ? req.get().value() : profileLimit;
                    addLimits.add(new String[] {b.resource(), limit});
                }
                if (req.isEmpty() && !b.request().isBlank()) {
                    String request = limit != null && larger(b.request(), limit) ? limit : b.request();
                    addRequests.add(new String[] {b.resource(), request});
                }
            }
            if (addRequests.isEmpty() && addLimits.isEmpty()) {
                continue;
            }
            List<String> missing = new ArrayList<>();
            addRequests.forEach(r -> missing.add(r[0] + " request"));
            addLimits.forEach(l -> missing.add(l[0] + " limit"));
            c.fix(k.mapping(), c.subject(k), "has no " + String.join(", ", missing), () -> {
                Mapping resources = c.editableIn(k.mapping(), "resources");
                List<String> done = new ArrayList<>();
                if (!addRequests.isEmpty()) {
                    Mapping m = c.editableIn(resources, "requests");
                    for (String[] r : addRequests) {
                        c.set(m, r[0], Scalar.string(r[1]));
                        done.add(r[0] + " " + r[1]);
                    }
                }
                if (!addLimits.isEmpty()) {
                    Mapping m = c.editableIn(resources, "limits");
                    for (String[] l : addLimits) {
                        c.set(m, l[0], Scalar.string(l[1]));
                        done.add(l[0] + " limit " + l[1]);
                    }
                }
                return "requested " + String.join(", ", done) + " (tune these to the workload)";
            });
        }
    }

    /** The texts a JVM container names its heap in: its command, args and environment values. */
    private static List<String> jvmSettings(Workload.Container k) {
        List<String> texts = new ArrayList<>();
        PodCheck.items(k.mapping(), "command").forEach(v -> texts.add(v.value()));
        PodCheck.items(k.mapping(), "args").forEach(v -> texts.add(v.value()));
        Optional<Node> env = PodCheck.at(k.mapping(), "env");
        if (env.isPresent() && env.get().resolve() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Mapping m) {
                    PodCheck.scalar(m, "value").ifPresent(v -> texts.add(v.value()));
                }
            }
        }
        return texts;
    }

    /** Whether quantity {@code a} is larger than {@code b}; false when either cannot be read. */
    static boolean larger(String a, String b) {
        BigDecimal x = Quantities.kubernetes(a);
        BigDecimal y = Quantities.kubernetes(b);
        return x != null && y != null && x.compareTo(y) > 0;
    }

    // ---- profiles and labels ---------------------------------------------------------------

    static void seccompRuntimeDefault(PodCheck c) throws YamlException {
        if (c.windows()) {
            return;
        }
        Optional<Scalar> pod = PodCheck.scalar(c.podSpec(), "securityContext", "seccompProfile", "type");
        boolean podUnconfined = pod.isPresent() && pod.get().value().equals("Unconfined");
        if (podUnconfined) {
            overrideOrReport(c, pod.get(), c.subject(), "seccompProfile type Unconfined is set explicitly",
                    () -> c.editor().set(pod.get(), Scalar.string("RuntimeDefault")));
        }
        boolean everyContainerConfined = !c.containers().isEmpty();
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = PodCheck.scalar(k.mapping(), "securityContext", "seccompProfile", "type");
            if (own.isPresent() && own.get().value().equals("Unconfined")) {
                overrideOrReport(c, own.get(), c.subject(k), "seccompProfile type Unconfined is set explicitly",
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
        Optional<Node> profile = PodCheck.at(c.podSpec(), "securityContext", "seccompProfile");
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

    private static boolean confined(String type) {
        return type.equals("RuntimeDefault") || type.equals("Localhost");
    }

    static void apparmorEnforced(PodCheck c) {
        Optional<Scalar> pod = PodCheck.scalar(c.podSpec(), "securityContext", "appArmorProfile", "type");
        if (pod.isPresent() && !confined(pod.get().value())) {
            c.open(pod.get(), c.subject(), "turns AppArmor confinement off (appArmorProfile type " + pod.get().value() + ")", false);
        }
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = PodCheck.scalar(k.mapping(), "securityContext", "appArmorProfile", "type");
            if (own.isPresent() && !confined(own.get().value())) {
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

    static void imageTagPinned(PodCheck c) {
        for (Workload.Container k : c.containers()) {
            Optional<ImageRef> ref = c.image(k);
            if (ref.isPresent()) {
                Node at = PodCheck.at(k.mapping(), "image").orElse(k.mapping());
                ImageTagPinned.check(c, c.pins(), at, c.subject(k), k.image().orElse(""), ref.get(), false);
            }
        }
    }

    static void serviceAccountTokenUnmounted(PodCheck c) throws YamlException {
        Optional<Scalar> automount = PodCheck.scalar(c.podSpec(), "automountServiceAccountToken");
        if (PodCheck.isFalse(automount)) {
            return;
        }
        if (automount.isPresent()) {
            c.open(automount.get(), c.subject(), "mounts its service account token (automountServiceAccountToken: "
                    + automount.get().value() + " is set explicitly)", false);
            return;
        }
        String account = PodCheck.scalar(c.podSpec(), "serviceAccountName")
                .or(() -> PodCheck.scalar(c.podSpec(), "serviceAccount")).map(Scalar::value).orElse("default");
        if (listParam(c, "usesToken").contains(account)) {
            return;
        }
        if (!account.equals("default")) {
            c.open(c.location(), c.subject(), "mounts the token of service account " + account + "; set"
                    + " automountServiceAccountToken: false if the pod does not call the API, or list " + account + " in usesToken", false);
            return;
        }
        c.fix(c.location(), c.subject(), "mounts a service account token it has no account of its own for", () -> {
            c.set(c.podSpec(), "automountServiceAccountToken", Scalar.bool(false));
            return "set automountServiceAccountToken: false";
        });
    }

    // ---- reported only ---------------------------------------------------------------------

    static void hostPathVolumesAbsent(PodCheck c) {
        for (Mapping v : c.workload().volumes()) {
            Optional<Node> hostPath = PodCheck.at(v, "hostPath");
            if (hostPath.isPresent()) {
                String path = hostPath.get() instanceof Mapping m ? PodCheck.scalar(m, "path").map(Scalar::value).orElse("?") : "?";
                c.open(v, c.subject(), "mounts the node's " + path + " (hostPath volume "
                        + PodCheck.scalar(v, "name").map(Scalar::value).orElse("?") + ")", false);
            }
        }
    }

    static void volumeTypesRestricted(PodCheck c) {
        for (Mapping v : c.workload().volumes()) {
            for (String key : v.effectiveKeys()) {
                if (!key.equals("name") && !key.equals("hostPath") && !PSS_VOLUME_TYPES.contains(key)) {
                    c.open(v, c.subject(), "uses a " + key + " volume ("
                            + PodCheck.scalar(v, "name").map(Scalar::value).orElse("?") + "), which reaches storage outside"
                            + " PersistentVolumes", false);
                }
            }
        }
    }

    static void hostPortsUnused(PodCheck c) {
        for (Workload.Container k : c.containers()) {
            Optional<Node> ports = PodCheck.at(k.mapping(), "ports");
            if (ports.isEmpty() || !(ports.get() instanceof Sequence s)) {
                continue;
            }
            for (Node item : s.items()) {
                if (item.resolve() instanceof Mapping p) {
                    Optional<Scalar> hostPort = PodCheck.scalar(p, "hostPort");
                    Long n = PodCheck.number(hostPort);
                    if (hostPort.isPresent() && (n == null || n != 0)) {
                        c.open(hostPort.get(), c.subject(k), "binds port " + hostPort.get().value() + " on the node (hostPort)", false);
                    }
                }
            }
        }
    }

    static void procMountDefault(PodCheck c) {
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> pm = PodCheck.scalar(k.mapping(), "securityContext", "procMount");
            if (pm.isPresent() && !pm.get().value().equals("Default")) {
                c.open(pm.get(), c.subject(k), "unmasks /proc (procMount: " + pm.get().value() + ")", false);
            }
        }
    }

    static void sysctlsSafe(PodCheck c) {
        List<String> allowed = listParam(c, "allowed");
        Optional<Node> sysctls = PodCheck.at(c.podSpec(), "securityContext", "sysctls");
        if (sysctls.isEmpty() || !(sysctls.get() instanceof Sequence s)) {
            return;
        }
        for (Node item : s.items()) {
            if (item.resolve() instanceof Mapping m) {
                Optional<Scalar> name = PodCheck.scalar(m, "name");
                if (name.isPresent() && !allowed.contains(name.get().value())) {
                    c.open(name.get(), c.subject(), "sets sysctl " + name.get().value() + ", which is not in the safe set", false);
                }
            }
        }
    }

    static void selinuxOptionsDefault(PodCheck c) {
        List<String> types = listParam(c, "types");
        checkSelinux(c, c.podSpec(), c.subject(), types);
        for (Workload.Container k : c.containers()) {
            checkSelinux(c, k.mapping(), c.subject(k), types);
        }
    }

    private static void checkSelinux(PodCheck c, Mapping holder, String subject, List<String> types) {
        Optional<Scalar> type = PodCheck.scalar(holder, "securityContext", "seLinuxOptions", "type");
        if (type.isPresent() && !type.get().value().isEmpty() && !types.contains(type.get().value())) {
            c.open(type.get(), subject, "sets SELinux type " + type.get().value() + ", which is not a container type", false);
        }
        for (String key : List.of("user", "role")) {
            Optional<Scalar> v = PodCheck.scalar(holder, "securityContext", "seLinuxOptions", key);
            if (v.isPresent() && !v.get().value().isEmpty()) {
                c.open(v.get(), subject, "sets SELinux " + key + " " + v.get().value(), false);
            }
        }
    }
}
