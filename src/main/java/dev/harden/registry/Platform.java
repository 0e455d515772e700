package dev.harden.registry;

/**
 * One platform of a multi-platform image, as an index entry names it.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code amd64}, {@code arm64}
 * @param variant e.g. {@code v8}, or empty
 */
public record Platform(String os, String architecture, String variant) {
    public Platform {
        os = os == null ? "" : os;
        architecture = architecture == null ? "" : architecture;
        variant = variant == null ? "" : variant;
    }

    /** {@code linux/arm64/v8}, or {@code linux/amd64} without a variant. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
