package dev.harden.yaml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A YAML stream parsed into {@link Node}s that remember where they stand in the original text.
 * Built from snakeyaml-engine's parser events, so aliases stay aliases and merge keys stay keys.
 */
public final class YamlFile {
    private static final Pattern TEMPLATE_ACTION = Pattern.compile(
            "(^|\\n)[ \\t]*(- +)?\\{\\{|:[ \\t]+\\{\\{|\\{\\{-?\\s*(if|else|end|range|with|define|template|include|block|toYaml)\\b");
    private static final Map<String, Scalar.Type> CORE_TAGS = Map.of(
            "tag:yaml.org,2002:str", Scalar.Type.STR,
            "tag:yaml.org,2002:int", Scalar.Type.INT,
            "tag:yaml.org,2002:float", Scalar.Type.FLOAT,
            "tag:yaml.org,2002:bool", Scalar.Type.BOOL,
            "tag:yaml.org,2002:null", Scalar.Type.NULL);

    final Source source;
    private final List<Node> documents;
    private final boolean aliases;

    private YamlFile(Source source, List<Node> documents, boolean aliases) {
        this.source = source;
        this.documents = documents;
        this.aliases = aliases;
    }

    /** Whether any alias ({@code *name}) occurs, so some node may be shared. */
    boolean hasAliases() {
        return aliases;
    }

    /** Decodes and parses a file's bytes. */
    public static YamlFile parse(byte[] bytes, Limits limits) throws YamlException {
        return parse(Source.decode(bytes, limits), limits);
    }

    /** Parses text that has no byte order mark. */
    public static YamlFile parse(String text) throws YamlException {
        return parse(Source.of(text), Limits.DEFAULT);
    }

    static YamlFile parse(Source source, Limits limits) throws YamlException {
        try {
            Builder builder = new Builder(source, limits);
            List<Node> docs = builder.build();
            YamlFile file = new YamlFile(source, docs, builder.aliases);
            file.refuseTemplateActions();
            return file;
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            int line = mark == null ? 1 : mark.getLine() + 1;
            int column = mark == null ? 1 : mark.getColumn() + 1;
            throw templateOr(source, line, new YamlException(YamlException.Kind.SYNTAX, line, column,
                    "YAML syntax error: " + oneLine(e.getProblem() != null ? e.getProblem() : e.getContext())));
        } catch (YamlEngineException e) {
            throw new YamlException(YamlException.Kind.SYNTAX, 1, 1, "YAML error: " + oneLine(e.getMessage()));
        }
    }

    /** The type an explicit tag gives a scalar; tags outside the core schema read as strings. */
    static Scalar.Type typeOfTag(String tag) {
        return CORE_TAGS.getOrDefault(tag, Scalar.Type.STR);
    }

    /** The documents of the stream, in order; an empty document's root is a null scalar. */
    public List<Node> documents() {
        return Collections.unmodifiableList(documents);
    }

    /** The text parsed (without a byte order mark). */
    public String text() {
        return source.text;
    }

    /** 1-based line of an offset in {@link #text()}. */
    public int line(int offset) {
        return source.lineNumber(offset);
    }

    /** 1-based column of an offset in {@link #text()}. */
    public int column(int offset) {
        return source.column(offset) + 1;
    }

    /** The file's bytes exactly as read: byte order mark and all. */
    public byte[] bytes() {
        return source.encode(source.text);
    }

    /** Starts a batch of edits on this file. */
    public Editor edit() {
        return new Editor(this);
    }

    private static String oneLine(String s) {
        return s == null ? "unknown problem" : s.replaceAll("\\s+", " ").trim();
    }

    private static YamlException templateOr(Source source, int errorLine, YamlException syntax) {
        var m = TEMPLATE_ACTION.matcher(source.text);
        while (m.find()) {
            int offset = m.start() + (m.group(1) != null ? m.group(1).length() : 0);
            int line = source.lineNumber(offset);
            if (line <= errorLine + 1) {
                return templateError(line, source.column(offset) + 1);
            }
        }
        return syntax;
    }

