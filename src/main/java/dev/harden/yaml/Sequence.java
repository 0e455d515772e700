package dev.harden.yaml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A block or flow sequence. */
public final class Sequence extends Node {
    final List<Node> items = new ArrayList<>();
    final boolean flow;

    Sequence(boolean flow) {
        this.flow = flow;
    }

    /** A new, empty block sequence. */
    public static Sequence block() {
        return new Sequence(false);
    }

    /** A new block sequence of plain scalars, e.g. {@code of("ALL")}. */
    public static Sequence of(String... plainItems) {
        Sequence s = new Sequence(false);
        for (String item : plainItems) {
            s.with(Scalar.plain(item));
        }
        return s;
    }

    /** Adds an item to a sequence that is not yet part of a document. */
    public Sequence with(Node item) {
        if (!isSynthetic()) {
            throw new IllegalStateException("use Editor.append to change a parsed sequence");
        }
        item.parent = this;
        items.add(item);
        return this;
    }

    public List<Node> items() {
        return Collections.unmodifiableList(items);
    }

    @Override
    public boolean isFlow() {
        return flow;
    }

    @Override
    public String toString() {
        return "Sequence" + items;
    }
}
