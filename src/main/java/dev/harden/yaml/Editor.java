package dev.harden.yaml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Edits a parsed file by splicing new text into the original at the positions the parser reported.
 * Every edit updates the node tree at once, so later reads see it; {@link #apply()} writes the text
 * and re-parses it to check that exactly the intended tree came out.
 *
 * <p>Edits inside a node that an alias refers to would change every alias too; they are refused
 * unless {@link #allowShared()} was called for this batch.
 */
public final class Editor {
    private static final Pattern PLAIN_UNSAFE_START = Pattern.compile("^[-?:,\\[\\]{}#&*!|>'\"%@`\\s].*", Pattern.DOTALL);
    private static final Pattern YAML11_SPECIAL = Pattern.compile(
            "y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|=|<<"
            + "|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
            + "|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
            + "|[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?"
            + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");

    private final YamlFile file;
    private final Source source;
    private final List<Splice> splices = new ArrayList<>();
    /** New items of existing flow collections, rendered together when the edit is applied. */
    private final Map<Node, List<Supplier<String>>> flowInserts = new IdentityHashMap<>();
    /** The longest line a flow mapping in block context may grow to before new entries go on lines of their own. */
    private static final int MAX_FLOW_LINE = 80;
    /** Parsed nodes that an edit replaced, by their replacement: their text still says where things end. */
    private final Map<Node, Node> originals = new IdentityHashMap<>();
    private Layout layout;
    private Set<Node> shared;
    private boolean allowShared;
    /** Anchored nodes whose aliases this batch may change along with them. */
    private final Set<Node> aliasedOnPurpose = Collections.newSetFromMap(new IdentityHashMap<>());
    private int sequence;

    /** A piece of new text replacing {@code [start, end)} of the original, rendered when applied. */
    private record Splice(int start, int end, int depth, int order, Supplier<String> text) { }

    Editor(YamlFile file) {
        this.file = file;
        this.source = file.source;
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
        if (aliasedOnPurpose.add(anchored)) {
            shared = null;
        }
        return this;
    }

    /** Whether an alias refers to this node or to a node containing it. */
    public boolean isShared(Node node) {
        if (!file.hasAliases()) {
            return false;
        }
        if (shared == null) {
            shared = Collections.newSetFromMap(new IdentityHashMap<>());
            Deque<Node> todo = new ArrayDeque<>();
            walk(n -> {
                if (n instanceof Alias a && !aliasedOnPurpose.contains(a.target)) {
                    todo.push(a.target);
                }
            });
            while (!todo.isEmpty()) {
                Node n = todo.pop();
                if (n instanceof Alias || !shared.add(n)) {
                    continue;
                }
                children(n).forEach(todo::push);
            }
        }
        Node n = node;
        while (n != null) {
            if (shared.contains(n)) {
                return true;
            }
            n = parent(n);
        }
        return false;
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
        if (findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            insertIntoFlow(target, () -> renderFlowEntry(entry));
            return;
        }
        if (target.entries.size() == 1) {
            throw new IllegalStateException("a parsed block mapping cannot be empty");
        }
        Node firstKey = target.entries.get(0).key;
        int column = source.column(firstKey.start);
        Layout local = Layout.local(source, target, this::layout);
        int at = lineAfter(contentEnd(lastParsed(target)));
        addLines(at, 2 * column, () -> spaces(column) + renderEntry(entry, column, local));
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
        originals.put(replacement, value);
        replacement.parent = parent;
        if (findSyntheticRoot(parent)) {
            return replacement;
        }
        if (parent.flow) {
            throw refusal(value, "cannot turn an empty value inside a flow mapping into a mapping");
        }
        boolean emptyPlain = value instanceof Scalar s && s.value.isEmpty() && s.style == Scalar.Style.PLAIN;
        int keyEnd = entry.key.end;
        int from = emptyPlain ? keyEnd : valueStart(value);
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
        Layout local = Layout.local(source, parent, this::layout);
        splice(from, lineEnd, 2 * column + 1, () -> {
            if (replacement.entries.isEmpty() || alias && replacement.entries.size() == 1) {
                return original;
            }
            StringBuilder out = new StringBuilder(prefix).append(comment);
            for (Mapping.Entry e : replacement.entries) {
                out.append(local.lineBreak()).append(spaces(column + local.step()))
                        .append(renderEntry(e, column + local.step(), local));
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
            originals.put(value, old);
        } else if (originals.containsKey(old)) {
            originals.put(value, originals.get(old));
        }
        value.parent = target;
        if (findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            splice(old.start, old.end, Integer.MAX_VALUE, () -> renderFlow(value));
            return;
        }
        boolean emptyPlain = old instanceof Scalar s && s.value.isEmpty() && s.style == Scalar.Style.PLAIN;
        int from = source.text.indexOf(':', entry.key.end) + 1;
        int to = emptyPlain ? from : old.isFlow() || old instanceof Scalar || old instanceof Alias ? old.end
                : source.lineEnd(contentEnd(old));
        int lineEnd = source.lineEnd(to);
        String rest = source.text.substring(to, lineEnd);
        int column = source.column(entry.key.start);
        Layout local = Layout.local(source, target, this::layout);
        splice(from, lineEnd, Integer.MAX_VALUE, () -> {
            String rendered = renderValue(value, column, local);
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
        if (findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            insertIntoFlow(target, () -> renderFlow(item));
            return;
        }
        int dash = Layout.dashOffset(source, target.items.get(0));
        if (dash < 0 || !source.text.substring(source.lineStart(dash), dash).isBlank()) {
            throw refusal(target, "cannot find where the sequence's items start");
        }
        int column = source.column(dash);
        int at = lineAfter(contentEnd(lastParsed(target)));
        Layout local = layout();
        // an indentless item sits at its parent key's column yet belongs inside it: it ranks deeper
        addLines(at, 2 * column + 1, () -> spaces(column) + "- " + renderItem(item, column + 2, local));
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
        Node parent = parent(target);
        replacement.anchor = target.anchor;
        replacement.tag = target.tag;
        replaceInParent(parent, target, replacement);
        if (target.isSynthetic()) {
            return;
        }
        originals.put(replacement, target);
        if (target.style == Scalar.Style.LITERAL || target.style == Scalar.Style.FOLDED) {
            throw refusal(target, "replacing a block scalar (| or >) is not supported");
        }
        if (replacement.style == null && replacement.type == Scalar.Type.STR
                && (target.style == Scalar.Style.SINGLE_QUOTED || target.style == Scalar.Style.DOUBLE_QUOTED)) {
            replacement.style = target.style;
        }
        boolean flow = insideFlow(target);
        splice(valueStart(target), target.end, Integer.MAX_VALUE, () -> renderScalar(replacement, flow));
    }

    /** Removes a key and its value from a mapping. */
    public void remove(Mapping target, String key) throws YamlException {
        Mapping.Entry entry = target.entry(key).orElseThrow(
                () -> new IllegalArgumentException("no key '" + key + "' in " + target));
        checkEditable(target);
        int index = target.entries.indexOf(entry);
        if (!target.isSynthetic() && !findSyntheticRoot(target) && target.entries.size() == 1) {
            throw refusal(target, "removing the only key of a mapping is not supported");
        }
        target.entries.remove(entry);
        if (target.isSynthetic() || findSyntheticRoot(target)) {
            return;
        }
        removeSpan(target.flow, entry.key, contentEnd(entry), index, target.entries.size(),
                i -> target.entries.get(i).key, i -> contentEnd(target.entries.get(i)));
    }

    /** Removes the item at {@code index} from a sequence. */
    public void remove(Sequence target, int index) throws YamlException {
        checkEditable(target);
        if (!target.isSynthetic() && !findSyntheticRoot(target) && target.items.size() == 1) {
            throw refusal(target, "removing the only item of a sequence is not supported");
        }
        Node item = target.items.remove(index);
        if (target.isSynthetic() || findSyntheticRoot(target)) {
            return;
        }
        if (target.flow) {
            removeSpan(true, item, contentEnd(item), index, target.items.size(),
                    i -> target.items.get(i), i -> contentEnd(target.items.get(i)));
            return;
        }
        int dash = Layout.dashOffset(source, item);
        if (dash < 0 || !source.text.substring(source.lineStart(dash), dash).isBlank()) {
            throw refusal(item, "cannot remove an item that does not start its own line");
        }
        splice(source.lineStart(dash), lineAfter(contentEnd(item)), Integer.MAX_VALUE, () -> "");
    }

    /** Writes the edits into the original text and checks the result; the file's bytes, BOM and all. */
    public byte[] apply() throws YamlException {
        return source.encode(applyText());
    }

    /** Writes the edits into the original text (without BOM) and checks the result. */
    public String applyText() throws YamlException {
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
        String result = out.toString();
        verify(result);
        return result;
    }

    private void verify(String result) throws YamlException {
        int difference;
        try {
            difference = Verifier.firstDifference(result, file.documents());
        } catch (org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException e) {
            if (Boolean.getBoolean("harden.debug")) {
                System.err.println(result);
            }
            var mark = e.getProblemMark().or(e::getContextMark);
            throw new YamlException(YamlException.Kind.EDIT, mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), "harden's edit produced invalid YAML ("
                    + String.valueOf(e.getProblem()).replaceAll("\\s+", " ") + "); the file was left untouched (a bug: please report it)");
        } catch (org.snakeyaml.engine.v2.exceptions.YamlEngineException e) {
            throw new YamlException(YamlException.Kind.EDIT, 1, 1, "harden's edit produced invalid YAML; the file was left untouched (a bug: please report it)");
        }
        if (difference >= 0) {
            Source out = Source.of(result);
            int at = out.offset(difference);
            throw new YamlException(YamlException.Kind.EDIT, out.lineNumber(at), out.column(at) + 1,
                    "harden's edit did not produce the intended YAML near here; the file was left untouched (a bug: please report it)");
        }
    }

    // ---- where things are -------------------------------------------------------------------

    /** Where a node's content really ends: block collections end at the next token, so descend. */
    private int contentEnd(Node node) {
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
    private Mapping.Entry lastParsed(Mapping m) {
        for (int i = m.entries.size() - 1; i >= 0; i--) {
            if (!m.entries.get(i).key.isSynthetic()) {
                return m.entries.get(i);
            }
        }
        throw new IllegalStateException("a parsed mapping has no parsed entry");
    }

    /** The last item that came from the text (or replaced one that did). */
    private Node lastParsed(Sequence s) {
        for (int i = s.items.size() - 1; i >= 0; i--) {
            Node item = s.items.get(i);
            if (!originals.getOrDefault(item, item).isSynthetic()) {
                return item;
            }
        }
        throw new IllegalStateException("a parsed sequence has no parsed item");
    }

    private int contentEnd(Mapping.Entry e) {
        Node value = originals.getOrDefault(e.value, e.value);
        if (value instanceof Scalar s && s.value.isEmpty() && s.style == Scalar.Style.PLAIN && s.tag == null
                && s.anchor == null) {
            return e.key.end;
        }
        return contentEnd(value);
    }

    /** The start of the line after the one holding {@code offset}; the text length at the end. */
    private int lineAfter(int offset) {
        return source.nextLineStart(offset);
    }

    private int valueStart(Node n) {
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

    private boolean insideFlow(Node n) {
        for (Node p = parent(n); p != null; p = parent(p)) {
            if (p.isFlow()) {
                return true;
            }
        }
        return false;
    }

    /** True when a node is synthetic or sits inside a synthetic node, so its text is rendered later. */
    private boolean findSyntheticRoot(Node n) {
        for (Node p = n; p != null; p = parent(p)) {
            if (p.isSynthetic()) {
                return true;
            }
        }
        return false;
    }

    private static Node parent(Node n) {
        return n.parent;
    }

    private static List<Node> children(Node n) {
        List<Node> result = new ArrayList<>();
        if (n instanceof Mapping m) {
            for (Mapping.Entry e : m.entries) {
                result.add(e.key);
                result.add(e.value);
            }
        } else if (n instanceof Sequence s) {
            result.addAll(s.items);
        }
        return result;
    }

    private void walk(java.util.function.Consumer<Node> visitor) {
        Deque<Node> todo = new ArrayDeque<>(file.documents());
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            visitor.accept(n);
            if (!(n instanceof Alias)) {
                children(n).forEach(todo::push);
            }
        }
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
        if (!allowShared && isShared(target)) {
            throw refusal(target, "this node is shared through an anchor; editing it would change every alias");
        }
    }

    private YamlException refusal(Node at, String reason) {
        Node located = at;
        for (Node p = at; located.isSynthetic() && p != null; p = parent(p)) {
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

    // ---- writing new text ------------------------------------------------------------------

    private Layout layout() {
        if (layout == null) {
            layout = Layout.of(file);
        }
        return layout;
    }

    private void splice(int start, int end, int depth, Supplier<String> text) {
        splices.add(new Splice(start, end, depth, sequence++, text));
    }

    /**
     * Inserts whole lines at a line start, or after a line break of its own at the end of a file
     * without one; at one offset, deeper insertions go first.
     */
    private void addLines(int at, int depth, Supplier<String> line) {
        String lb = source.lineBreak();
        boolean noFinalBreak = at == source.text.length() && !source.text.isEmpty() && !source.endsWithLineBreak();
        splice(at, at, depth, () -> noFinalBreak ? lb + line.get() : line.get() + lb);
    }

    private void insertIntoFlow(Node target, Supplier<String> item) {
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
        splice(at, at, Integer.MAX_VALUE - 1, () -> renderFlowInsert(target, before, at, items));
    }

    /** Every new item of one flow collection, in the order added, as the text inserted before its end. */
    private String renderFlowInsert(Node target, char before, int at, List<Supplier<String>> items) {
        List<String> rendered = items.stream().map(Supplier::get).toList();
        StringBuilder inline = new StringBuilder();
        for (String item : rendered) {
            boolean first = inline.length() == 0;
            inline.append(first && (before == '{' || before == '[') ? "" : first && before == ',' ? " " : ", ").append(item);
        }
        int lineLength = source.lineEnd(at) - source.lineStart(at) + inline.length();
        if (!(target instanceof Mapping m) || insideFlow(target) || lineLength <= MAX_FLOW_LINE) {
            return inline.toString();
        }
        // A flow mapping in block context (a service or a container written on one line) that would
        // outgrow its line gets one new entry per line: easier to review than one long line.
        String indent = " ".repeat(flowEntryIndent(m));
        StringBuilder lines = new StringBuilder();
        for (String item : rendered) {
            boolean first = lines.length() == 0;
            lines.append(first && (before == '{' || before == ',') ? "" : ",").append(source.lineBreak()).append(indent).append(item);
        }
        return lines.toString();
    }

    /** Where a new line of a flow mapping starts: under its last entry when that begins a line, else two past its line's. */
    private int flowEntryIndent(Mapping m) {
        String t = source.text;
        Node lastKey = null;
        for (Mapping.Entry e : m.entries) {
            if (e.key.start >= 0) {
                lastKey = e.key; // entries added by this editor have no text yet
            }
        }
        if (lastKey != null) {
            int lineStart = source.lineStart(lastKey.start);
            if (lineStart > m.start && t.substring(lineStart, lastKey.start).isBlank()) {
                return lastKey.start - lineStart;
            }
        }
        int lineStart = source.lineStart(m.start);
        int first = lineStart;
        while (first < t.length() && t.charAt(first) == ' ') {
            first++;
        }
        return first - lineStart + 2;
    }

    private void removeSpan(boolean flow, Node first, int contentEnd, int index, int remaining,
                            java.util.function.IntFunction<Node> startOf, java.util.function.IntUnaryOperator endOf)
            throws YamlException {
        if (flow) {
            if (index < remaining) {
                splice(first.start, startOf.apply(index).start, Integer.MAX_VALUE, () -> "");
            } else {
                splice(endOf.applyAsInt(index - 1), contentEnd, Integer.MAX_VALUE, () -> "");
            }
            return;
        }
        int lineStart = source.lineStart(first.start);
        if (source.text.substring(lineStart, first.start).isBlank()) {
            splice(lineStart, lineAfter(contentEnd), Integer.MAX_VALUE, () -> "");
        } else if (index < remaining) {
            splice(first.start, startOf.apply(index).start, Integer.MAX_VALUE, () -> "");
        } else {
            throw refusal(first, "cannot remove the only key on a line shared with its parent");
        }
    }

    private String renderEntry(Mapping.Entry e, int column, Layout l) {
        String key = e.key instanceof Scalar s ? renderScalar(s, false) : renderInline(e.key, false);
        return key + ":" + renderValue(e.value, column, l);
    }

    /** A mapping value as it follows {@code key:}, starting with a space or a line break. */
    private String renderValue(Node v, int column, Layout l) {
        if (v instanceof Mapping m && !m.flow && !m.entries.isEmpty()) {
            StringBuilder out = new StringBuilder();
            if (m.anchor != null) {
                out.append(" &").append(m.anchor);
            }
            for (Mapping.Entry e : m.entries) {
                out.append(l.lineBreak()).append(spaces(column + l.step())).append(renderEntry(e, column + l.step(), l));
            }
            return out.toString();
        }
        if (v instanceof Sequence s && !s.flow && !s.items.isEmpty()) {
            StringBuilder out = new StringBuilder();
            if (s.anchor != null) {
                out.append(" &").append(s.anchor);
            }
            int dash = column + l.sequenceOffset();
            for (Node item : s.items) {
                out.append(l.lineBreak()).append(spaces(dash)).append("- ").append(renderItem(item, dash + 2, l));
            }
            return out.toString();
        }
        return " " + renderInline(v, false);
    }

    /** A sequence item as it follows {@code - }, its continuation lines at {@code column}. */
    private String renderItem(Node item, int column, Layout l) {
        if (item instanceof Mapping m && !m.flow && !m.entries.isEmpty() && m.anchor == null) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < m.entries.size(); i++) {
                if (i > 0) {
                    out.append(l.lineBreak()).append(spaces(column));
                }
                out.append(renderEntry(m.entries.get(i), column, l));
            }
            return out.toString();
        }
        if (item instanceof Sequence s && !s.flow && !s.items.isEmpty() && s.anchor == null) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < s.items.size(); i++) {
                if (i > 0) {
                    out.append(l.lineBreak()).append(spaces(column));
                }
                out.append("- ").append(renderItem(s.items.get(i), column + 2, l));
            }
            return out.toString();
        }
        return renderInline(item, false);
    }

    private String renderFlowEntry(Mapping.Entry e) {
        String key = e.key instanceof Scalar s ? renderScalar(s, true) : renderFlow(e.key);
        return key + ": " + renderFlow(e.value);
    }

    /** A node inside a flow collection. */
    private String renderFlow(Node n) {
        return renderInline(n, true);
    }

    /** A node on one line: scalars and aliases as such, collections in flow style. */
    private String renderInline(Node n, boolean flowContext) {
        String prefix = n.anchor != null ? "&" + n.anchor + " " : "";
        if (n instanceof Alias a) {
            return "*" + a.name;
        }
        if (n instanceof Scalar s) {
            return prefix + renderScalar(s, flowContext);
        }
        if (n instanceof Sequence s) {
            List<String> parts = new ArrayList<>();
            s.items.forEach(i -> parts.add(renderFlow(i)));
            return prefix + "[" + String.join(", ", parts) + "]";
        }
        Mapping m = (Mapping) n;
        List<String> parts = new ArrayList<>();
        m.entries.forEach(e -> parts.add(renderFlowEntry(e)));
        return prefix + "{" + String.join(", ", parts) + "}";
    }

    String renderScalar(Scalar s, boolean flow) {
        Scalar.Style style = s.style;
        if (style == null) {
            style = !s.preferQuoted && plainSafe(s.value, flow) ? Scalar.Style.PLAIN
                    : layout().quote() == '\'' && s.value.chars().noneMatch(c -> c < 0x20 || c == '\\')
                    ? Scalar.Style.SINGLE_QUOTED : Scalar.Style.DOUBLE_QUOTED;
        }
        return switch (style) {
            case PLAIN -> s.value;
            case SINGLE_QUOTED -> "'" + s.value.replace("'", "''") + "'";
            default -> doubleQuoted(s.value);
        };
    }

    /** Whether a string can be written plain and still read back as the same string, in YAML 1.1 and 1.2. */
    static boolean plainSafe(String value, boolean flow) {
        if (value.isEmpty() || PLAIN_UNSAFE_START.matcher(value).matches() || value.endsWith(" ")
                || value.endsWith(":") || value.contains(": ") || value.contains(" #") || value.contains("\t")) {
            return false;
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == 0xFEFF)) {
            return false;
        }
        if (flow && value.chars().anyMatch(c -> c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':')) {
            return false;
        }
        return Scalar.resolvePlain(value) == Scalar.Type.STR && !YAML11_SPECIAL.matcher(value).matches();
    }

    private static String doubleQuoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String spaces(int n) {
        return " ".repeat(n);
    }
}
