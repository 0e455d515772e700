package dev.harden.image;

import dev.harden.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Facts for an image read from the local engine: its config from the inspect answer, its files
 * from the saved image (docker save: {@code manifest.json} and one tar per layer, or the OCI layout
 * newer engines write), streamed through the tar reader, nothing run. The derivation is the
 * registry's; only the sources say where the facts were read.
 */
public final class EngineImages {
    /** What facts read here add to "image config" and "image files" in their sources. */
    static final String ORIGIN = " (local engine)";
    /** The largest JSON document of a saved image kept to read its layer order (manifests, configs). */
    private static final int JSON_LIMIT = 4 << 20;

    private final LocalImages engine;

    public EngineImages(LocalImages engine) {
        this.engine = engine;
    }

    /**
     * An image the engine has.
     *
     * @param id the engine's image id (the digest of its config, not of a registry manifest)
     * @param repoDigest the registry digest it was pulled or pushed by for the reference's repository, or null
     */
    record Found(String id, String repoDigest, ImageConfig config) {
        /** The key the facts are cached by: the registry digest when there is one, else the image id. */
        String key() {
            return repoDigest != null ? repoDigest : id;
        }
    }

    /**
     * Asks the engine whether it has the image.
     *
     * @throws IOException when the engine does not answer, or answers with something not an image
     */
    Optional<Found> find(ImageRef ref) throws IOException {
        Optional<byte[]> answer = engine.inspect(ref.text());
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        Object root;
        try {
            root = Json.parse(new String(answer.get(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("the inspect answer for " + ref.text() + " is not JSON");
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("Id") instanceof String id) || !id.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("the inspect answer for " + ref.text() + " names no image id");
        }
        String repoDigest = null;
        if (m.get("RepoDigests") instanceof List<?> digests) {
            for (Object d : digests) {
                Optional<ImageRef> named = d instanceof String s ? ImageRef.parse(s) : Optional.empty();
                String digest = named.map(ImageRef::digest).orElse(null);
                if (digest == null || !digest.matches("sha256:[0-9a-f]{64}") || !named.get().name().equals(ref.name())) {
                    continue;
                }
                if (digest.equals(ref.digest())) {
                    repoDigest = digest;
                    break;
                }
                if (repoDigest == null) {
                    repoDigest = digest;
                }
            }
        }
        return Optional.of(new Found(id, repoDigest, ImageConfig.parse(answer.get())));
    }

    /** Reads the saved image and derives its facts, each source naming the local engine. */
    ImageFacts read(ImageRef ref, Found found) throws IOException {
        ImageFiles files = new ImageFiles();
        try (InputStream saved = engine.save(found.id())) {
            Saved image = Saved.walk(saved, files, found.config());
            for (ImageFiles.Layer layer : image.layersInOrder()) {
                files.stack(layer);
            }
        }
        String at = found.repoDigest() != null ? found.repoDigest() : "image id " + found.id();
        return labelled(ImageInspection.derive(ref.name(), at, found.config(), files));
    }

    /** The facts with "image config" and "image files" in their sources and notes naming the local engine. */
    static ImageFacts labelled(ImageFacts f) {
        List<String> sources = f.sources().stream()
                .map(s -> s.startsWith("image config") ? "image config" + ORIGIN + s.substring(12)
                        : s.startsWith("image files") ? "image files" + ORIGIN + s.substring(11) : s)
                .toList();
        String notes = f.notes() == null ? null : f.notes().replace("(image files)", "(image files" + ORIGIN + ")");
        return new ImageFacts(f.name(), f.runsAs(), f.dropsPrivileges(), f.nonRootUid(), f.rootCapabilities(), f.writablePaths(),
                f.dataPaths(), f.readOnlyRootFilesystem(), f.noNewPrivileges(), f.ports(), f.evidence(), sources, notes,
                f.memoryHints());
    }

    /**
     * A saved image read in one pass: its layers (read as they come, by their path in the archive)
     * and the documents that give their order, which the engine writes after them.
     */
    private static final class Saved {
        private final Map<String, ImageFiles.Layer> layers = new HashMap<>();
        private final Map<String, String> links = new HashMap<>();
        private final Map<String, byte[]> json = new HashMap<>();
        private final Map<String, String> unreadable = new HashMap<>();
        private final ImageFiles files;
        private final ImageConfig config;

        private Saved(ImageFiles files, ImageConfig config) {
            this.files = files;
            this.config = config;
        }

        static Saved walk(InputStream in, ImageFiles files, ImageConfig config) throws IOException {
            Saved s = new Saved(files, config);
            Tar.walk(in, s::entry);
            return s;
        }

        private void entry(Tar.Entry e, InputStream content) throws IOException {
            if (e.type() == Tar.Type.SYMLINK) {
                links.put(e.path(), e.link());
                return;
            }
            if (e.type() != Tar.Type.FILE) {
                return;
            }
            BufferedInputStream in = new BufferedInputStream(content, 1 << 16);
            in.mark(4);
            int first = in.read();
            int second = in.read();
            int third = in.read();
            int fourth = in.read();
            in.reset();
            if ((first == '{' || first == '[') && e.size() <= JSON_LIMIT) {
                json.put(e.path(), in.readAllBytes());
            } else if (first == 0x28 && second == 0xb5 && third == 0x2f && fourth == 0xfd) {
                unreadable.put(e.path(), "a zstd layer");
            } else if (e.path().endsWith(".tar") || e.path().startsWith("blobs/")) {
                try {
                    layers.put(e.path(), files.read(in, p -> ImageInspection.wanted(p, config)));
                } catch (IOException notATar) {
                    unreadable.put(e.path(), notATar.getMessage());
                }
            }
        }

        /** The layers in the order the image stacks them. */
        List<ImageFiles.Layer> layersInOrder() throws IOException {
            List<ImageFiles.Layer> out = new ArrayList<>();
            for (String path : layerPaths()) {
                String p = Tar.normalise(path);
                String link = links.get(p);
                if (link != null) {
                    // docker save writes a layer it has already written as a link to the first copy
                    p = Tar.normalise(java.nio.file.Path.of("/" + p).resolveSibling(link).normalize().toString());
                }
                ImageFiles.Layer layer = layers.get(p);
                if (layer == null && json.containsKey(p)) {
                    layer = files.read(new ByteArrayInputStream(json.get(p)), q -> ImageInspection.wanted(q, config));
                }
                if (layer == null) {
                    throw new IOException("the saved image lacks its layer " + p
                            + (unreadable.containsKey(p) ? " (" + unreadable.get(p) + ")" : ""));
                }
                out.add(layer);
            }
            return out;
        }

        /** The layer paths from docker's {@code manifest.json}, else from the OCI layout's {@code index.json}. */
        private List<String> layerPaths() throws IOException {
            if (json.containsKey("manifest.json")) {
                if (parse("manifest.json") instanceof List<?> entries && !entries.isEmpty()
                        && entries.get(0) instanceof Map<?, ?> m && m.get("Layers") instanceof List<?> l) {
                    return strings(l);
                }
                throw new IOException("the saved image's manifest.json names no layers");
            }
            if (!json.containsKey("index.json")) {
                throw new IOException("the saved image has neither manifest.json nor index.json");
            }
            Object doc = parse("index.json");
            for (int depth = 0; depth < 3; depth++) {
                if (doc instanceof Map<?, ?> m && m.get("layers") instanceof List<?> l) {
                    List<String> paths = new ArrayList<>();
                    for (Object o : l) {
                        if (o instanceof Map<?, ?> d && d.get("digest") instanceof String digest) {
                            paths.add(blob(digest));
                        }
                    }
                    return paths;
                }
                if (doc instanceof Map<?, ?> m && m.get("manifests") instanceof List<?> l && !l.isEmpty()
                        && l.get(0) instanceof Map<?, ?> d && d.get("digest") instanceof String digest) {
                    doc = parse(blob(digest));
                    continue;
                }
                break;
            }
            throw new IOException("the saved image's index.json leads to no image manifest");
        }

        private static String blob(String digest) throws IOException {
            if (!digest.matches("sha256:[0-9a-f]{64}")) {
                throw new IOException("the saved image names an invalid digest");
            }
            return "blobs/sha256/" + digest.substring("sha256:".length());
        }

        private Object parse(String path) throws IOException {
            byte[] bytes = json.get(path);
            if (bytes == null) {
                throw new IOException("the saved image lacks " + path);
            }
            try {
                return Json.parse(new String(bytes, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException("the saved image's " + path + " is not JSON");
            }
        }

        private static List<String> strings(List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(o -> out.add(String.valueOf(o)));
            return out;
        }
    }
}
