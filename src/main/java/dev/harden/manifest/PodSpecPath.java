package dev.harden.manifest;

import java.util.List;

/**
 * Where a custom resource keeps its pod spec, as a profile declares it: an Argo Rollout at
 * {@code spec.template.spec}, a Knative Service at {@code spec.template.spec}.
 *
 * @param apiVersion the resource's {@code apiVersion}, or {@code group/*} for any version of a group
 * @param kind the resource's {@code kind}
 * @param keys the keys leading from the object to its pod spec
 */
public record PodSpecPath(String apiVersion, String kind, List<String> keys) {
    public PodSpecPath {
        if (apiVersion == null || apiVersion.isBlank() || kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("a pod spec path needs apiVersion and kind, not '" + apiVersion + "' and '" + kind + "'");
        }
        keys = List.copyOf(keys);
        if (keys.isEmpty() || keys.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("a pod spec path is dotted keys such as spec.template.spec, not " + keys);
        }
    }

    /** Parses {@code spec.template.spec}. */
    public static PodSpecPath of(String apiVersion, String kind, String dotted) {
        return new PodSpecPath(apiVersion, kind, List.of(dotted.split("\\.", -1)));
    }

    /** Whether an object of this apiVersion and kind keeps its pod spec here. */
    public boolean matches(String objectApiVersion, String objectKind) {
        if (!kind.equals(objectKind)) {
            return false;
        }
        if (apiVersion.endsWith("/*")) {
            String group = apiVersion.substring(0, apiVersion.length() - 1);
            return objectApiVersion.startsWith(group);
        }
        return apiVersion.equals(objectApiVersion);
    }

    public String dotted() {
        return String.join(".", keys);
    }
}
