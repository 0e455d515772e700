package dev.harden.registry;

import java.util.List;

/**
 * One platform's image manifest: its config blob and its layers, bottom first.
 *
 * @param digest the manifest's own digest
 * @param configDigest digest of the image config blob (user, entrypoint, env, volumes, ports)
 * @param layers the filesystem layers, bottom first
 */
public record ImageManifest(String digest, String configDigest, List<Layer> layers) {
    public ImageManifest {
        layers = List.copyOf(layers);
    }

    /**
     * One filesystem layer.
     *
     * @param digest its blob digest
     * @param size its size in bytes, as the manifest says
     * @param mediaType e.g. {@code application/vnd.oci.image.layer.v1.tar+gzip}
     */
    public record Layer(String digest, long size, String mediaType) {
    }
}
