package dev.harden.manifest;

import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A stream of Kubernetes manifests: the documents that carry {@code apiVersion} and {@code kind}. */
public final class KubernetesFile {
    private final YamlFile yaml;
    private final List<Mapping> objects;

    private KubernetesFile(YamlFile yaml, List<Mapping> objects) {
        this.yaml = yaml;
        this.objects = objects;
    }

    /** Kubernetes when at least one document is a mapping with string {@code apiVersion} and {@code kind}. */
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

    public static String kind(Mapping object) {
        return object.get("kind").map(n -> ((Scalar) n).value()).orElse("");
    }
}
