package dev.harden.manifest;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlFile;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names a manifest uses that must be defined in it: a Kubernetes container's volume mounts name
 * the pod's volumes, a Compose service's named volumes and networks name top-level ones.
 */
public final class References {
    private References() {
    }

    /**
     * Every such name that nothing defines, one sentence each (without positions, so the sets of
     * two versions of a file compare). A Compose file may rely on another file of the project for a
     * definition, so callers compare against the file before a change rather than expect none.
     */
    public static Set<String> dangling(YamlFile yaml, List<PodSpecPath> podSpecPaths) {
        return new LinkedHashSet<>(danglingUses(yaml, podSpecPaths).keySet());
    }

    /** {@link #dangling}'s sentences, each with the node of its first use (a mount, a network), for its position. */
    public static Map<String, Node> danglingUses(YamlFile yaml, List<PodSpecPath> podSpecPaths) {
        Map<String, Node> out = new LinkedHashMap<>();
        Optional<ComposeFile> compose = ComposeFile.detect(yaml);
        if (compose.isPresent()) {
            compose(compose.get(), out);
            return out;
        }
        KubernetesFile.detect(yaml).ifPresent(k -> kubernetes(k, podSpecPaths, out));
        return out;
    }

    private static void kubernetes(KubernetesFile file, List<PodSpecPath> podSpecPaths, Map<String, Node> out) {
        for (Workload w : file.workloads(podSpecPaths)) {
            Set<String> volumes = new LinkedHashSet<>();
            for (Mapping v : w.volumes()) {
                Workload.text(v, "name").ifPresent(volumes::add);
            }
            for (Workload.Container c : w.containers()) {
                for (String field : List.of("volumeMounts", "volumeDevices")) {
                    for (Node item : items(c.mapping().lookup(field).map(Mapping.Found::value).orElse(null))) {
                        if (item instanceof Mapping m) {
                            Workload.text(m, "name").filter(n -> !volumes.contains(n)).ifPresent(n -> out.putIfAbsent(
                                    w.label() + "/" + c.name() + " mounts volume '" + n + "', which the pod does not define", m));
                        }
                    }
                }
            }
        }
    }

    private static void compose(ComposeFile file, Map<String, Node> out) {
        Set<String> volumes = topLevelNames(file.root(), "volumes");
        Set<String> networks = topLevelNames(file.root(), "networks");
        for (ComposeService s : file.services()) {
            for (ComposeService.Mount m : s.mounts()) {
                boolean volumeType = !(m.node().resolve() instanceof Mapping longSyntax)
                        || Workload.text(longSyntax, "type").map("volume"::equals).orElse(false);
                if (volumeType && m.source().matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*") && !volumes.contains(m.source())) {
                    out.putIfAbsent("service " + s.name() + " uses volume '" + m.source() + "', which the file does not define",
                            m.node());
                }
            }
            Node nets = s.get("networks").orElse(null);
            Map<String, Node> used = new LinkedHashMap<>();
            if (nets instanceof Mapping m) {
                m.entries().forEach(e -> used.putIfAbsent(e.keyText(), e.key()));
            } else {
                for (Node item : items(nets)) {
                    if (item instanceof Scalar sc) {
                        used.putIfAbsent(sc.value(), sc);
                    }
                }
            }
            for (Map.Entry<String, Node> n : used.entrySet()) {
                if (n.getKey() != null && !n.getKey().equals("default") && !networks.contains(n.getKey())) {
                    out.putIfAbsent("service " + s.name() + " joins network '" + n.getKey() + "', which the file does not define",
                            n.getValue());
                }
            }
        }
    }

    private static Set<String> topLevelNames(Mapping root, String key) {
        Set<String> names = new LinkedHashSet<>();
        root.lookup(key).map(f -> f.value().resolve()).filter(n -> n instanceof Mapping)
                .ifPresent(n -> ((Mapping) n).entries().forEach(e -> names.add(e.keyText())));
        return names;
    }

    private static List<Node> items(Node n) {
        Node r = n == null ? null : n.resolve();
        return r instanceof Sequence s ? s.items().stream().map(Node::resolve).toList() : List.of();
    }
}
