package dev.harden.registry;

/** The manifest media types of the OCI image spec and Docker's schema 2. */
final class MediaTypes {
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** Index types first: a registry picks by Accept, and without them a multi-platform tag answers with one platform. */
    static final String ACCEPT_ANY = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
    static final String ACCEPT_IMAGE = String.join(", ", OCI_MANIFEST, DOCKER_MANIFEST);

    private MediaTypes() {
    }

    static boolean isIndex(String type) {
        return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type);
    }

    static boolean isImage(String type) {
        return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
    }
}
