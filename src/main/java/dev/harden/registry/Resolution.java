package dev.harden.registry;

import java.util.List;

/**
 * What a tag points at, as the registry said and harden checked: the digest of the exact bytes
 * served (for a multi-platform image, the index, never one platform's manifest).
 *
 * @param ref the reference that was resolved
 * @param digest {@code sha256:...} of the manifest or index bytes
 * @param mediaType the manifest's media type
 * @param platforms the platforms an index lists (attestation entries left out); empty for a single manifest
 */
public record Resolution(ManifestRef ref, String digest, String mediaType, List<Platform> platforms) {
    public Resolution {
        platforms = List.copyOf(platforms);
    }

    /** Whether the digest names an index (a multi-platform image) rather than one image manifest. */
    public boolean index() {
        return MediaTypes.isIndex(mediaType);
    }
}
