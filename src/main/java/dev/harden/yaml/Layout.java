package dev.harden.yaml;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The writing conventions a file already follows, so new text can follow them too. */
final class Layout {
    private final Source source;
    private final Integer step;
    private final Integer sequenceOffset;
    private final char quote;
    /** The whole file's layout, for what a mapping's own children do not show; null for that layout itself. */
    private final Supplier<Layout> file;

    private Layout(Source source, Integer step, Integer sequenceOffset, char quote, Supplier<Layout> file) {
        this.source = source;
        this.step = step;
        this.sequenceOffset = sequenceOffset;
        this.quote = quote;
        this.file = file;
    }

    /** Reads the majority indentation step, sequence indentation and quote character of a file. */
    static Layout of(YamlFile file) {
        Source source = file.source;
        Map<Integer, Integer> steps = new HashMap<>();
        Map<Integer, Integer> offsets = new HashMap<>();
        int doubles = 0;
        int singles = 0;
        // the node tree is a tree once aliases are skipped, so no node is met twice
        Deque<Node> todo = new ArrayDeque<>(file.documents());
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n instanceof Scalar s) {
                if (s.style == Scalar.Style.DOUBLE_QUOTED) {
                    doubles++;
                } else if (s.style == Scalar.Style.SINGLE_QUOTED) {
                    singles++;
                }
            } else if (n instanceof Mapping m) {
                for (Mapping.Entry e : m.entries) {
                    if (!m.flow) {
                        sample(source, e, steps, offsets);
                    }
                    todo.push(e.key);
                    todo.push(e.value);
                }
            } else if (n instanceof Sequence s) {
                s.items.forEach(todo::push);
            }
        }
        int step = majority(steps, 2);
        return new Layout(source, step, majority(offsets, step), singles > doubles ? '\'' : '"', null);
    }

    /**
     * The step and sequence offset a mapping's own children use; the file's layout (read only when
     * needed, since reading it walks the whole file) fills in what the mapping does not show.
     */
    static Layout local(Source source, Mapping m, Supplier<Layout> file) {
        Map<Integer, Integer> steps = new HashMap<>();
        Map<Integer, Integer> offsets = new HashMap<>();
        if (!m.isSynthetic() && !m.flow) {
            for (Mapping.Entry e : m.entries) {
                sample(source, e, steps, offsets);
            }
        }
        return new Layout(source, steps.isEmpty() ? null : majority(steps, 2),
                offsets.isEmpty() ? null : majority(offsets, 2), '\0', file);
    }

    int step() {
        return step != null ? step : file.get().step();
    }

    /** How far a block sequence's dash stands to the right of its key: 0 (indentless) or a step. */
    int sequenceOffset() {
        return sequenceOffset != null ? sequenceOffset : file.get().sequenceOffset();
    }

    char quote() {
        return file == null ? quote : file.get().quote();
    }

    String lineBreak() {
        return source.lineBreak();
    }

    private static void sample(Source source, Mapping.Entry e, Map<Integer, Integer> steps, Map<Integer, Integer> offsets) {
        if (e.key.isSynthetic() || e.value.isSynthetic()) {
            return;
        }
        int keyColumn = source.column(e.key.start);
        if (e.value instanceof Mapping child && !child.flow && !child.entries.isEmpty()) {
            Node firstKey = child.entries.get(0).key;
            if (source.breakBetween(e.key.start, firstKey.start)) {
                int d = source.column(firstKey.start) - keyColumn;
                if (d > 0) {
                    steps.merge(d, 1, Integer::sum);
                }
            }
        } else if (e.value instanceof Sequence seq && !seq.flow && !seq.items.isEmpty()) {
            int dash = dashOffset(source, seq.items.get(0));
            if (dash >= 0 && source.breakBetween(e.key.start, dash)) {
                int d = source.column(dash) - keyColumn;
                if (d >= 0) {
                    offsets.merge(d, 1, Integer::sum);
                }
            }
        }
    }

    /** The offset of the {@code -} indicator before a block sequence item, or -1. */
    static int dashOffset(Source source, Node item) {
        int i = item.start - 1;
        while (i >= 0 && (source.text.charAt(i) == ' ' || source.text.charAt(i) == '\t')) {
            i--;
        }
        return i >= 0 && source.text.charAt(i) == '-' ? i : -1;
    }

    private static int majority(Map<Integer, Integer> counts, int fallback) {
        return counts.entrySet().stream()
                .max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse(fallback);
    }
}
