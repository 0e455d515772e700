package dev.harden.image;

import dev.harden.registry.ImageManifest;
import dev.harden.registry.ManifestRef;
import dev.harden.registry.Platform;
import dev.harden.registry.Registry;
import dev.harden.registry.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Facts for an image read from its registry: config blob and layers, nothing run. */
public final class RegistryImages {
    /** The largest layer read; an image with a larger one gets facts from its config and smaller layers. */
    static final long LAYER_LIMIT = 256L << 20;

    private final Registry registry;
    private final long layerLimit;

    public RegistryImages(Registry registry) {
        this(registry, LAYER_LIMIT);
    }

    /** @param layerLimit the largest layer read, in bytes, whatever its manifest says */
    RegistryImages(Registry registry, long layerLimit) {
        this.registry = registry;
        this.layerLimit = layerLimit;
    }

    /**
     * Reads and derives the facts of one image.
     *
     * @param platform the platform whose image to read; null for linux/amd64
     * @throws RegistryException when the registry cannot give the manifest or config
     */
    public ImageFacts inspect(ImageRef ref, Platform platform) throws RegistryException {
        ManifestRef where = ManifestRef.of(ref.registry(), ref.repository(), ref.digest() != null ? ref.digest() : ref.effectiveTag());
        ImageManifest manifest = registry.imageManifest(where, platform);
        ImageConfig config;
        try {
            config = ImageConfig.parse(registry.blob(where, manifest.configDigest(), 1 << 20));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Failure.UNTRUSTED_ANSWER, where + ": the image config is not JSON");
        }
        ImageFiles files = new ImageFiles();
        for (ImageManifest.Layer layer : manifest.layers()) {
            if (layer.size() > layerLimit || layer.mediaType().contains("zstd")) {
                continue;
            }
            // Streamed from the answer through gunzip and the tar reader: a layer is never held whole.
            // Its digest is known only at its end, so it is stacked only once read to the end.
            try (InputStream in = registry.blobStream(where, layer.digest(), layerLimit)) {
                ImageFiles.Layer read = files.read(in, p -> ImageInspection.wanted(p, config));
                in.transferTo(OutputStream.nullOutputStream());
                files.stack(read);
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Failure.UNTRUSTED_ANSWER, where + ": layer " + layer.digest()
                        + " cannot be read (" + e.getMessage() + ")");
            }
        }
        return ImageInspection.derive(ref.name(), manifest.digest(), config, files);
    }
}
