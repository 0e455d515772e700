package dev.harden.yaml;

import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Edits a parsed file by splicing new text into the original at the positions the parser reported.
 * Every edit updates the node tree at once, so later reads see it; {@link #apply()} writes the text
 * and re-parses it to check that exactly the intended tree came out.
 *
 * <p>Edits inside a node that an alias refers to would change every alias too; they are refused
 * unless {@link #allowShared()} was called for this batch.
 *
 * <p>The editor decides what changes; {@link Spans} finds where in the original text, {@link SharedNodes}
 * which nodes aliases reach, {@link Renderer} writes the new text, {@link Splices} puts it together and
 * {@link ReparseCheck} checks the result.
 */
public final class Editor {
    private final YamlFile file;
    private final Source source;
    private final Spans spans;
    private final Renderer render;
    private final Splices splices;
    private final SharedNodes shared;
    private boolean allowShared;

    Editor(YamlFile file) {
        this.file = file;
        this.source = file.source;
        this.spans = new Spans(source);
        this.render = new Renderer(file);
        this.splices = new Splices(source, render);
        this.shared = new SharedNodes(file);
    }

    /** Lets this batch edit nodes that aliases refer to, changing every alias with them. */
    public Editor allowShared() {
        this.allowShared = true;
        return this;
    }

    /**
     * Lets this batch edit one anchored node although aliases refer to it, changing them with it; a
     * node inside it that other aliases refer to stays protected.
     */
    public Editor allowAliasesOf(Node anchored) {
        shared.allowAliasesOf(anchored);
        return this;
    }

    /** Whether an alias refers to this node or to a node containing it. */
    public boolean isShared(Node node) {
        return shared.contains(node);
    }

    /** Whether any edit was made. */
    public boolean changed() {
        return !splices.isEmpty();
    }

    /** Adds {@code key: value} at the end of a mapping. The key must not be there already. */
    public void put(Mapping target, String key, Node value) throws YamlException {
        if (target.entry(key).isPresent()) {
            throw new IllegalArgumentException("key '" + key + "' is already in " + target);
        }
        checkEditable(target);
        Mapping.Entry entry = new Mapping.Entry(Scalar.string(key), value);
        int index = target.entries.size();
        target.entries.add(entry);
        value.parent = target;
        if (Spans.findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            splices.insertIntoFlow(target, () -> render.flowEntry(entry));
            return;
        }
        if (target.entries.size() == 1) {
            throw new IllegalStateException("a parsed block mapping cannot be empty");
        }
        Node firstKey = target.entries.get(0).key;
        int column = source.column(firstKey.start);
        Layout local = Layout.local(source, target, render::layout);
        int at = spans.lineAfter(spans.contentEnd(spans.lastParsed(target)));
        splices.addLines(at, 2 * column, () -> Renderer.spaces(column) + render.entry(entry, column, local));
    }

    /**
     * The mapping under {@code key}, made editable: created when missing, and turned into a mapping
     * when the value is empty ({@code key:}, {@code ~}, {@code {}}) or an alias ({@code <<: *alias}).
     */
    public Mapping mappingAt(Mapping parent, String key) throws YamlException {
        var existing = parent.entry(key);
        if (existing.isEmpty()) {
            Mapping created = Mapping.block();
            put(parent, key, created);
            return created;
        }
        Mapping.Entry entry = existing.get();
        Node value = entry.value;
        if (value instanceof Mapping m && !(m.flow && m.entries.isEmpty() && !parent.flow)) {
            return m;
        }
        boolean alias = value instanceof Alias a && a.resolve() instanceof Mapping;
        boolean empty = value instanceof Scalar s && s.isNull() && s.tag == null
                || value instanceof Mapping m && m.entries.isEmpty();
        if (!alias && !empty) {
            throw refusal(value, "'" + key + "' holds " + describe(value) + ", not a mapping");
        }
        checkEditable(parent);
        Mapping replacement = Mapping.block();
        replacement.anchor = value.anchor;
        if (alias) {
            Alias a = (Alias) value;
            replacement.entries.add(new Mapping.Entry(Scalar.plain(Mapping.MERGE_KEY), new Alias(a.name, a.target)));
        }
        entry.value = replacement;
        spans.replaced(replacement, value);
        replacement.parent = parent;
        if (Spans.findSyntheticRoot(parent)) {
            return replacement;
        }
        if (parent.flow) {
            throw refusal(value, "cannot turn an empty value inside a flow mapping into a mapping");
        }
        boolean emptyPlain = value instanceof Scalar s && s.value.isEmpty() && s.style == Scalar.Style.PLAIN;
        int keyEnd = entry.key.end;
        int from = emptyPlain ? keyEnd : spans.valueStart(value);
        if (!emptyPlain) {
            while (from > keyEnd && (source.text.charAt(from - 1) == ' ' || source.text.charAt(from - 1) == '\t')) {
                from--;
            }
            if (from > keyEnd && source.text.charAt(from - 1) == '\n' && value.anchor == null && value.tag == null) {
                // The value stands on a line of its own (Helm renders "resources:\n  {}"): replace it from the
                // end of the line before, so that the new entries do not follow an empty line.
                from = source.lineEnd(from - 1);
            }
        }
        int lineEnd = source.lineEnd(emptyPlain ? keyEnd : value.end);
        String prefix = replacement.anchor != null && !emptyPlain ? " &" + replacement.anchor : "";
        String original = source.text.substring(from, lineEnd);
        String comment = emptyPlain ? original : source.text.substring(value.end, lineEnd);
        int column = source.column(entry.key.start);
        Layout local = Layout.local(source, parent, render::layout);
        splices.splice(from, lineEnd, 2 * column + 1, () -> {
            if (replacement.entries.isEmpty() || alias && replacement.entries.size() == 1) {
                return original;
            }
            StringBuilder out = new StringBuilder(prefix).append(comment);
            for (Mapping.Entry e : replacement.entries) {
                out.append(local.lineBreak()).append(Renderer.spaces(column + local.step()))
                        .append(render.entry(e, column + local.step(), local));
            }
            return out.toString();
        });
        return replacement;
    }

    /** Replaces the value under an existing key with a new node, keeping a comment that follows it. */
    public void replace(Mapping target, String key, Node value) throws YamlException {
        Mapping.Entry entry = target.entry(key).orElseThrow(
                () -> new IllegalArgumentException("no key '" + key + "' in " + target));
        checkEditable(target);
        Node old = entry.value;
        entry.value = value;
        if (!old.isSynthetic()) {
            spans.replaced(value, old);
        } else if (spans.hasOriginal(old)) {
            spans.replaced(value, spans.original(old));
        }
        value.parent = target;
        if (Spans.findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            splices.splice(old.start, old.end, Integer.MAX_VALUE, () -> render.flow(value));
            return;
        }
        boolean emptyPlain = old instanceof Scalar s && s.value.isEmpty() && s.style == Scalar.Style.PLAIN;
        int from = source.text.indexOf(':', entry.key.end) + 1;
        int to = emptyPlain ? from : old.isFlow() || old instanceof Scalar || old instanceof Alias ? old.end
                : source.lineEnd(spans.contentEnd(old));
        int lineEnd = source.lineEnd(to);
        String rest = source.text.substring(to, lineEnd);
        int column = source.column(entry.key.start);
        Layout local = Layout.local(source, target, render::layout);
        splices.splice(from, lineEnd, Integer.MAX_VALUE, () -> {
            String rendered = render.value(value, column, local);
            return rendered.startsWith(" ") ? rendered + rest : rest + rendered;
        });
    }

    /** Adds an item at the end of a sequence. */
    public void append(Sequence target, Node item) throws YamlException {
        checkEditable(target);
        if (item instanceof Scalar s && s.style == null) {
            s.style = siblingQuotes(target);
        }
        target.items.add(item);
        item.parent = target;
        if (Spans.findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            splices.insertIntoFlow(target, () -> render.flow(item));
            return;
        }
        int dash = Layout.dashOffset(source, target.items.get(0));
        if (dash < 0 || !source.text.substring(source.lineStart(dash), dash).isBlank()) {
            throw refusal(target, "cannot find where the sequence's items start");
        }
        int column = source.column(dash);
        int at = spans.lineAfter(spans.contentEnd(spans.lastParsed(target)));
        Layout local = render.layout();
        // an indentless item sits at its parent key's column yet belongs inside it: it ranks deeper
        splices.addLines(at, 2 * column + 1, () -> Renderer.spaces(column) + "- " + render.item(item, column + 2, local));
    }

    /** The quote style every string item of a sequence shares, or null when they do not share one. */
    private static Scalar.Style siblingQuotes(Sequence target) {
        Scalar.Style shared = null;
        for (Node n : target.items) {
            if (!(n instanceof Scalar s) || s.isSynthetic()) {
                continue;
            }
            if (s.style != Scalar.Style.SINGLE_QUOTED && s.style != Scalar.Style.DOUBLE_QUOTED || shared != null && shared != s.style) {
                return null;
            }
            shared = s.style;
        }
        return shared;
    }

    /** Replaces a scalar's value, keeping its anchor, tag and (where still valid) its quoting. */
    public void set(Scalar target, Scalar replacement) throws YamlException {
        checkEditable(target);
        Node parent = target.parent;
        replacement.anchor = target.anchor;
        replacement.tag = target.tag;
        replaceInParent(parent, target, replacement);
        if (target.isSynthetic()) {
            return;
        }
        spans.replaced(replacement, target);
        if (target.style == Scalar.Style.LITERAL || target.style == Scalar.Style.FOLDED) {
            throw refusal(target, "replacing a block scalar (| or >) is not supported");
        }
        if (replacement.style == null && replacement.type == Scalar.Type.STR
                && (target.style == Scalar.Style.SINGLE_QUOTED || target.style == Scalar.Style.DOUBLE_QUOTED)) {
            replacement.style = target.style;
        }
        boolean flow = Spans.insideFlow(target);
        splices.splice(spans.valueStart(target), target.end, Integer.MAX_VALUE, () -> render.scalar(replacement, flow));
    }

    /** Removes a key and its value from a mapping. */
    public void remove(Mapping target, String key) throws YamlException {
        Mapping.Entry entry = target.entry(key).orElseThrow(
                () -> new IllegalArgumentException("no key '" + key + "' in " + target));
        checkEditable(target);
        int index = target.entries.indexOf(entry);
        if (!target.isSynthetic() && !Spans.findSyntheticRoot(target) && target.entries.size() == 1) {
            throw refusal(target, "removing the only key of a mapping is not supported");
        }
        target.entries.remove(entry);
        if (target.isSynthetic() || Spans.findSyntheticRoot(target)) {
            return;
        }
        removeSpan(target.flow, entry.key, spans.contentEnd(entry), index, target.entries.size(),
                i -> target.entries.get(i).key, i -> spans.contentEnd(target.entries.get(i)));
    }

    /** Removes the item at {@code index} from a sequence. */
    public void remove(Sequence target, int index) throws YamlException {
        checkEditable(target);
        if (!target.isSynthetic() && !Spans.findSyntheticRoot(target) && target.items.size() == 1) {
            throw refusal(target, "removing the only item of a sequence is not supported");
        }
        Node item = target.items.remove(index);
        if (target.isSynthetic() || Spans.findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            removeSpan(true, item, spans.contentEnd(item), index, target.items.size(),
                    i -> target.items.get(i), i -> spans.contentEnd(target.items.get(i)));
            return;
        }
        int dash = Layout.dashOffset(source, item);
        if (dash < 0 || !source.text.substring(source.lineStart(dash), dash).isBlank()) {
            throw refusal(item, "cannot remove an item that does not start its own line");
        }
        splices.splice(source.lineStart(dash), spans.lineAfter(spans.contentEnd(item)), Integer.MAX_VALUE, () -> "");
    }

    /** Writes the edits into the original text and checks the result; the file's bytes, BOM and all. */
    public byte[] apply() throws YamlException {
        return source.encode(applyText());
    }

    /** Writes the edits into the original text (without BOM) and checks the result. */
    public String applyText() throws YamlException {
        String result = splices.write();
        ReparseCheck.check(result, file.documents());
        return result;
    }

    private void replaceInParent(Node parent, Node old, Node replacement) {
        if (parent instanceof Mapping m) {
            for (Mapping.Entry e : m.entries) {
                if (e.value == old) {
                    e.value = replacement;
                }
            }
        } else if (parent instanceof Sequence s) {
            s.items.replaceAll(n -> n == old ? replacement : n);
        } else {
            throw new IllegalArgumentException("only values inside a mapping or sequence can be replaced");
        }
        replacement.parent = parent;
    }

    private void checkEditable(Node target) throws YamlException {
        if (!allowShared && shared.contains(target)) {
            throw refusal(target, "this node is shared through an anchor; editing it would change every alias");
        }
    }

    private YamlException refusal(Node at, String reason) {
        Node located = at;
        for (Node p = at; located.isSynthetic() && p != null; p = p.parent) {
            located = p;
        }
        int offset = Math.max(0, located.start);
        return new YamlException(YamlException.Kind.EDIT, file.line(offset), file.column(offset), reason);
    }

    private static String describe(Node n) {
        if (n instanceof Scalar s) {
            return "the scalar '" + s.value + "'";
        }
        return n instanceof Sequence ? "a sequence" : "an alias";
    }

    private void removeSpan(boolean flow, Node first, int contentEnd, int index, int remaining,
                            IntFunction<Node> startOf, IntUnaryOperator endOf)
            throws YamlException {
        if (flow) {
            if (index < remaining) {
                splices.splice(first.start, startOf.apply(index).start, Integer.MAX_VALUE, () -> "");
            } else {
                splices.splice(endOf.applyAsInt(index - 1), contentEnd, Integer.MAX_VALUE, () -> "");
            }
            return;
        }
        int lineStart = source.lineStart(first.start);
        if (source.text.substring(lineStart, first.start).isBlank()) {
            splices.splice(lineStart, spans.lineAfter(contentEnd), Integer.MAX_VALUE, () -> "");
        } else if (index < remaining) {
            splices.splice(first.start, startOf.apply(index).start, Integer.MAX_VALUE, () -> "");
        } else {
            throw refusal(first, "cannot remove the only key on a line shared with its parent");
        }
    }
}
