package dev.harden.yaml;

/**
 * A node of a parsed YAML document, with the character span it occupies in the source text.
 * Nodes created by an edit have no span ({@link #isSynthetic()}).
 */
public abstract sealed class Node permits Scalar, Mapping, Sequence, Alias {
    int start = -1;
    int end = -1;
    String anchor;
    String tag;
    /** The mapping or sequence holding this node where it is written (not where aliases use it), or null. */
    Node parent;
    /** How many nodes this one stands for once aliases are expanded (set while parsing). */
    long expanded = 1;

    /** Offset of the node's first character (including anchor and tag), or -1 when synthetic. */
    public int start() {
        return start;
    }

    /** Offset just past the node as the parser reports it, or -1 when synthetic. */
    public int end() {
        return end;
    }

    public boolean isSynthetic() {
        return start < 0;
    }

    /** The anchor name ({@code &name}) on this node, or null. */
    public String anchor() {
        return anchor;
    }

    /** The explicit tag on this node, or null. */
    public String tag() {
        return tag;
    }

    /** This node with aliases followed to their anchored node. */
    public Node resolve() {
        return this;
    }

    /** Whether this node is a flow collection ({@code [a]} or {@code {a: 1}}). */
    public boolean isFlow() {
        return false;
    }
}
