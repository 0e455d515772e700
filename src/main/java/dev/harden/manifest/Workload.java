package dev.harden.manifest;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One object that carries a pod spec, whatever its kind.
 *
 * @param object the object's mapping (a document, or an item of a {@code List})
 * @param template the mapping holding the pod's {@code metadata} and {@code spec}: the object itself
 *                 for a Pod, its pod template otherwise
 * @param podSpec the pod spec
 * @param specKey the key under which {@code template} holds the pod spec ({@code spec} for every kind harden knows)
 */
public record Workload(Mapping object, Mapping template, Mapping podSpec, String specKey) {
    /** The fields of a pod spec that hold containers, in the order the kubelet starts them. */
    public static final List<String> CONTAINER_FIELDS = List.of("initContainers", "containers", "ephemeralContainers");

    /**
     * One container of the pod.
     *
     * @param field {@code containers}, {@code initContainers} or {@code ephemeralContainers}
     * @param item the sequence item as written (an alias when the container is shared)
     * @param mapping the container's mapping, aliases resolved
     */
    public record Container(String field, Node item, Mapping mapping) {
        public String name() {
            return text(mapping, "name").orElse(field + "[?]");
        }

        public Optional<String> image() {
            return text(mapping, "image");
        }
    }

    public String kind() {
        return KubernetesFile.kind(object);
    }

    public String name() {
        return metadata(object).flatMap(m -> text(m, "name")).orElse("");
    }

    /** The namespace written in the object, or empty when it is left to the client. */
    public Optional<String> namespace() {
        return metadata(object).flatMap(m -> text(m, "namespace"));
    }

    /** {@code Kind/name}, as reports name the workload. */
    public String label() {
        return kind() + "/" + name();
    }

    /** The labels of the pods this workload creates. */
    public Map<String, String> podLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        metadata(template).flatMap(m -> m.lookup("labels")).map(f -> f.value().resolve())
                .filter(n -> n instanceof Mapping).ifPresent(n -> {
                    for (String key : ((Mapping) n).effectiveKeys()) {
                        text((Mapping) n, key).ifPresent(v -> labels.put(key, v));
                    }
                });
        return labels;
    }

    /** Annotations of the object and of its pod template, the object's winning. */
    public Map<String, String> annotations() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Mapping holder : template == object ? List.of(object) : List.of(template, object)) {
            metadata(holder).flatMap(m -> m.lookup("annotations")).map(f -> f.value().resolve())
                    .filter(n -> n instanceof Mapping).ifPresent(n -> {
                        for (String key : ((Mapping) n).effectiveKeys()) {
                            text((Mapping) n, key).ifPresent(v -> out.put(key, v));
                        }
                    });
        }
        return out;
    }

    /** Every container of the pod: init containers, containers, ephemeral containers. */
    public List<Container> containers() {
        List<Container> out = new ArrayList<>();
        for (String field : CONTAINER_FIELDS) {
            Optional<Node> list = podSpec.lookup(field).map(f -> f.value().resolve());
            if (list.isPresent() && list.get() instanceof Sequence s) {
                for (Node item : s.items()) {
                    if (item.resolve() instanceof Mapping m) {
                        out.add(new Container(field, item, m));
                    }
                }
            }
        }
        return out;
    }

    /** The pod's volumes as written. */
    public List<Mapping> volumes() {
        List<Mapping> out = new ArrayList<>();
        podSpec.lookup("volumes").map(f -> f.value().resolve()).filter(n -> n instanceof Sequence)
                .ifPresent(n -> ((Sequence) n).items().forEach(i -> {
                    if (i.resolve() instanceof Mapping m) {
                        out.add(m);
                    }
                }));
        return out;
    }

    /** Whether the pod keeps data on volumes that a non-root user must be able to write (fsGroup's job). */
    public boolean hasPersistentVolumes() {
        boolean claims = volumes().stream().anyMatch(v -> v.lookup("persistentVolumeClaim").isPresent()
                || v.lookup("ephemeral").isPresent());
        boolean templates = object.lookup("spec").map(f -> f.value().resolve())
                .filter(n -> n instanceof Mapping m && m.lookup("volumeClaimTemplates").isPresent()).isPresent();
        return claims || templates;
    }

    static Optional<Mapping> metadata(Mapping holder) {
        return holder.lookup("metadata").map(f -> f.value().resolve()).filter(n -> n instanceof Mapping).map(n -> (Mapping) n);
    }

    /** A scalar value under a key (merges followed) as text; empty when absent, null or not a scalar. */
    public static Optional<String> text(Mapping m, String key) {
        return m.lookup(key).map(f -> f.value().resolve()).filter(n -> n instanceof Scalar s && !s.isNull())
                .map(n -> ((Scalar) n).value());
    }
}