    private static YamlException templateError(int line, int column) {
        return new YamlException(YamlException.Kind.TEMPLATE, line, column,
                "Go/Helm template action '{{ ... }}' outside a string; render it first (helm template) and harden the output");
    }

    /** A mapping used as a key, as in {@code {{ .Values.x }}}, is a template action that parsed by accident. */
    private void refuseTemplateActions() throws YamlException {
        if (!source.text.contains("{{")) {
            return;
        }
        // the node tree is a tree once aliases are skipped, so no node is met twice
        Deque<Node> todo = new ArrayDeque<>(documents);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n instanceof Alias) {
                continue;
            }
            if (n instanceof Mapping m) {
                for (Mapping.Entry e : m.entries) {
                    if (m.flow && e.key instanceof Mapping k && k.flow) {
                        throw templateError(line(m.start), column(m.start));
                    }
                    todo.push(e.key);
                    todo.push(e.value);
                }
            } else if (n instanceof Sequence s) {
                s.items.forEach(todo::push);
            }
        }
    }

    /** Turns parser events into nodes, refusing duplicate keys and checking depth and alias expansion. */
    private static final class Builder {
        private final Source source;
        private final Limits limits;
        private final Deque<Node> stack = new ArrayDeque<>();
        private final Map<Mapping, Set<String>> keysSeen = new IdentityHashMap<>();
        private final Map<String, Node> anchors = new HashMap<>();
        private final List<Node> documents = new ArrayList<>();
        private boolean aliases;

        Builder(Source source, Limits limits) {
            this.source = source;
            this.limits = limits;
        }

        List<Node> build() throws YamlException {
            LoadSettings settings = LoadSettings.builder()
                    .setParseComments(false)
                    .setUseMarks(true)
                    .setCodePointLimit((int) Math.min(Integer.MAX_VALUE - 1, limits.maxBytes()) + 1)
                    // the reader copies its whole window each time it reads another buffer-full, which over
                    // a long token (a 5 MB scalar) is quadratic: read the text, already in memory, at once
                    .setBufferSize(Math.max(1024, source.text.length() + 1))
                    .build();
            for (Event event : new Parse(settings).parseString(source.text)) {
                switch (event.getEventId()) {
                    case MappingStart -> open(new Mapping(((CollectionStartEvent) event).isFlow()), event);
                    case SequenceStart -> open(new Sequence(((CollectionStartEvent) event).isFlow()), event);
                    case MappingEnd, SequenceEnd -> close(event);
                    case Scalar -> add(scalar((ScalarEvent) event), event);
                    case Alias -> add(alias((AliasEvent) event), event);
                    case DocumentStart -> anchors.clear();
                    default -> { }
                }
            }
            return documents;
        }

        private Scalar scalar(ScalarEvent e) {
            Scalar.Style style = switch (e.getScalarStyle()) {
                case PLAIN -> Scalar.Style.PLAIN;
                case SINGLE_QUOTED -> Scalar.Style.SINGLE_QUOTED;
                case LITERAL -> Scalar.Style.LITERAL;
                case FOLDED -> Scalar.Style.FOLDED;
                default -> Scalar.Style.DOUBLE_QUOTED;
            };
            String tag = e.getTag().orElse(null);
            Scalar.Type type;
            if (tag != null) {
                type = typeOfTag(tag);
            } else {
                type = e.getScalarStyle() == ScalarStyle.PLAIN ? Scalar.resolvePlain(e.getValue()) : Scalar.Type.STR;
            }
            Scalar s = new Scalar(e.getValue(), style, type);
            s.tag = tag;
            return s;
        }

        private Alias alias(AliasEvent e) throws YamlException {
            String name = e.getAlias().getValue();
            Node target = anchors.get(name);
            if (target == null) {
                throw error(YamlException.Kind.SYNTAX, e, "alias *" + name + " refers to no anchor defined before it");
            }
            if (stack.contains(target)) {
                throw error(YamlException.Kind.LIMIT, e, "alias *" + name + " refers to a node that contains it (recursive)");
            }
            aliases = true;
            return new Alias(name, target);
        }

        private void open(Node node, Event event) throws YamlException {
            if (stack.size() >= limits.maxDepth()) {
                throw error(YamlException.Kind.LIMIT, event, "nesting deeper than " + limits.maxDepth() + " levels");
            }
            place(node, event);
            stack.push(node);
        }

        private void add(Node node, Event event) throws YamlException {
            place(node, event);
            node.end = offset(event.getEndMark());
            finish(node, event);
        }

        private void place(Node node, Event event) {
            node.start = offset(event.getStartMark());
            if (!(event instanceof AliasEvent) && event instanceof NodeEvent ne && ne.getAnchor().isPresent()) {
                node.anchor = ne.getAnchor().get().getValue();
                anchors.put(node.anchor, node);
            }
            if (event instanceof CollectionStartEvent ce) {
                node.tag = ce.getTag().orElse(null);
            }
        }

        private void close(Event event) throws YamlException {
            Node node = stack.pop();
            node.end = offset(event.getEndMark());
            finish(node, event);
        }

        /** Attaches a complete node to its parent and counts what it expands to. */
        private void finish(Node node, Event event) throws YamlException {
            long size = 1;
            if (node instanceof Alias a) {
                size = size(a.target);
            } else if (node instanceof Mapping m) {
                for (Mapping.Entry e : m.entries) {
                    size = sum(size, sum(size(e.key), size(e.value)));
                }
                keysSeen.remove(m);
                m.pendingKey = null;
            } else if (node instanceof Sequence s) {
                for (Node item : s.items) {
                    size = sum(size, size(item));
                }
            }
            if (size > limits.maxExpandedNodes()) {
                throw error(YamlException.Kind.LIMIT, event, "aliases expand to more than " + limits.maxExpandedNodes()
                        + " nodes (an alias bomb?)");
            }
            node.expanded = size;
            Node parent = stack.peek();
            node.parent = parent;
            if (parent == null) {
                documents.add(node);
            } else if (parent instanceof Sequence s) {
                s.items.add(node);
            } else if (parent instanceof Mapping m) {
                Node key = m.pendingKey;
                if (key == null) {
                    m.pendingKey = node;
                    return;
                }
                m.pendingKey = null;
                m.entries.add(new Mapping.Entry(key, node));
                if (key instanceof Scalar k && isDuplicate(m, k.value)) {
                    throw duplicate(m, k);
                }
            }
        }

        private long size(Node n) {
            return n.expanded;
        }

        /** Whether the last key added repeats an earlier one; small mappings are scanned, large ones hashed. */
        private boolean isDuplicate(Mapping m, String key) {
            int n = m.entries.size();
            if (n <= 16) {
                for (int i = 0; i < n - 1; i++) {
                    if (key.equals(m.entries.get(i).keyText())) {
                        return true;
                    }
                }
                return false;
            }
            Set<String> seen = keysSeen.get(m);
            if (seen == null) {
                seen = new HashSet<>();
                for (int i = 0; i < n - 1; i++) {
                    String k = m.entries.get(i).keyText();
                    if (k != null) {
                        seen.add(k);
                    }
                }
                keysSeen.put(m, seen);
            }
            return !seen.add(key);
        }

        /**
         * Tools disagree on which of two equal keys wins (some take the first, Compose the last, some
         * refuse), so a file with one cannot be checked or fixed with any confidence.
         */
        private YamlException duplicate(Mapping m, Scalar key) {
            int first = m.entries.stream().filter(e -> key.value.equals(e.keyText())).findFirst().orElseThrow().key.start;
            return new YamlException(YamlException.Kind.SYNTAX, source.lineNumber(key.start), source.column(key.start) + 1,
                    "duplicate key '" + key.value + "' (first at line " + source.lineNumber(first) + ")");
        }

        private static long sum(long a, long b) {
            long s = a + b;
            return s < 0 ? Long.MAX_VALUE : s;
        }

        private int offset(Optional<Mark> mark) {
            return mark.map(m -> source.offset(m.getIndex())).orElse(-1);
        }

        private YamlException error(YamlException.Kind kind, Event event, String reason) {
            Mark m = event.getStartMark().orElse(null);
            return new YamlException(kind, m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, reason);
        }
    }
}
