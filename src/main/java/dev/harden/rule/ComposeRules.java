package dev.harden.rule;

import static dev.harden.manifest.Quantities.bytes;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageRef;
import dev.harden.manifest.ComposeService;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The Compose side of every rule, by rule id. */
final class ComposeRules {
    private static final Pattern ROOT_USER = Pattern.compile("(root|0)(:.*)?");
    private static final Pattern NO_NEW_PRIVILEGES = Pattern.compile("no-new-privileges([:=]true)?");
    private static final Pattern NO_NEW_PRIVILEGES_OFF = Pattern.compile("no-new-privileges[:=]false");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|token|secret).*|.*_key|key");
    /** Values such as MYSQL_ALLOW_EMPTY_PASSWORD=yes or SERVER_TOKENS=off are switches, not secrets. */
    private static final Pattern SWITCH_VALUE = Pattern.compile("(?i)yes|no|true|false|on|off|[01]|\"(yes|no|true|false|on|off|[01])\"");
    private static final Set<String> DOCKER_SOCKETS = Set.of("/var/run/docker.sock", "/run/docker.sock");
    /** Host folders that hold the Docker socket, so mounting one mounts the socket. */
    private static final Set<String> SOCKET_FOLDERS = Set.of("/", "/var", "/var/run", "/run");
    private static final Pattern BLOCK_DEVICE = Pattern.compile(
            "/dev/((sd|hd|vd|xvd)[a-z]+|nvme[0-9]+(n[0-9]+)?|mmcblk[0-9]+|dm-[0-9]+|md[0-9]+|loop[0-9]+)(p?[0-9]+)?|/dev/(mapper|disk)(/.*)?");
    /** What the capabilities people add most often beyond Docker's default set allow. */
    private static final Map<String, String> CAPABILITY_RISKS = Map.ofEntries(
            Map.entry("ALL", "which grants every capability, as privileged: true does"),
            Map.entry("SYS_ADMIN", "which allows mounting filesystems and much of what root can do on the host"),
            Map.entry("SYS_MODULE", "which allows loading modules into the host's kernel"),
            Map.entry("SYS_RAWIO", "which allows raw access to devices and memory"),
            Map.entry("SYS_PTRACE", "which allows tracing other processes and reading their memory"),
            Map.entry("SYS_BOOT", "which allows rebooting the host"),
            Map.entry("SYS_TIME", "which allows setting the host's clock"),
            Map.entry("NET_ADMIN", "which allows reconfiguring interfaces, routes and firewall rules"),
            Map.entry("DAC_READ_SEARCH", "which allows reading any file and opening host files by handle"),
            Map.entry("BPF", "which allows loading BPF programs into the kernel"),
            Map.entry("MAC_ADMIN", "which allows changing the AppArmor or SELinux policy"),
            Map.entry("SYSLOG", "which allows reading the kernel log and its addresses"));

    static final Map<String, ComposeRule> BY_ID = Map.ofEntries(
            Map.entry("non-root-user", ComposeRules::nonRootUser),
            Map.entry("cap-drop-all", ComposeRules::capDropAll),
            Map.entry("no-new-privileges", ComposeRules::noNewPrivileges),
            Map.entry("read-only-root-filesystem", ComposeRules::readOnlyRootFilesystem),
            Map.entry("resource-limits", ComposeRules::resourceLimits),
            Map.entry("pids-limit", ComposeRules::pidsLimit),
            Map.entry("added-capabilities-safe", ComposeRules::addedCapabilitiesSafe),
            Map.entry("privileged-disabled", ComposeRules::privilegedDisabled),
            Map.entry("host-namespaces-isolated", ComposeRules::hostNamespacesIsolated),
            Map.entry("docker-socket-unmounted", ComposeRules::dockerSocketUnmounted),
            Map.entry("seccomp-runtime-default", c -> reportSecurityOpt(c, "seccomp", "turns Docker's default seccomp profile off")),
            Map.entry("apparmor-enforced", c -> reportSecurityOpt(c, "apparmor", "turns AppArmor confinement off")),
            Map.entry("secrets-not-inline", ComposeRules::secretsNotInline),
            Map.entry("image-tag-pinned", ComposeRules::imageTagPinned),
            Map.entry("healthcheck-defined", ComposeRules::healthcheckDefined),
            Map.entry("internal-network", InternalNetwork::check),
            Map.entry("log-rotation", ComposeRules::logRotation),
            Map.entry("restart-policy", ComposeRules::restartPolicy));

    private ComposeRules() {
    }

    static boolean isRoot(String user) {
        return ROOT_USER.matcher(user.trim()).matches();
    }

    /** Whether the service's process starts as root: its {@code user:}, else the image's default. */
    static boolean startsAsRoot(ServiceCheck c) {
        String user = c.value("user");
        return user == null ? c.facts().startsAsRoot() : isRoot(user);
    }

    private static String imageName(ServiceCheck c) {
        return c.image().map(ImageRef::name).orElse(c.service().imageDescription());
    }

    private static String verifyHint(ServiceCheck c) {
        return c.facts().known() ? "" : "; image " + imageName(c) + " is unknown to harden: check it still starts (harden verify)";
    }

    static void nonRootUser(ServiceCheck c) throws YamlException {
        ComposeService s = c.service();
        String user = c.value("user");
        if (user != null) {
            if (isRoot(user)) {
                Scalar at = (Scalar) s.get("user").orElseThrow();
                c.open(at, "runs as root because user: " + c.quote(at) + " is set explicitly", false);
            }
            return;
        }
        ImageFacts facts = c.facts();
        if (facts.known() && (!facts.startsAsRoot() || facts.dropsPrivileges())) {
            return;
        }
        String uid = facts.known() ? facts.nonRootUid() : c.setting().param("uid");
        if (uid == null || uid.isBlank()) {
            String why = facts.known()
                    ? "image " + imageName(c) + " runs as root and harden knows no non-root user for it"
                    : "image " + imageName(c) + " is unknown to harden and may run as root; set user: to a non-root uid and check it starts (harden verify)";
            c.open(s.location(), why, false);
            return;
        }
        c.fix(s.location(), "runs as root", () -> {
            c.putOwn("user", Scalar.quoted(uid));
            return "set user: \"" + uid + "\"" + (facts.known() ? " (the image's non-root user)" : verifyHint(c));
        });
    }

    /** Capabilities the service needs back under cap_drop ALL. */
    static List<String> neededCapabilities(ServiceCheck c) {
        Set<String> caps = new LinkedHashSet<>();
        if (startsAsRoot(c)) {
            caps.addAll(c.facts().rootCapabilities());
            boolean hostNetwork = "host".equals(c.value("network_mode"));
            if (hostNetwork && c.facts().ports().stream().anyMatch(p -> p < 1024)) {
                caps.add("NET_BIND_SERVICE");
            }
        }
        return new ArrayList<>(caps);
    }

    private static String normaliseCap(String cap) {
        String upper = cap.trim().toUpperCase(Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }

    /**
     * A service that sets a root {@code user:} itself runs as root for work of its own (an init job
     * that chowns folders), unless its image is known to start as root and step down through its own
     * entrypoint: only then does harden know which capabilities that root work needs.
     */
    private static boolean explicitRootWorkUnknown(ServiceCheck c) {
        String user = c.value("user");
        if (user == null || !isRoot(user)) {
            return false;
        }
        ImageFacts facts = c.facts();
        return !(facts.known() && facts.startsAsRoot() && facts.dropsPrivileges() && c.service().get("entrypoint").isEmpty());
    }

    static void capDropAll(ServiceCheck c) throws YamlException {
        ComposeService s = c.service();
        boolean dropsAll = c.list("cap_drop").stream().anyMatch(x -> normaliseCap(x).equals("ALL"));
        if (dropsAll) {
            return;
        }
        Optional<Node> user = s.get("user");
        if (explicitRootWorkUnknown(c)) {
            c.open(user.orElse(s.location()), "keeps Docker's default capabilities; not dropped because user: "
                    + c.quote((Scalar) user.orElseThrow()) + " asks for root, and harden cannot tell which capabilities that"
                    + " root work needs: drop ALL and add back what it uses (a job that chowns folders needs CHOWN, often"
                    + " DAC_OVERRIDE and FOWNER)", false);
            return;
        }
        List<String> present = c.list("cap_add").stream().map(ComposeRules::normaliseCap).toList();
        List<String> missing = neededCapabilities(c).stream().filter(x -> !present.contains(x)).toList();
        c.fix(s.location(), "keeps Docker's default capabilities", () -> {
            c.ensureListItem("cap_drop", Scalar.plain("ALL"));
            for (String cap : missing) {
                c.ensureListItem("cap_add", Scalar.string(cap));
            }
            return "dropped all capabilities"
                    + (missing.isEmpty() ? "" : " and added back " + String.join(", ", missing) + ", which " + imageName(c)
                    + " needs to start as root and step down")
                    + verifyHint(c);
        });
    }

    /** Capabilities beyond the profile's allowed set (Docker's default set) are reported, never removed. */
    static void addedCapabilitiesSafe(ServiceCheck c) {
        Set<String> allowed = new LinkedHashSet<>();
        if (c.setting().params().get("allowed") instanceof List<?> l) {
            l.forEach(x -> allowed.add(normaliseCap(String.valueOf(x))));
        }
        for (Node item : items(c.service(), "cap_add")) {
            Scalar s = (Scalar) item;
            String cap = normaliseCap(c.value(s));
            if (!allowed.contains(cap)) {
                c.open(s, "adds capability " + c.quote(s) + ", " + CAPABILITY_RISKS.getOrDefault(cap,
                        "which Docker does not grant by default"), false);
            }
        }
    }

    static void noNewPrivileges(ServiceCheck c) throws YamlException {
        List<String> opts = c.list("security_opt");
        if (opts.stream().anyMatch(o -> NO_NEW_PRIVILEGES.matcher(o.trim()).matches())) {
            return;
        }
        ComposeService s = c.service();
        Optional<Node> off = items(s, "security_opt").stream()
                .filter(n -> NO_NEW_PRIVILEGES_OFF.matcher(c.value((Scalar) n).trim()).matches()).findFirst();
        if (off.isPresent()) {
            c.open(off.get(), "turns no-new-privileges off explicitly", false);
            return;
        }
        if (!c.facts().noNewPrivileges()) {
            c.exempt(s.location(), "may gain privileges through setuid binaries",
                    "image " + imageName(c) + " relies on setuid binaries that no-new-privileges disables");
            return;
        }
        boolean equalsForm = opts.stream().anyMatch(o -> o.matches("[a-z-]+=.*"));
        String opt = equalsForm ? "no-new-privileges=true" : "no-new-privileges:true";
        c.fix(s.location(), "may gain privileges through setuid binaries", () -> {
            c.ensureListItem("security_opt", Scalar.string(opt));
            return "added security_opt " + opt;
        });
    }

    static void readOnlyRootFilesystem(ServiceCheck c) throws YamlException {
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
            c.exempt(s.location(), "has a writable root filesystem", "image " + imageName(c)
                    + " is known to need a writable root filesystem" + (facts.notes() == null ? "" : ": " + facts.notes()));
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
        String size = c.setting().param("tmpfsSize");
        c.fix(s.location(), "has a writable root filesystem", () -> {
            c.putOwn("read_only", Scalar.bool(true));
            for (String path : paths) {
                c.ensureListItem("tmpfs", Scalar.string(size.isBlank() ? path : path + ":size=" + size));
            }
            return "made the root filesystem read-only"
                    + (paths.isEmpty() ? "" : " with tmpfs at " + String.join(", ", paths))
                    + verifyHint(c);
        });
    }

    static void resourceLimits(ServiceCheck c) throws YamlException {
        ComposeService s = c.service();
        boolean legacy = c.file().legacyFormat();
        Optional<Mapping> deploy = s.get("deploy").filter(n -> n instanceof Mapping).map(n -> (Mapping) n);
        Optional<Mapping> resources = deploy.flatMap(d -> lookupMapping(d, "resources"));
        Optional<Mapping> limits = resources.flatMap(r -> lookupMapping(r, "limits"));
        Optional<Mapping> reservations = resources.flatMap(r -> lookupMapping(r, "reservations"));
        boolean hasMemory = s.get("mem_limit").isPresent() || limits.flatMap(l -> l.lookup("memory")).isPresent();
        boolean hasCpus = s.get("cpus").isPresent() || s.get("cpu_quota").isPresent()
                || limits.flatMap(l -> l.lookup("cpus")).isPresent();
        String profileMemory = c.setting().param("memory");
        Optional<JvmHeap.Need> heap = JvmHeap.of(jvmSettings(s));
        if (heap.isPresent()) {
            Long set = bytes(s.value("mem_limit"));
            if (set == null) {
                set = limits.flatMap(l -> l.lookup("memory")).map(f -> f.value().resolve())
                        .filter(n -> n instanceof Scalar).map(n -> bytes(((Scalar) n).value())).orElse(null);
            }
            if (set != null && set < heap.get().minimum()) {
                c.open(s.location(), "has a memory limit that leaves less than 64 MiB beyond its own " + heap.get().flag()
                        + ": the JVM needs more than its heap and will be killed when the heap fills (about "
                        + heap.get().limitMi() + "M leaves it room)", false);
            }
        }
        Long profileBytes = bytes(profileMemory);
        String memory = heap.isPresent() && profileBytes != null && profileBytes < heap.get().limit()
                ? heap.get().limitMi() + "M" : profileMemory;
        String reservation = c.setting().param("memoryReservation");
        String cpus = c.setting().param("cpus");
        Long limitBytes = bytes(c.value("mem_limit"));
        if (limitBytes == null) {
            limitBytes = limits.flatMap(l -> l.lookup("memory")).map(f -> f.value().resolve())
                    .filter(n -> n instanceof Scalar).map(n -> bytes(c.value((Scalar) n))).orElse(null);
        }
        Long effectiveLimit = hasMemory ? limitBytes : bytes(memory);
        boolean hasReservation = s.get("mem_reservation").isPresent()
                || reservations.flatMap(r -> r.lookup("memory")).isPresent();
        Long reservationBytes = bytes(reservation);
        // a reservation above the limit makes the engine refuse the container
        boolean needsReservation = !hasReservation && !reservation.isBlank() && reservationBytes != null
                && (effectiveLimit == null ? !hasMemory : reservationBytes <= effectiveLimit);
        if (hasMemory && hasCpus && !needsReservation) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!hasCpus) {
            missing.add("CPU limit");
        }
        if (!hasMemory) {
            missing.add("memory limit");
        }
        if (needsReservation) {
            missing.add("memory reservation");
        }
        String what = missing.size() == 1 ? missing.get(0)
                : String.join(", ", missing.subList(0, missing.size() - 1)) + " or " + missing.get(missing.size() - 1);
        c.fix(s.location(), "has no " + what, () -> {
            List<String> done = new ArrayList<>();
            if (legacy) {
                Mapping own = c.editable();
                if (!hasCpus) {
                    c.putIn(own, "cpus", Scalar.string(cpus));
                    done.add("cpus: " + cpus);
                }
                if (!hasMemory) {
                    c.putIn(own, "mem_limit", Scalar.string(memory));
                    done.add("mem_limit: " + memory);
                }
                if (needsReservation) {
                    c.putIn(own, "mem_reservation", Scalar.string(reservation));
                    done.add("mem_reservation: " + reservation);
                }
            } else {
                Mapping res = c.editableIn(c.editableChild("deploy"), "resources");
                if (!hasCpus || !hasMemory) {
                    Mapping lim = c.editableIn(res, "limits");
                    if (!hasCpus) {
                        c.putIn(lim, "cpus", Scalar.string(cpus));
                        done.add("cpus " + cpus);
                    }
                    if (!hasMemory) {
                        c.putIn(lim, "memory", Scalar.string(memory));
                        done.add("memory " + memory);
                    }
                }
                if (needsReservation) {
                    c.putIn(c.editableIn(res, "reservations"), "memory", Scalar.string(reservation));
                    done.add("reserved memory " + reservation);
                }
            }
            return "limited " + String.join(", ", done) + (heap.isPresent() && !hasMemory
                    ? " (the memory limit leaves room for its " + heap.get().flag() + " and the JVM's own memory)" : "")
                    + " (tune these to the service)";
        });
    }

    /** The texts a JVM service names its heap in: its command, entrypoint and environment values. */
    private static List<String> jvmSettings(ComposeService s) {
        List<String> texts = new ArrayList<>();
        for (String key : List.of("command", "entrypoint")) {
            String text = s.text(key);
            if (text != null) {
                texts.add(text);
            }
            texts.addAll(s.list(key));
        }
        s.get("environment").map(Node::resolve).ifPresent(env -> {
            if (env instanceof Mapping m) {
                for (Mapping.Entry e : m.entries()) {
                    if (e.value().resolve() instanceof Scalar v) {
                        texts.add(v.value());
                    }
                }
            } else if (env instanceof Sequence seq) {
                for (Node item : seq.items()) {
                    if (item.resolve() instanceof Scalar v) {
                        texts.add(v.value());
                    }
                }
            }
        });
        return texts;
    }

    private static Optional<Mapping> lookupMapping(Mapping m, String key) {
        return m.lookup(key).map(f -> f.value().resolve()).filter(n -> n instanceof Mapping).map(n -> (Mapping) n);
    }

    static void pidsLimit(ServiceCheck c) throws YamlException {
        ComposeService s = c.service();
        Optional<Node> pids = s.get("pids_limit");
        if (pids.isEmpty()) {
            pids = s.get("deploy").filter(n -> n instanceof Mapping).flatMap(d -> lookupMapping((Mapping) d, "resources"))
                    .flatMap(r -> lookupMapping(r, "limits")).flatMap(l -> l.lookup("pids")).map(f -> f.value().resolve());
        }
        if (pids.isPresent()) {
            if (pids.get() instanceof Scalar v && (c.value(v).equals("0") || c.value(v).startsWith("-"))) {
                c.open(v, "sets an unlimited pids limit (" + c.quote(v) + ")", false);
            }
            return;
        }
        long limit = c.setting().longParam("limit");
        c.fix(s.location(), "has no pids limit", () -> {
            c.putOwn("pids_limit", Scalar.integer(limit));
            return "limited processes with pids_limit: " + limit;
        });
    }

    /** The scalar items of a list value, aliases resolved; a single scalar counts as one item. */
    private static List<Node> items(ComposeService s, String key) {
        List<Node> out = new ArrayList<>();
        Optional<Node> value = s.get(key);
        if (value.isPresent() && value.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar sc) {
                    out.add(sc);
                }
            }
        } else if (value.isPresent() && value.get() instanceof Scalar sc && !sc.isNull()) {
            out.add(sc);
        }
        return out;
    }

    static void privilegedDisabled(ServiceCheck c) {
        reportValue(c, "privileged", "true", "runs privileged: it holds every capability and host device");
        Optional<Node> devices = c.service().get("devices");
        if (devices.isEmpty() || !(devices.get() instanceof Sequence seq)) {
            return;
        }
        for (Node item : seq.items()) {
            Node n = item.resolve();
            String spec = n instanceof Scalar s ? c.value(s) : n instanceof Mapping m
                    ? m.get("source").filter(x -> x instanceof Scalar).map(x -> c.value((Scalar) x)).orElse("") : "";
            String host = hostPath(spec.split(":", 2)[0]);
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

    /** An absolute host path with {@code //}, {@code .}, {@code ..} and a trailing slash resolved; null when relative. */
    static String hostPath(String path) {
        String p = path.trim();
        if (!p.startsWith("/")) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    static void reportValue(ServiceCheck c, String key, String bad, String message) {
        Optional<Node> v = c.service().get(key);
        if (v.isPresent() && v.get() instanceof Scalar s && c.value(s).equalsIgnoreCase(bad)) {
            boolean variable = !c.value(s).equals(s.value());
            c.open(s, message + (variable ? " (" + key + ": " + s.value() + " = " + c.value(s) + ")" : ""), false);
        }
    }

    static void hostNamespacesIsolated(ServiceCheck c) {
        reportValue(c, "network_mode", "host", "shares the host's network namespace (network_mode: host)");
        reportValue(c, "pid", "host", "shares the host's process namespace (pid: host)");
        reportValue(c, "ipc", "host", "shares the host's IPC namespace (ipc: host)");
        reportValue(c, "uts", "host", "shares the host's UTS namespace (uts: host)");
        reportValue(c, "userns_mode", "host", "shares the host's user namespace (userns_mode: host)");
    }

    static void reportSecurityOpt(ServiceCheck c, String option, String message) {
        Optional<Node> opts = c.service().get("security_opt");
        if (opts.isPresent() && opts.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar s && c.value(s).trim().matches(option + "[:=]unconfined")) {
                    c.open(s, message + " (" + c.quote(s) + ")", false);
                }
            }
        }
    }

    static void dockerSocketUnmounted(ServiceCheck c) {
        for (ComposeService.Mount m : c.service().mounts()) {
            String source = hostPath(m.source());
            if (source != null && SOCKET_FOLDERS.contains(source)) {
                c.open(m.node(), "mounts " + (source.equals("/") ? "the host's root filesystem (" + m.source() + ")"
                        : "the host folder " + m.source()) + ", which holds the Docker socket and so gives control of the host", false);
            } else if (source != null && (DOCKER_SOCKETS.contains(source) || source.endsWith("/docker.sock"))
                    || DOCKER_SOCKETS.contains(String.valueOf(hostPath(m.target())))) {
                c.open(m.node(), "mounts the Docker socket (" + m.source() + "), which gives control of the host", false);
            }
        }
    }

    static void secretsNotInline(ServiceCheck c) {
        Optional<Node> env = c.service().get("environment");
        if (env.isEmpty()) {
            return;
        }
        if (env.get() instanceof Mapping m) {
            for (Mapping.Entry e : m.entries()) {
                String key = e.keyText();
                if (key != null && e.value().resolve() instanceof Scalar v && isLiteralSecret(key, v.value()) && !v.isNull()) {
                    c.open(e.value(), "has a literal secret in environment " + key + "; use ${" + key + "} or secrets:", false);
                }
            }
        } else if (env.get() instanceof Sequence seq) {
            for (Node item : seq.items()) {
                if (item.resolve() instanceof Scalar s && s.value().contains("=")) {
                    String[] kv = s.value().split("=", 2);
                    if (isLiteralSecret(kv[0].trim(), kv[1])) {
                        c.open(s, "has a literal secret in environment " + kv[0].trim() + "; use ${" + kv[0].trim() + "} or secrets:", false);
                    }
                }
            }
        }
    }

    private static boolean isLiteralSecret(String key, String value) {
        String v = value.trim();
        return SECRET_NAME.matcher(key).matches() && !key.toUpperCase(Locale.ROOT).endsWith("_FILE")
                && !v.isEmpty() && !v.contains("${") && !v.startsWith("$") && !v.startsWith("/run/secrets/")
                && !SWITCH_VALUE.matcher(v).matches();
    }

    static void imageTagPinned(ServiceCheck c) {
        String written = c.service().image();
        if (written == null || c.image().isEmpty()) {
            return;
        }
        Node at = c.service().get("image").orElse(null);
        ImageTagPinned.check(c, c.pins(), at, c.service().name(), written, c.image().get(), c.service().get("build").isPresent());
    }

    static void healthcheckDefined(ServiceCheck c) {
        Optional<Node> hc = c.service().get("healthcheck");
        if (hc.isEmpty()) {
            c.open(c.service().location(), "has no healthcheck", false);
            return;
        }
        if (hc.get() instanceof Mapping m) {
            boolean disabled = m.get("disable").filter(n -> n instanceof Scalar s && s.value().equalsIgnoreCase("true")).isPresent()
                    || m.get("test").map(n -> n instanceof Scalar s ? s.value() : n instanceof Sequence q && !q.items().isEmpty()
                    && q.items().get(0).resolve() instanceof Scalar f ? f.value() : "").filter("NONE"::equals).isPresent();
            if (disabled) {
                c.open(hc.get(), "disables its healthcheck", false);
            }
        }
    }

    static void logRotation(ServiceCheck c) throws YamlException {
        ComposeService s = c.service();
        Optional<Node> logging = s.get("logging");
        String maxSize = c.setting().param("maxSize");
        String maxFile = c.setting().param("maxFile");
        if (logging.isEmpty()) {
            c.fix(s.location(), "keeps logs without rotation", () -> {
                Mapping options = Mapping.block().with("max-size", Scalar.string(maxSize)).with("max-file", Scalar.string(maxFile));
                c.putOwn("logging", Mapping.block().with("driver", Scalar.string("json-file")).with("options", options));
                return "rotated json-file logs at " + maxSize + " x " + maxFile;
            });
            return;
        }
        if (!(logging.get() instanceof Mapping m)) {
            return;
        }
        String driver = m.lookup("driver").map(f -> f.value().resolve()).filter(n -> n instanceof Scalar)
                .map(n -> ((Scalar) n).value()).orElse("json-file");
        if (!driver.equals("json-file")) {
            return;
        }
        Optional<Mapping> options = lookupMapping(m, "options");
        if (options.isPresent() && options.get().lookup("max-size").isPresent()) {
            return;
        }
        c.fix(logging.get(), "keeps json-file logs without rotation", () -> {
            Mapping opts = c.editableIn(c.editableChild("logging"), "options");
            c.putIn(opts, "max-size", Scalar.string(maxSize));
            if (opts.lookup("max-file").isEmpty()) {
                c.putIn(opts, "max-file", Scalar.string(maxFile));
            }
            return "rotated json-file logs at " + maxSize;
        });
    }

    static void restartPolicy(ServiceCheck c) throws YamlException {
        ComposeService s = c.service();
        boolean hasPolicy = s.get("restart").isPresent() || s.get("deploy").filter(n -> n instanceof Mapping)
                .flatMap(d -> ((Mapping) d).lookup("restart_policy")).isPresent();
        if (hasPolicy) {
            return;
        }
        String policy = c.setting().param("policy");
        c.fix(s.location(), "has no restart policy", () -> {
            c.putOwn("restart", Scalar.string(policy));
            return "set restart: " + policy;
        });
    }
}
