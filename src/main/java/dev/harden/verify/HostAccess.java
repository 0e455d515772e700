package dev.harden.verify;

import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Plain;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What verify will not start unless host access is allowed: a container that could reach past its
 * own sandbox into the machine verify runs on. Privileged containers, host namespaces, devices,
 * capabilities beyond Docker's defaults, the engine's socket (or a folder holding it), and host
 * paths or env files outside the project folder (the Compose file's folder).
 */
final class HostAccess {
    /** The capabilities Docker gives a container by default (moby's {@code DefaultCapabilities}). */
    static final Set<String> DEFAULT_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
            "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    /** Compose keys whose value {@code host} shares one of the host's namespaces, and which. */
    private static final Map<String, String> NAMESPACES = Map.of("network_mode", "network", "pid", "process",
            "ipc", "IPC", "uts", "hostname", "userns_mode", "user", "cgroup", "cgroup");
    private static final List<String> NAMESPACE_ORDER = List.of("network_mode", "pid", "ipc", "uts", "userns_mode", "cgroup");

    private final List<Path> sockets;

    /** @param engineSocket the socket verify talks to, or null; Docker's usual sockets are always guarded */
    HostAccess(Path engineSocket) {
        Set<Path> all = new LinkedHashSet<>();
        for (Path p : engineSocket == null ? List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"))
                : List.of(engineSocket, Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"))) {
            all.add(p.toAbsolutePath().normalize());
            all.add(real(p));
        }
        this.sockets = List.copyOf(all);
    }

    /**
     * One thing verify refuses.
     *
     * @param line the 1-based line of the key or item that asks for it
     * @param subject the Compose service or {@code Kind/name}
     * @param reason what it asks for, in a few words
     */
    record Problem(int line, String subject, String reason) { }

    /** Whether {@code candidate}, with symbolic links followed as the engine follows them, lies inside {@code folder}. */
    static boolean inside(Path folder, Path candidate) {
        return real(candidate).startsWith(real(folder));
    }

    /** The path with every symbolic link of its longest existing part resolved. */
    static Path real(Path path) {
        Path p = path.toAbsolutePath().normalize();
        Path rest = null;
        while (p != null) {
            try {
                Path r = p.toRealPath();
                return rest == null ? r : r.resolve(rest).normalize();
            } catch (IOException e) {
                Path name = p.getFileName();
                if (name == null) {
                    break;
                }
                rest = rest == null ? name : name.resolve(rest);
                p = p.getParent();
            }
        }
        return path.toAbsolutePath().normalize();
    }

    /** Whether mounting {@code hostPath} would hand the container the engine: the socket itself or a folder above it. */
    boolean engineSocket(Path hostPath) {
        Path p = real(hostPath);
        if (p.getFileName() != null && p.getFileName().toString().equals("docker.sock")) {
            return true;
        }
        return sockets.stream().anyMatch(s -> s.startsWith(p));
    }

    /** The problems of every service of a Compose file, in file order. */
    List<Problem> compose(ComposeFile file, Path folder, ComposeTranslation translation) {
        YamlFile yaml = file.yaml();
        List<Problem> out = new ArrayList<>();
        for (ComposeService s : file.services()) {
            if (s.isFragment()) {
                continue;
            }
            String n = s.name();
            if ("true".equalsIgnoreCase(s.text("privileged"))) {
                out.add(new Problem(line(yaml, s.get("privileged")), n, "privileged: true gives it every capability and the host's devices"));
            }
            for (String key : NAMESPACE_ORDER) {
                if ("host".equalsIgnoreCase(s.text(key))) {
                    out.add(new Problem(line(yaml, s.get(key)), n, key + ": host shares the host's " + NAMESPACES.get(key) + " namespace"));
                }
            }
            for (Item item : items(s.get("cap_add"))) {
                String cap = capability(item.text());
                if (!DEFAULT_CAPABILITIES.contains(cap)) {
                    out.add(new Problem(yaml.line(item.node().start()), n, "cap_add: " + item.text()
                            + " is beyond Docker's default capabilities"));
                }
            }
            if (!items(s.get("devices")).isEmpty()) {
                out.add(new Problem(line(yaml, s.get("devices")), n, "devices: gives it devices of the host"));
            }
            for (ComposeService.Mount m : s.mounts()) {
                String source = translation.bindSource(Plain.of(m.node()));
                if (source == null) {
                    continue;
                }
                Path host = translation.hostPath(source);
                if (engineSocket(host)) {
                    out.add(new Problem(yaml.line(m.node().start()), n, "volumes: " + source + " hands it the Docker engine's socket"));
                } else if (!inside(folder, host)) {
                    out.add(new Problem(yaml.line(m.node().start()), n, "volumes: " + source + " is a host path outside the project folder"));
                }
            }
            for (Item item : envFiles(s.get("env_file"))) {
                Path envFile = folder.resolve(translation.interpolate(item.text()));
                if (!inside(folder, envFile)) {
                    out.add(new Problem(yaml.line(item.node().start()), n, "env_file: " + item.text() + " is outside the project folder"));
                }
            }
        }
        return out;
    }

    /** The problems of every workload of a Kubernetes file. */
    List<Problem> kubernetes(YamlFile yaml, List<Workload> workloads) {
        List<Problem> out = new ArrayList<>();
        for (Workload w : workloads) {
            for (String key : List.of("hostNetwork", "hostPID", "hostIPC")) {
                Optional<Node> v = w.podSpec().get(key);
                if (v.isPresent() && v.get().resolve() instanceof Scalar sc && "true".equalsIgnoreCase(sc.value())) {
                    out.add(new Problem(yaml.line(v.get().start()), w.label(), key + ": true shares a namespace of the host"));
                }
            }
            for (Workload.Container c : w.containers()) {
                if (c.field().equals("ephemeralContainers") || c.mapping() == null) {
                    continue;
                }
                Optional<Node> sec = c.mapping().get("securityContext").map(Node::resolve);
                if (sec.isEmpty() || !(sec.get() instanceof Mapping security)) {
                    continue;
                }
                Optional<Node> privileged = security.get("privileged");
                if (privileged.isPresent() && privileged.get().resolve() instanceof Scalar sc && "true".equalsIgnoreCase(sc.value())) {
                    out.add(new Problem(yaml.line(privileged.get().start()), w.label() + "/" + c.name(),
                            "privileged: true gives it every capability and the host's devices"));
                }
                Optional<Node> caps = security.get("capabilities").map(Node::resolve);
                if (caps.isPresent() && caps.get() instanceof Mapping m) {
                    for (Item item : items(m.get("add"))) {
                        if (!DEFAULT_CAPABILITIES.contains(capability(item.text()))) {
                            out.add(new Problem(yaml.line(item.node().start()), w.label() + "/" + c.name(),
                                    "capabilities.add: " + item.text() + " is beyond Docker's default capabilities"));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The last guard before a container is created: what it would get from the host, or null when
     * nothing. {@code folder} is the project folder, or null when the spec may have no bind mount.
     */
    String spec(ContainerSpec spec, Path folder) {
        if (spec.privileged()) {
            return spec.service() + ": it would run privileged";
        }
        for (String cap : spec.capAdd()) {
            if (!DEFAULT_CAPABILITIES.contains(capability(cap))) {
                return spec.service() + ": it would get capability " + cap + ", beyond Docker's defaults";
            }
        }
        for (ContainerSpec.Mount m : spec.mounts()) {
            if (m.volume()) {
                continue;
            }
            Path host = Path.of(m.source());
            if (engineSocket(host)) {
                return spec.service() + ": it would get the Docker engine's socket (" + m.source() + ")";
            }
            if (folder == null || !inside(folder, host)) {
                return spec.service() + ": it would get host path " + m.source() + ", outside the project folder";
            }
        }
        return null;
    }

    /** {@code cap_sys_admin}, {@code CAP_SYS_ADMIN} and {@code SYS_ADMIN} are one capability. */
    private static String capability(String text) {
        String c = text.trim().toUpperCase(Locale.ROOT);
        return c.startsWith("CAP_") ? c.substring(4) : c;
    }

    /** A list item with its text: where it is and what it says. */
    record Item(Node node, String text) { }

    private static List<Item> items(Optional<Node> value) {
        List<Item> out = new ArrayList<>();
        if (value.isEmpty()) {
            return out;
        }
        Node v = value.get().resolve();
        if (v instanceof Sequence s) {
            for (Node item : s.items()) {
                if (item.resolve() instanceof Scalar sc && !sc.isNull()) {
                    out.add(new Item(item, sc.value()));
                } else if (item.resolve() instanceof Mapping) {
                    out.add(new Item(item, ""));
                }
            }
        } else if (v instanceof Scalar sc && !sc.isNull()) {
            out.add(new Item(v, sc.value()));
        }
        return out;
    }

    /** env_file items: a path, or (Compose 2.24+) a mapping with {@code path}. */
    static List<Item> envFiles(Optional<Node> value) {
        List<Item> out = new ArrayList<>();
        for (Item item : items(value)) {
            if (item.node().resolve() instanceof Mapping m) {
                String path = text(m.get("path"));
                if (path != null) {
                    out.add(new Item(item.node(), path));
                }
            } else {
                out.add(item);
            }
        }
        return out;
    }

    private static String text(Optional<Node> n) {
        return n.isPresent() && n.get().resolve() instanceof Scalar sc && !sc.isNull() ? sc.value() : null;
    }

    private static int line(YamlFile yaml, Optional<Node> node) {
        return node.map(n -> yaml.line(Math.max(0, n.start()))).orElse(1);
    }
}
