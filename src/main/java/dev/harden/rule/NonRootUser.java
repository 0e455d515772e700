package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** non-root-user: a Compose service gets the image's non-root {@code user:}, a pod its {@code runAsUser}. */
final class NonRootUser extends Rule<NonRootUser.Params> implements ComposeRule<NonRootUser.Params>, KubernetesRule<NonRootUser.Params> {

    /**
     * @param uid the uid for an image harden does not know; empty for none
     * @param kubernetesUid the uid a pod gets when {@code uid} is empty: runAsNonRoot needs a numeric user
     */
    record Params(String uid, String kubernetesUid) { }

    NonRootUser() {
        super("non-root-user");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(setting.param("uid"), setting.param("kubernetesUid"));
    }

    @Override
    List<LogHint> logHints() {
        return List.of(new LogHint(LogSymptom.NOT_PERMITTED, 2), new LogHint(LogSymptom.PERMISSION_DENIED, 1),
                new LogHint(LogSymptom.ROOT_REFUSED, 2));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        String user = c.value("user");
        if (user != null) {
            if (Users.isRoot(user)) {
                Scalar at = (Scalar) s.get("user").orElseThrow();
                c.open(at, "runs as root because user: " + c.quote(at) + " is set explicitly", false);
            }
            return;
        }
        ImageFacts facts = c.facts();
        if (facts.known() && (!facts.startsAsRoot() || facts.dropsPrivileges())) {
            return;
        }
        String uid = facts.known() ? facts.nonRootUid() : p.uid();
        if (uid == null || uid.isBlank()) {
            c.notChanged(s.location(), s.name(), facts.known() ? "runs as root" : "may run as root", c.imageName());
            return;
        }
        c.fix(s.location(), "runs as root", () -> {
            c.fillOwn("user", Scalar.quoted(uid));
            return "set user: \"" + uid + "\"" + (facts.known() ? " (the image's non-root user)" + facts.sourceNote() : c.verifyHint());
        });
    }

    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        if (c.windows()) {
            windowsNonRootUser(c);
            return;
        }
        Optional<Scalar> podUid = Lookup.scalar(c.podSpec(), "securityContext", "runAsUser");
        if (podUid.isPresent() && Long.valueOf(0).equals(Lookup.number(podUid))) {
            c.open(podUid.get(), c.subject(), "runs as root because runAsUser: 0 is set explicitly", false);
        }
        List<Workload.Container> needing = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        boolean othersUnset = false;
        String keepsRoot = null;
        for (Workload.Container k : c.containers()) {
            String reason = Users.rootReason(c, k);
            if (reason != null && keepsRoot == null) {
                keepsRoot = k.name();
            }
            Optional<Scalar> own = Lookup.scalar(k.mapping(), "securityContext", "runAsUser");
            if (own.isPresent()) {
                if (Long.valueOf(0).equals(Lookup.number(own))) {
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
            if (facts.known() && facts.nonRootUid() == null && c.reportsWithoutFacts()) {
                // a uid the image was not built for can stop it; a pod-level uid for the others would reach it too
                c.notChanged(k.mapping(), c.subject(k), "may run as root", c.imageName(k));
                othersUnset = true;
                continue;
            }
            String uid = facts.known() && facts.nonRootUid() != null ? facts.nonRootUid() : p.uid();
            if (uid.isBlank()) {
                uid = p.kubernetesUid();
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
                        && Lookup.scalar(c.podSpec(), "securityContext", "fsGroup").isEmpty()) {
                    String gid = group(uid);
                    c.set(c.podSecurityContext(), "fsGroup", Scalar.integer(Long.parseLong(gid)));
                    done += " and the pod's fsGroup: " + gid;
                }
                return done + uidSource(c, k, uid);
            });
        }
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

    /**
     * A Windows pod has no numeric users: the API server rejects runAsUser there. Its non-root user is
     * {@code windowsOptions.runAsUserName}, and {@code ContainerUser} is the one every Windows base
     * image has besides {@code ContainerAdministrator}.
     */
    private static void windowsNonRootUser(PodCheck c) throws YamlException {
        boolean hostProcess = Lookup.isTrue(Lookup.scalar(c.podSpec(), "securityContext", "windowsOptions", "hostProcess"));
        boolean unnamed = false;
        for (Workload.Container k : c.containers()) {
            Optional<Scalar> own = Lookup.scalar(k.mapping(), "securityContext", "windowsOptions", "runAsUserName");
            hostProcess |= Lookup.isTrue(Lookup.scalar(k.mapping(), "securityContext", "windowsOptions", "hostProcess"));
            if (own.isPresent() && own.get().value().equalsIgnoreCase(Users.WINDOWS_ADMIN)) {
                c.open(own.get(), c.subject(k), "runs as " + Users.WINDOWS_ADMIN + " because windowsOptions.runAsUserName says so", false);
            }
            unnamed |= own.isEmpty();
        }
        Optional<Scalar> pod = Lookup.scalar(c.podSpec(), "securityContext", "windowsOptions", "runAsUserName");
        if (pod.isPresent()) {
            if (pod.get().value().equalsIgnoreCase(Users.WINDOWS_ADMIN)) {
                c.open(pod.get(), c.subject(), "runs as " + Users.WINDOWS_ADMIN + " because windowsOptions.runAsUserName says so", false);
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
        c.fix(c.location(), c.subject(), "runs as the image's Windows user, which may be " + Users.WINDOWS_ADMIN, () -> {
            c.set(c.editableIn(c.podSecurityContext(), "windowsOptions"), "runAsUserName", Scalar.string(Users.WINDOWS_USER));
            return "set windowsOptions.runAsUserName: " + Users.WINDOWS_USER + " (Windows pods take no runAsUser; " + Users.WINDOWS_USER
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
        if (parts.length > 1 && Lookup.scalar(sc, "runAsGroup").isEmpty()) {
            c.set(sc, "runAsGroup", Scalar.integer(Long.parseLong(parts[1])));
            done += ", runAsGroup: " + parts[1];
        }
        if (pod && c.workload().hasPersistentVolumes() && Lookup.scalar(sc, "fsGroup").isEmpty()) {
            String gid = group(uid);
            c.set(sc, "fsGroup", Scalar.integer(Long.parseLong(gid)));
            done += ", fsGroup: " + gid + " (so it can write its volumes)";
        }
        return done;
    }
}
