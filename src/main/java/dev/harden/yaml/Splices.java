package dev.harden.yaml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The pieces of new text an edit batch puts into the original, and the text they make together. */
final class Splices {
    private final Source source;
    private final Renderer render;
    private final List<Splice> splices = new ArrayList<>();
    /** New items of existing flow collections, rendered together when the edit is applied. */
    private final Map<Node, List<Supplier<String>>> flowInserts = new IdentityHashMap<>();
    private int sequence;

    /** A piece of new text replacing {@code [start, end)} of the original, rendered when applied. */
    private record Splice(int start, int end, int depth, int order, Supplier<String> text) { }

    Splices(Source source, Renderer render) {
        this.source = source;
        this.render = render;
    }

    boolean isEmpty() {
        return splices.isEmpty();
    }

    /** Replaces {@code [start, end)} with text rendered when applied; at one offset, deeper splices go first. */
    void splice(int start, int end, int depth, Supplier<String> text) {
        splices.add(new Splice(start, end, depth, sequence++, text));
    }

    /**
     * Inserts whole lines at a line start, or after a line break of its own at the end of a file
     * without one; at one offset, deeper insertions go first.
     */
    void addLines(int at, int depth, Supplier<String> line) {
        String lb = source.lineBreak();
        boolean noFinalBreak = at == source.text.length() && !source.text.isEmpty() && !source.endsWithLineBreak();
        splice(at, at, depth, () -> noFinalBreak ? lb + line.get() : line.get() + lb);
    }

    /** Adds an item before the end of a flow collection; all items added to one collection are rendered together. */
    void insertIntoFlow(Node target, Supplier<String> item) {
        List<Supplier<String>> pending = flowInserts.get(target);
        if (pending != null) {
            pending.add(item);
            return;
        }
        List<Supplier<String>> items = new ArrayList<>();
        items.add(item);
        flowInserts.put(target, items);
        String t = source.text;
        int close = target.end - 1;
        int i = close - 1;
        while (i > target.start && Character.isWhitespace(t.charAt(i))) {
            i--;
        }
        char before = t.charAt(i);
        int at = i + 1;
        splice(at, at, Integer.MAX_VALUE - 1, () -> render.flowInsert(target, before, at, items));
    }

    /** The original text with every splice rendered into it, in offset order. */
    String write() {
        List<Splice> ordered = new ArrayList<>(splices);
        ordered.sort(Comparator.comparingInt(Splice::start)
                .thenComparing(Comparator.comparingInt(Splice::depth).reversed())
                .thenComparingInt(Splice::order));
        StringBuilder out = new StringBuilder(source.text.length() + 256);
        int copied = 0;
        for (Splice s : ordered) {
            if (s.start < copied) {
                throw new IllegalStateException("overlapping edits at offset " + s.start);
            }
            out.append(source.text, copied, s.start).append(s.text.get());
            copied = s.end;
        }
        out.append(source.text, copied, source.text.length());
        return out.toString();
    }
}
