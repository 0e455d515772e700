package dev.harden.image;

import dev.harden.registry.ImageManifest;
import dev.harden.registry.ManifestRef;
import dev.harden.registry.Platform;
import dev.harden.registry.Registry;
import dev.harden.registry.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Facts for an image read from its registry: config blob and layers, nothing run. */
public final class RegistryImages {
    /** The largest layer read; an image with a larger one gets facts from its config and smaller layers. */
    static final long LAYER_LIMIT = 256L << 20;

    private final Registry registry;

    public RegistryImages(Registry registry) {
        this.registry = registry;
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
            if (layer.size() > LAYER_LIMIT || layer.mediaType().contains("zstd")) {
                continue;
            }
            byte[] bytes = registry.blob(where, layer.digest(), LAYER_LIMIT);
            try {
                files.apply(new ByteArrayInputStream(bytes), p -> ImageInspection.wanted(p, config));
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Failure.UNTRUSTED_ANSWER, where + ": layer " + layer.digest()
                        + " is not a tar layer (" + e.getMessage() + ")");
            }
        }
        return ImageInspection.derive(ref.name(), manifest.digest(), config, files);
    }
}
