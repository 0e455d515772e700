package dev.harden.manifest;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a file was taken as, and why: a Compose file by its name or by a shape only Compose files
 * have, Kubernetes manifests by their objects, or neither (with the line that decided it).
 *
 * @param kind what the file was taken as
 * @param compose the Compose view when {@code kind} is COMPOSE, else null
 * @param kubernetes the Kubernetes view when {@code kind} is KUBERNETES, else null
 * @param why why the file was taken as what it was taken as
 * @param line for NEITHER, the line that decided it (1-based); else 1
 * @param column for NEITHER, the column that decided it (1-based); else 1
 */
public record Recognition(Kind kind, ComposeFile compose, KubernetesFile kubernetes, String why, int line, int column) {
    /** What a file can be taken as. */
    public enum Kind { COMPOSE, KUBERNETES, NEITHER }

    /**
     * The names {@code docker compose} looks for, their overrides ({@code compose.override.yaml},
     * {@code docker-compose.prod.yml}) and names that say Compose ({@code app.compose.yaml}, {@code dev-compose.yml}).
     */
    private static final Pattern COMPOSE_NAME =
            Pattern.compile("(.*[._-])?compose([._-].*)?\\.(ya?ml|json)");
    /** The top-level keys of the Compose Specification besides {@code services}, and extensions ({@code x-}). */
    private static final Set<String> COMPOSE_TOP = Set.of("version", "name", "include", "services", "networks",
            "volumes", "configs", "secrets", "models");
    private static final Set<String> SERVICE_MARKERS = Set.of("image", "build", "extends");
    /** A service's keys in the Compose Specification, and the format 2 keys it dropped. */
    private static final Set<String> SERVICE_KEYS = Set.of("annotations", "attach", "blkio_config", "build", "cap_add",
            "cap_drop", "cgroup", "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
            "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset",
            "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
            "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose", "extends", "external_links",
            "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels",
            "label_file", "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
            "memswap_limit", "models", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid",
            "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles", "provider",
            "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size",
            "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits",
            "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from", "volume_driver", "working_dir");

    /** A Compose file or Kubernetes manifests, and why. */
    Recognition(Kind kind, ComposeFile compose, KubernetesFile kubernetes, String why) {
        this(kind, compose, kubernetes, why, 1, 1);
    }

    /** Whether a file name alone says Compose. */
    public static boolean composeName(String fileName) {
        return COMPOSE_NAME.matcher(fileName.toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * Recognises a parsed file.
     *
     * @param fileName the file's own name (no folder), which can say Compose
     */
    public static Recognition of(YamlFile yaml, String fileName) {
        boolean byName = composeName(fileName);
        Mapping root = !yaml.documents().isEmpty() && yaml.documents().get(0) instanceof Mapping m ? m : null;
        if (root != null && root.get("apiVersion").isEmpty()) {
            Optional<Recognition> compose = compose(yaml, root, byName);
            if (compose.isPresent()) {
                return compose.get();
            }
        }
        Optional<KubernetesFile> kubernetes = KubernetesFile.detect(yaml);
        if (kubernetes.isPresent()) {
            int n = kubernetes.get().objects().size();
            return new Recognition(Kind.KUBERNETES, null, kubernetes.get(),
                    n + (n == 1 ? " document" : " documents") + " with apiVersion, kind and metadata");
        }
        for (Node doc : yaml.documents()) {
            if (doc instanceof Mapping m && KubernetesFile.isTyped(m)) {
                return neither(yaml, m, "has 'apiVersion' and 'kind' but no 'metadata', so it is not a Kubernetes object"
                        + " (apiVersion " + text(m.get("apiVersion").get()) + ", kind " + text(m.get("kind").get()) + ")");
            }
        }
        if (byName) {
            return neither(yaml, root, "named like a Compose file, but has no top-level 'services' mapping to harden");
        }
        return new Recognition(Kind.NEITHER, null, null,
                "neither a Compose file (no top-level 'services') nor Kubernetes manifests (no 'apiVersion' and 'kind')");
    }

    private static Optional<Recognition> compose(YamlFile yaml, Mapping root, boolean byName) {
        Optional<Mapping.Entry> entry = root.entry("services");
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Node value = entry.get().value().resolve();
        List<String> foreign = new ArrayList<>();
        for (Mapping.Entry e : root.entries()) {
            String key = e.keyText();
            if (key != null && !COMPOSE_TOP.contains(key) && !key.startsWith("x-") && !key.equals(Mapping.MERGE_KEY)) {
                foreign.add("'" + key + "'");
            }
        }
        if (!byName && !foreign.isEmpty()) {
            return Optional.of(neither(yaml, root, "has a top-level 'services' but also " + String.join(", ", foreign)
                    + ", which Compose files do not have, so it is not taken as one (name it compose.yaml if it is)"));
        }
        Node at = entry.get().key();
        if (value instanceof Scalar s && s.isNull() || value instanceof Mapping m && m.entries().isEmpty()) {
            return Optional.of(neither(yaml, at, "'services' is empty: there is no service to harden"));
        }
        if (!(value instanceof Mapping services)) {
            return Optional.of(neither(yaml, at, "'services' must map service names to services, not hold "
                    + (value instanceof Sequence ? "a list" : "a single value")));
        }
        if (byName) {
            return Optional.of(new Recognition(Kind.COMPOSE, ComposeFile.of(yaml, root), null, "by name"));
        }
        boolean marked = services.entries().stream().map(e -> e.value().resolve())
                .anyMatch(v -> v instanceof Mapping m && SERVICE_MARKERS.stream().anyMatch(k -> m.lookup(k).isPresent()));
        String unknown = services.entries().stream().map(e -> e.value().resolve())
                .flatMap(v -> v instanceof Mapping m ? m.entries().stream() : java.util.stream.Stream.empty())
                .map(Mapping.Entry::keyText)
                .filter(k -> k != null && !SERVICE_KEYS.contains(k) && !k.startsWith("x-") && !k.equals(Mapping.MERGE_KEY))
                .findFirst().orElse(null);
        if (!marked && unknown != null) {
            return Optional.of(neither(yaml, at, "no service under 'services' has 'image', 'build' or 'extends', and '"
                    + unknown + "' is not a Compose service key, so it is not taken as a Compose file (name it"
                    + " compose.yaml if it is)"));
        }
        if (!marked) {
            return Optional.of(new Recognition(Kind.COMPOSE, ComposeFile.of(yaml, root), null,
                    "by shape: only Compose keys at the top and in its services"));
        }
        return Optional.of(new Recognition(Kind.COMPOSE, ComposeFile.of(yaml, root), null,
                "by shape: services with 'image' or 'build', and only Compose keys at the top"));
    }

    private static Recognition neither(YamlFile yaml, Node at, String reason) {
        int line = at == null ? 1 : yaml.line(at.start());
        int column = at == null ? 1 : yaml.column(at.start());
        return new Recognition(Kind.NEITHER, null, null, reason, line, column);
    }

    private static String text(Node n) {
        return n instanceof Scalar s ? s.value() : "?";
    }
}
