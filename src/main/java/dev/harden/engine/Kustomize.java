package dev.harden.engine;

import dev.harden.manifest.KubernetesFile;
import dev.harden.yaml.DataValue;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Kustomize makes of a file: the kustomizations in its folder and the folders above it (up to
 * the repository root) say whether it is a patch, and of which base object.
 */
final class Kustomize {
    private static final List<String> NAMES = List.of("kustomization.yaml", "kustomization.yml", "Kustomization");
    /** How many folders up a kustomization may list a file: Kustomize only loads files below its root. */
    private static final int MAX_UP = 8;
    private static final int MAX_DEPTH = 6;

    /**
     * A file some kustomization lists as a patch.
     *
     * @param kustomization the kustomization that lists it
     * @param json whether it is a JSON 6902 patch (a list of operations), which harden never edits
     * @param base the base file and object it patches when found among the resources
     *     ({@code base.yaml (Deployment/web)}), else the object it names
     */
    record Patch(Path kustomization, boolean json, String base) { }

    /** One kustomization's lists, paths resolved against its folder. */
    record Kustomization(Path file, List<Path> resources, List<Path> mergePatches, List<Path> jsonPatches,
                                 List<Path> patches) { }

    private final Map<Path, Optional<Kustomization>> byFolder = new ConcurrentHashMap<>();

    /** The patch role of a file, or empty when no kustomization above it lists it as a patch. */
    Optional<Patch> patch(Path file, Optional<KubernetesFile> content) {
        Path target = file.toAbsolutePath().normalize();
        Path dir = target.getParent();
        for (int up = 0; dir != null && up < MAX_UP; up++, dir = dir.getParent()) {
            Optional<Kustomization> k = at(dir);
            if (k.isPresent()) {
                Kustomization kz = k.get();
                boolean json = kz.jsonPatches().contains(target) || kz.patches().contains(target) && content.isEmpty();
                if (json || kz.mergePatches().contains(target) || kz.patches().contains(target)) {
                    return Optional.of(new Patch(kz.file(), json, json ? "" : base(kz, content, target.getParent())));
                }
            }
            if (Files.exists(dir.resolve(".git"))) {
                break;
            }
        }
        return Optional.empty();
    }

    /** The base file and object a merge patch names, searched among the kustomization's resources. */
    private String base(Kustomization k, Optional<KubernetesFile> content, Path from) {
        List<String> named = new ArrayList<>();
        content.ifPresent(f -> f.allObjects().forEach(o -> named.add(label(o))));
        if (named.isEmpty()) {
            return "nothing harden can name";
        }
        List<Path> files = new ArrayList<>();
        collect(k, files, new HashSet<>(), 0);
        for (Path f : files) {
            try {
                YamlFile yaml = YamlFile.parse(FileRead.read(f, Limits.DEFAULT.maxBytes()), Limits.DEFAULT);
                Optional<KubernetesFile> kube = KubernetesFile.detect(yaml);
                if (kube.isPresent() && kube.get().allObjects().stream().map(Kustomize::label).anyMatch(named::contains)) {
                    return from.relativize(f).toString().replace('\\', '/') + " (" + named.get(0) + ")";
                }
            } catch (IOException | YamlException e) {
                // a resource that cannot be read is not the base
            }
        }
        return named.get(0) + ", whose base is not among the resources harden can read";
    }

    /** Every resource file of a kustomization, following resource folders into their own kustomizations. */
    private void collect(Kustomization k, List<Path> out, Set<Path> seen, int depth) {
        if (depth > MAX_DEPTH || !seen.add(k.file())) {
            return;
        }
        for (Path r : k.resources()) {
            if (Files.isRegularFile(r)) {
                out.add(r);
            } else if (Files.isDirectory(r)) {
                at(r).ifPresent(inner -> collect(inner, out, seen, depth + 1));
            }
        }
    }

    private static String label(Mapping object) {
        String name = object.lookup("metadata").map(f -> f.value().resolve()).filter(n -> n instanceof Mapping)
                .flatMap(n -> ((Mapping) n).lookup("name")).map(f -> f.value().resolve())
                .filter(n -> n instanceof Scalar).map(n -> ((Scalar) n).value()).orElse("");
        return KubernetesFile.kind(object) + "/" + name;
    }

    /**
     * Why a kustomization file cannot be read for its lists ({@code line:col: warning: ...}), or
     * empty when it can or the file is not a kustomization: harden then cannot tell which files it
     * patches, and hardens them as whole manifests.
     */
    static Optional<String> unreadable(Path file, byte[] bytes) {
        if (file.getFileName() == null || !NAMES.contains(file.getFileName().toString())) {
            return Optional.empty();
        }
        try {
            read(file.toAbsolutePath().normalize(), DataValue.parse(bytes));
            return Optional.empty();
        } catch (YamlException e) {
            return Optional.of(e.line() + ":" + e.column() + ": warning: " + e.reason() + "; harden cannot tell which files"
                    + " this kustomization patches, so it hardens them as whole manifests");
        }
    }

    private Optional<Kustomization> at(Path dir) {
        return byFolder.computeIfAbsent(dir, Kustomize::read);
    }

    private static Optional<Kustomization> read(Path dir) {
        for (String name : NAMES) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                return Optional.of(read(file, DataValue.parse(FileRead.read(file, Limits.DEFAULT.maxBytes()))));
            } catch (IOException | YamlException e) {
                // Kustomize refuses such a file too, so it lists nothing
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Reads a kustomization's lists; a list of the wrong shape is an error at its line and column. */
    static Kustomization read(Path file, DataValue root) throws YamlException {
        if (!root.isMapping()) {
            throw root.error("a kustomization must be a mapping, not " + root.describe());
        }
        Path dir = file.getParent();
        return new Kustomization(file, paths(dir, root.get("resources")), paths(dir, root.get("patchesStrategicMerge")),
                paths(dir, root.get("patchesJson6902")), paths(dir, root.get("patches")));
    }

    /** The files a list names: file names, or mappings with a {@code path}; inline patches and URLs are skipped. */
    private static List<Path> paths(Path dir, Optional<DataValue> list) throws YamlException {
        List<Path> out = new ArrayList<>();
        for (DataValue item : list.isPresent() ? list.get().items() : List.<DataValue>of()) {
            Optional<String> path = item.isMapping() ? item.textOf("path") : Optional.of(item.text());
            if (path.isPresent() && !path.get().contains("\n") && !path.get().contains("://")) {
                try {
                    out.add(dir.resolve(path.get()).toAbsolutePath().normalize());
                } catch (java.nio.file.InvalidPathException e) {
                    // not a file name
                }
            }
        }
        return out;
    }
}
