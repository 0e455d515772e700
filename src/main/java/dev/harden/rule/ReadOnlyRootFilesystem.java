package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** read-only-root-filesystem: the root filesystem read-only, with tmpfs (Kubernetes: emptyDir) where the image writes. */
final class ReadOnlyRootFilesystem extends Rule<ReadOnlyRootFilesystem.Params>
        implements ComposeRule<ReadOnlyRootFilesystem.Params>, KubernetesRule<ReadOnlyRootFilesystem.Params> {

    /**
     * @param tmpfsSize the size of each tmpfs (Kubernetes: emptyDir sizeLimit); empty for none
     * @param overrideExplicit whether {@code readOnlyRootFilesystem: false} written in a manifest is overridden rather than reported
     */
    record Params(String tmpfsSize, boolean overrideExplicit) { }

    ReadOnlyRootFilesystem() {
        super("read-only-root-filesystem");
    }

    @Override
    Params params(RuleSetting setting) {
        return new Params(setting.param("tmpfsSize"), RuleParams.overridesExplicit(setting));
    }

    @Override
    List<LogHint> logHints() {
        return List.of(new LogHint(LogSymptom.READ_ONLY_FILE_SYSTEM, 1), new LogHint(LogSymptom.PERMISSION_DENIED, 2));
    }

    @Override
    public void checkService(ServiceCheck c, Params p) throws YamlException {
        ComposeService s = c.service();
        Optional<Node> ro = s.get("read_only");
        if (ro.isPresent() && ro.get() instanceof Scalar v && !v.isNull()) {
            if (c.value(v).equalsIgnoreCase("true")) {
                return;
            }
            c.open(v, "read_only: " + c.quote(v) + " is set explicitly", false);
            return;
        }
        ImageFacts facts = c.facts();
        if (!facts.readOnlyRootFilesystem()) {
            c.exempt(s.location(), "has a writable root filesystem", "image " + c.imageName()
                    + " is known to need a writable root filesystem" + facts.sourceNote()
                    + (facts.notes() == null ? "" : ": " + facts.notes()));
            return;
        }
        List<String> mounts = s.mountTargets();
        List<String> existing = c.list("tmpfs").stream().map(t -> t.split(":", 2)[0]).toList();
        // /tmp always: programs, libraries and healthcheck scripts write temporary files there
        // whatever the image's own documentation says.
        List<String> writable = new ArrayList<>(facts.known() ? facts.writablePaths() : List.of());
        if (!writable.contains("/tmp")) {
            writable.add("/tmp");
        }
        List<String> paths = new ArrayList<>();
        for (String path : writable) {
            boolean covered = mounts.stream().anyMatch(m -> path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/"));
            if (!covered && !existing.contains(path)) {
                paths.add(path);
            }
        }
        String size = p.tmpfsSize();
        String owner = owner(facts, c.value("user"));
        c.fix(s.location(), "has a writable root filesystem", () -> {
            c.fillOwn("read_only", Scalar.bool(true));
            List<String> said = new ArrayList<>();
            for (String path : paths) {
                List<String> options = new ArrayList<>();
                if (!size.isBlank()) {
                    options.add("size=" + size);
                }
                boolean owned = owner != null && facts.ownedPaths().contains(path);
                if (owned) {
                    options.add("uid=" + owner.replace(":", ",gid="));
                }
                c.ensureListItem("tmpfs", Scalar.string(options.isEmpty() ? path : path + ":" + String.join(",", options)));
                said.add(owned ? path + " (owned by uid " + owner.split(":")[0] + ", as in the image)" : path);
            }
            return "made the root filesystem read-only"
                    + (paths.isEmpty() ? "" : " with tmpfs at " + String.join(", ", said))
                    + c.verifyHint();
        });
    }

    /**
     * The {@code uid:gid} a tmpfs over a path the image's user must own is made with: the non-root user the image
     * runs as from the start, unless the service sets another user; null when there is none.
     */
    private static String owner(ImageFacts facts, String user) {
        String image = facts.nonRootUid();
        if (!facts.known() || facts.startsAsRoot() || image == null || !image.matches("[0-9]+:[0-9]+")) {
            return null;
        }
        return user == null || user.equals(image) || user.equals(image.split(":")[0]) ? image : null;
    }

    @Override
    public void checkPod(PodCheck c, Params p) throws YamlException {
        if (c.windows()) {
            return;
        }
        for (Workload.Container k : c.containers()) {
            if (k.field().equals("ephemeralContainers")) {
                continue;
            }
            Optional<Scalar> ro = Lookup.scalar(k.mapping(), "securityContext", "readOnlyRootFilesystem");
            if (Lookup.isTrue(ro)) {
                continue;
            }
            ImageFacts facts = c.facts(k);
            if (ro.isEmpty() && !facts.readOnlyRootFilesystem()) {
                c.exempt(k.mapping(), c.subject(k), "has a writable root filesystem", "image " + c.imageName(k)
                        + " is known to need a writable root filesystem" + facts.sourceNote()
                        + (facts.notes() == null ? "" : ": " + facts.notes()));
                continue;
            }
            if (ro.isEmpty() && !facts.ownedPaths().isEmpty()) {
                // an emptyDir lets any user write, but it is root's: a user that chmods its own folder fails there
                c.exempt(k.mapping(), c.subject(k), "has a writable root filesystem", "image " + c.imageName(k) + " runs as uid "
                        + facts.runsAs() + ", which must own " + String.join(", ", facts.ownedPaths()) + ", and an emptyDir"
                        + " belongs to root: mount a volume there, then make the root read-only");
                continue;
            }
            List<String> mounts = new ArrayList<>();
            Optional<Node> vm = Lookup.at(k.mapping(), "volumeMounts");
            if (vm.isPresent() && vm.get() instanceof Sequence s) {
                for (Node item : s.items()) {
                    if (item.resolve() instanceof Mapping m) {
                        Lookup.scalar(m, "mountPath").ifPresent(path -> mounts.add(path.value()));
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
                c.overrideOrReport(p.overrideExplicit(), ro.get(), c.subject(k), "readOnlyRootFilesystem: " + ro.get().value()
                        + " is set explicitly", () -> mountAndSet(c, k, paths, p.tmpfsSize()));
                continue;
            }
            c.fix(k.mapping(), c.subject(k), "has a writable root filesystem", () -> {
                List<String> names = mountAndSet(c, k, paths, p.tmpfsSize());
                return "made the root filesystem read-only" + (paths.isEmpty() ? "" : " with emptyDir volumes "
                        + String.join(", ", names) + " at " + String.join(", ", paths)) + c.verifyHint(k);
            });
        }
    }

    /** Adds an emptyDir volume and a mount per path, then sets readOnlyRootFilesystem; the volume names. */
    private static List<String> mountAndSet(PodCheck c, Workload.Container k, List<String> paths, String size) throws YamlException {
        Set<String> taken = new HashSet<>();
        for (Mapping v : c.workload().volumes()) {
            Lookup.scalar(v, "name").ifPresent(n -> taken.add(n.value()));
        }
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
}
