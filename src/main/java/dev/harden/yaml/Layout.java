package dev.harden.yaml;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/** The writing conventions a file already follows, so new text can follow them too. */
final class Layout {
    final int step;
    final int sequenceOffset;
    final char quote;
    final String lineBreak;
    private final Source source;

    private Layout(Source source, int step, int sequenceOffset, char quote) {
        this.source = source;
        this.step = step;
        this.sequenceOffset = sequenceOffset;
        this.quote = quote;
        this.lineBreak = source.lineBreak;
    }

    /** Reads the majority indentation step, sequence indentation and quote character of a file. */
    static Layout of(YamlFile file) {
        Source source = file.source;
        Map<Integer, Integer> steps = new HashMap<>();
        Map<Integer, Integer> offsets = new HashMap<>();
        int doubles = 0;
        int singles = 0;
        Deque<Node> todo = new ArrayDeque<>(file.documents());
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n instanceof Alias || !seen.add(n)) {
                continue;
            }
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
        return new Layout(source, step, majority(offsets, step), singles > doubles ? '\'' : '"');
    }

    /**
     * The step and sequence offset a mapping's own children use; the file's majority (read only when
     * needed, since reading it walks the whole file) fills in what the mapping does not show.
     */
    static Layout local(Source source, Mapping m, java.util.function.Supplier<Layout> file) {
        Map<Integer, Integer> steps = new HashMap<>();
        Map<Integer, Integer> offsets = new HashMap<>();
        if (!m.isSynthetic() && !m.flow) {
            for (Mapping.Entry e : m.entries) {
                sample(source, e, steps, offsets);
            }
        }
        if (steps.isEmpty() || offsets.isEmpty()) {
            Layout fallback = file.get();
            int localStep = majority(steps, fallback.step);
            return new Layout(source, localStep, majority(offsets, fallback.sequenceOffset), fallback.quote);
        }
        int localStep = majority(steps, 2);
        return new Layout(source, localStep, majority(offsets, localStep), '\0');
    }

    private static void sample(Source source, Mapping.Entry e, Map<Integer, Integer> steps, Map<Integer, Integer> offsets) {
        if (e.key.isSynthetic() || e.value.isSynthetic()) {
            return;
        }
        int keyColumn = source.column(e.key.start);
        if (e.value instanceof Mapping child && !child.flow && !child.entries.isEmpty()) {
            Node firstKey = child.entries.get(0).key;
            if (source.lineNumber(firstKey.start) > source.lineNumber(e.key.start)) {
                int d = source.column(firstKey.start) - keyColumn;
                if (d > 0) {
                    steps.merge(d, 1, Integer::sum);
                }
            }
        } else if (e.value instanceof Sequence seq && !seq.flow && !seq.items.isEmpty()) {
            int dash = dashOffset(source, seq.items.get(0));
            if (dash >= 0 && source.lineNumber(dash) > source.lineNumber(e.key.start)) {
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
