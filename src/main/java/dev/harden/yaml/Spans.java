package dev.harden.yaml;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where nodes' text lies in the original: where content really ends, where a value starts after
 * its anchor and tag, and whether a node's text exists yet or is rendered when the edit is applied.
 */
final class Spans {
    private final Source source;
    /** Parsed nodes that an edit replaced, by their replacement: their text still says where things end. */
    private final Map<Node, Node> originals = new IdentityHashMap<>();

    Spans(Source source) {
        this.source = source;
    }

    /** Remembers that {@code replacement} stands where {@code original}'s text is. */
    void replaced(Node replacement, Node original) {
        originals.put(replacement, original);
    }

    /** Whether an edit put this node where a parsed node was. */
    boolean hasOriginal(Node n) {
        return originals.containsKey(n);
    }

    /** The parsed node whose text this node stands on: the one it replaced, or itself. */
    Node original(Node n) {
        return originals.getOrDefault(n, n);
    }

    /** Where a node's content really ends: block collections end at the next token, so descend. */
    int contentEnd(Node node) {
        Node n = originals.getOrDefault(node, node);
        if (n instanceof Mapping m && !m.flow) {
            return contentEnd(lastParsed(m));
        }
        if (n instanceof Sequence s && !s.flow) {
            return contentEnd(lastParsed(s));
        }
        if (n instanceof Scalar s) {
            if (s.style == Scalar.Style.LITERAL || s.style == Scalar.Style.FOLDED) {
                int header = valueStart(s);
                int headerEnd = source.lineEnd(header);
                if (source.text.substring(header, headerEnd).matches("[|>][0-9]?\\+.*|[|>]\\+[0-9]?.*")) {
                    // kept trailing lines belong to the scalar; its end is already a line start
                    return s.end - 1;
                }
                int i = s.end - 1;
                while (i > header && Character.isWhitespace(source.text.charAt(i))) {
                    i--;
                }
                return i + 1;
            }
            if (s.value.isEmpty() && s.style == Scalar.Style.PLAIN) {
                return s.start;
            }
        }
        return n.end;
    }

    /** The last entry that came from the text; entries added by edits go after it, in order. */
    Mapping.Entry lastParsed(Mapping m) {
        for (int i = m.entries.size() - 1; i >= 0; i--) {
            if (!m.entries.get(i).key.isSynthetic()) {
                return m.entries.get(i);
            }
        }
        throw new IllegalStateException("a parsed mapping has no parsed entry");
    }

    /** The last item that came from the text (or replaced one that did). */
    Node lastParsed(Sequence s) {
        for (int i = s.items.size() - 1; i >= 0; i--) {
            Node item = s.items.get(i);
            if (!originals.getOrDefault(item, item).isSynthetic()) {
                return item;
            }
        }
        throw new IllegalStateException("a parsed sequence has no parsed item");
    }

    int contentEnd(Mapping.Entry e) {
        Node value = originals.getOrDefault(e.value, e.value);
        if (value instanceof Scalar s && s.value.isEmpty() && s.style == Scalar.Style.PLAIN && s.tag == null
                && s.anchor == null) {
            return e.key.end;
        }
        return contentEnd(value);
    }

    /** The start of the line after the one holding {@code offset}; the text length at the end. */
    int lineAfter(int offset) {
        return source.nextLineStart(offset);
    }

    /** Where a node's value starts, past its anchor and tag. */
    int valueStart(Node n) {
        int i = n.start;
        String t = source.text;
        while (i < n.end && (t.charAt(i) == '&' || t.charAt(i) == '!')) {
            while (i < n.end && !Character.isWhitespace(t.charAt(i))) {
                i++;
            }
            while (i < n.end && Character.isWhitespace(t.charAt(i))) {
                i++;
            }
        }
        return i;
    }

    static boolean insideFlow(Node n) {
        for (Node p = n.parent; p != null; p = p.parent) {
            if (p.isFlow()) {
                return true;
            }
        }
        return false;
    }

    /** True when a node is synthetic or sits inside a synthetic node, so its text is rendered later. */
    static boolean findSyntheticRoot(Node n) {
        for (Node p = n; p != null; p = p.parent) {
            if (p.isSynthetic()) {
                return true;
            }
        }
        return false;
    }
}
