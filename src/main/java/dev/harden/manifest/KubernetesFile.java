package dev.harden.manifest;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A stream of Kubernetes manifests: the documents that carry {@code apiVersion} and {@code kind}. */
public final class KubernetesFile {
    /** Where the built-in kinds keep their pod spec. */
    private static final Map<String, List<String>> POD_SPECS = Map.of(
            "Pod", List.of("spec"),
            "Deployment", List.of("spec", "template", "spec"),
            "StatefulSet", List.of("spec", "template", "spec"),
            "DaemonSet", List.of("spec", "template", "spec"),
            "ReplicaSet", List.of("spec", "template", "spec"),
            "ReplicationController", List.of("spec", "template", "spec"),
            "Job", List.of("spec", "template", "spec"),
            "CronJob", List.of("spec", "jobTemplate", "spec", "template", "spec"),
            "PodTemplate", List.of("template", "spec"));

    private final YamlFile yaml;
    private final List<Mapping> objects;

    private KubernetesFile(YamlFile yaml, List<Mapping> objects) {
        this.yaml = yaml;
        this.objects = objects;
    }

    /**
     * Kubernetes when at least one document is an object: a mapping with string {@code apiVersion} and
     * {@code kind}, and a {@code metadata} mapping (or {@code items}, for a {@code List}). Other data
     * that borrows the two keys, such as harden's own profiles and image knowledge, has no metadata.
     */
    public static Optional<KubernetesFile> detect(YamlFile yaml) {
        List<Mapping> objects = new ArrayList<>();
        for (Node doc : yaml.documents()) {
            if (doc instanceof Mapping m && isObject(m)) {
                objects.add(m);
            }
        }
        return objects.isEmpty() ? Optional.empty() : Optional.of(new KubernetesFile(yaml, objects));
    }

    static boolean isObject(Mapping m) {
        return isTyped(m) && (m.get("metadata").filter(n -> n instanceof Mapping).isPresent()
                || kind(m).endsWith("List") && m.get("items").filter(n -> n instanceof Sequence).isPresent());
    }

    /** Whether a mapping has string {@code apiVersion} and {@code kind}. */
    static boolean isTyped(Mapping m) {
        return m.get("apiVersion").filter(n -> n instanceof Scalar).isPresent()
                && m.get("kind").filter(n -> n instanceof Scalar).isPresent();
    }

    public YamlFile yaml() {
        return yaml;
    }

    /** The top-level objects, in document order. */
    public List<Mapping> objects() {
        return List.copyOf(objects);
    }

    /** Every object: the documents, and the items of {@code List} and {@code *List} objects, depth first. */
    public List<Mapping> allObjects() {
        List<Mapping> out = new ArrayList<>();
        for (Mapping m : objects) {
            flatten(m, out, 0);
        }
        return out;
    }

    private static void flatten(Mapping object, List<Mapping> out, int depth) {
        out.add(object);
        if (depth > 8 || !kind(object).endsWith("List")) {
            return;
        }
        Optional<Node> items = object.lookup("items").map(f -> f.value().resolve());
        if (items.isPresent() && items.get() instanceof Sequence s) {
            for (Node item : s.items()) {
                if (item.resolve() instanceof Mapping m && isTyped(m)) {
                    flatten(m, out, depth + 1);
                }
            }
        }
    }

    /**
     * The objects that carry a pod spec: the built-in workload kinds, and custom resources at the
     * paths a profile declares.
     */
    public List<Workload> workloads(List<PodSpecPath> custom) {
        List<Workload> out = new ArrayList<>();
        for (Mapping object : allObjects()) {
            podSpecKeys(object, custom).flatMap(keys -> workload(object, keys)).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<List<String>> podSpecKeys(Mapping object, List<PodSpecPath> custom) {
        String apiVersion = object.get("apiVersion").map(n -> ((Scalar) n).value()).orElse("");
        String kind = kind(object);
        for (PodSpecPath p : custom) {
            if (p.matches(apiVersion, kind)) {
                return Optional.of(p.keys());
            }
        }
        return Optional.ofNullable(POD_SPECS.get(kind));
    }

    private static Optional<Workload> workload(Mapping object, List<String> keys) {
        Mapping holder = object;
        Mapping template = object;
        for (String key : keys) {
            Optional<Node> next = holder.lookup(key).map(f -> f.value().resolve());
            if (next.isEmpty() || !(next.get() instanceof Mapping m)) {
                return Optional.empty();
            }
            template = holder;
            holder = m;
        }
        return Optional.of(new Workload(object, template, holder, keys.get(keys.size() - 1)));
    }

    public static String kind(Mapping object) {
        return object.get("kind").map(n -> ((Scalar) n).value()).orElse("");
    }
}
