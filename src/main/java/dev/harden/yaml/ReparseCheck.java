package dev.harden.yaml;

import java.util.Iterator;
import java.util.List;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Re-parses an edited text and compares it with the node tree the edits intended, by walking the
 * tree alongside the parser's events: values, types, anchors, aliases and order, without building a
 * second tree.
 */
final class ReparseCheck {
    private final Iterator<Event> events;
    private Event last;

    private ReparseCheck(String text) {
        // one buffer for the whole text: see YamlFile's parser settings
        LoadSettings settings = LoadSettings.builder().setParseComments(false).setUseMarks(true)
                .setCodePointLimit(Integer.MAX_VALUE).setBufferSize(Math.max(1024, text.length() + 1)).build();
        this.events = new Parse(settings).parseString(text).iterator();
    }

    /** Refuses an edit's result unless it parses to exactly the documents the edits intended. */
    static void check(String result, List<Node> documents) throws YamlException {
        int difference;
        try {
            difference = firstDifference(result, documents);
        } catch (MarkedYamlEngineException e) {
            if (Boolean.getBoolean("harden.debug")) {
                System.err.println(result);
            }
            var mark = e.getProblemMark().or(e::getContextMark);
            throw new YamlException(YamlException.Kind.EDIT, mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), "harden's edit produced invalid YAML ("
                    + String.valueOf(e.getProblem()).replaceAll("\\s+", " ") + "); the file was left untouched (a bug: please report it)");
        } catch (YamlEngineException e) {
            throw new YamlException(YamlException.Kind.EDIT, 1, 1, "harden's edit produced invalid YAML; the file was left untouched (a bug: please report it)");
        }
        if (difference >= 0) {
            Source out = Source.of(result);
            int at = out.offset(difference);
            throw new YamlException(YamlException.Kind.EDIT, out.lineNumber(at), out.column(at) + 1,
                    "harden's edit did not produce the intended YAML near here; the file was left untouched (a bug: please report it)");
        }
    }

    /**
     * The parser's index (in code points) of the first event that differs from the expected tree, or
     * -1 when the text matches it. Syntax errors surface as snakeyaml-engine exceptions.
     */
    private static int firstDifference(String text, List<Node> expected) {
        ReparseCheck v = new ReparseCheck(text);
        if (!v.expect(Event.ID.StreamStart)) {
            return v.at();
        }
        for (Node doc : expected) {
            if (!v.expect(Event.ID.DocumentStart) || !v.node(doc) || !v.expect(Event.ID.DocumentEnd)) {
                return v.at();
            }
        }
        return v.expect(Event.ID.StreamEnd) ? -1 : v.at();
    }

    private boolean expect(Event.ID id) {
        return events.hasNext() && (last = events.next()).getEventId() == id;
    }

    private int at() {
        return last == null ? 0 : last.getStartMark().map(m -> m.getIndex()).orElse(0);
    }

    private boolean node(Node expected) {
        if (!events.hasNext()) {
            return false;
        }
        last = events.next();
        if (expected instanceof Alias a) {
            return last instanceof AliasEvent e && e.getAlias().getValue().equals(a.name);
        }
        String anchor = last instanceof NodeEvent ne && !(last instanceof AliasEvent)
                ? ne.getAnchor().map(x -> x.getValue()).orElse(null) : null;
        if (anchor == null ? expected.anchor != null : !anchor.equals(expected.anchor)) {
            return false;
        }
        if (expected instanceof Scalar s) {
            if (!(last instanceof ScalarEvent e) || !e.getValue().equals(s.value)) {
                return false;
            }
            return type(e) == s.type;
        }
        if (expected instanceof Sequence s) {
            if (last.getEventId() != Event.ID.SequenceStart) {
                return false;
            }
            for (Node item : s.items) {
                if (!node(item)) {
                    return false;
                }
            }
            return expect(Event.ID.SequenceEnd);
        }
        Mapping m = (Mapping) expected;
        if (last.getEventId() != Event.ID.MappingStart) {
            return false;
        }
        for (Mapping.Entry e : m.entries) {
            if (!node(e.key) || !node(e.value)) {
                return false;
            }
        }
        return expect(Event.ID.MappingEnd);
    }

    private static Scalar.Type type(ScalarEvent e) {
        if (e.getTag().isPresent()) {
            return YamlFile.typeOfTag(e.getTag().get());
        }
        return e.getScalarStyle() == ScalarStyle.PLAIN ? Scalar.resolvePlain(e.getValue()) : Scalar.Type.STR;
    }
}
