package dev.harden.yaml;

/**
 * Bounds that keep hostile input from exhausting memory or stack.
 *
 * @param maxBytes largest file accepted
 * @param maxDepth deepest nesting of collections
 * @param maxExpandedNodes nodes a consumer would build after expanding every alias
 */
public record Limits(long maxBytes, int maxDepth, long maxExpandedNodes) {
    public static final Limits DEFAULT = new Limits(10L * 1024 * 1024, 200, 1_000_000);

    public Limits {
        if (maxBytes <= 0 || maxDepth <= 0 || maxExpandedNodes <= 0) {
            throw new IllegalArgumentException(
                    "limits must be positive: " + maxBytes + ", " + maxDepth + ", " + maxExpandedNodes);
        }
    }

    public Limits withMaxBytes(long bytes) {
        return new Limits(bytes, maxDepth, maxExpandedNodes);
    }
}
