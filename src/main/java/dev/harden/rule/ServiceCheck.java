package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageRef;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What a Compose rule sees of one service, and how it reports and fixes. */
public final class ServiceCheck {
    private final ComposeService service;
    private final RuleInfo rule;
    private final RuleSetting setting;
    private final ImageRef image;
    private final ImageFacts facts;
    private final Editor editor;
    private final boolean fixRun;
    private final String exemptReason;
    private final String fileName;
    private final Consumer<Finding> sink;

    ServiceCheck(ComposeService service, RuleInfo rule, RuleSetting setting, ImageRef image, ImageFacts facts,
                 Editor editor, boolean fixRun, String exemptReason, String fileName, Consumer<Finding> sink) {
        this.service = service;
        this.rule = rule;
        this.setting = setting;
        this.image = image;
        this.facts = facts;
        this.editor = editor;
        this.fixRun = fixRun;
        this.exemptReason = exemptReason;
        this.fileName = fileName;
        this.sink = sink;
    }

    public ComposeService service() {
        return service;
    }

    public ComposeFile file() {
        return service.file();
    }

    public RuleSetting setting() {
        return setting;
    }

    /** The parsed image reference, or empty when there is none or it depends on a variable without default. */
    public Optional<ImageRef> image() {
        return Optional.ofNullable(image);
    }

    /** What harden knows of the image; {@link ImageFacts#unknown} when nothing. */
    public ImageFacts facts() {
        return facts;
    }


    public Editor editor() {
        return editor;
    }

    /** The service's own mapping, made editable (an empty or aliased service becomes a mapping). */
    public Mapping editable() throws YamlException {
        return editor.mappingAt(file().servicesMapping(), service.name());
    }

    /**
     * The mapping under a key of the service, made editable. A key the service inherits through
     * {@code <<} or {@code extends} is refused: a local key would hide everything inherited.
     */
    public Mapping editableChild(String key) throws YamlException {
        Optional<Mapping.Found> found = service.find(key);
        if (found.isPresent() && found.get().inherited()) {
            Node at = found.get().entry().key();
            throw new YamlException(YamlException.Kind.EDIT, file().yaml().line(at.start()), file().yaml().column(at.start()),
                    "'" + key + "' is inherited from line " + file().yaml().line(at.start()) + "; fix it there");
        }
        return editor.mappingAt(editable(), key);
    }

    /** Sets a key of the service's own mapping; see {@link #putIn}. */
    public void putOwn(String key, Node value) throws YamlException {
        putIn(editable(), key, value);
    }

    /**
     * Adds {@code key: value} to a mapping, or fills the key in when it is there with an empty value;
     * a key that holds something else is refused, to be looked at by a person.
     */
    public void putIn(Mapping target, String key, Node value) throws YamlException {
        Optional<Mapping.Entry> entry = target.entry(key);
        if (entry.isEmpty()) {
            editor.put(target, key, value);
        } else if (entry.get().value() instanceof Scalar s && s.isNull()) {
            editor.replace(target, key, value);
        } else {
            Node at = entry.get().value();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' already holds a value harden does not understand");
        }
    }

    /**
     * The mapping under {@code key} inside an editable mapping of this service, made editable; refused
     * when the key only comes through a merge, since a local key would hide what is merged.
     */
    public Mapping editableIn(Mapping parent, String key) throws YamlException {
        Optional<Mapping.Found> found = parent.lookup(key);
        if (found.isPresent() && found.get().inherited()) {
            Node at = found.get().entry().key();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' is merged from line " + line(at) + "; fix it there");
        }
        return editor.mappingAt(parent, key);
    }

    /**
     * Makes a list under a key contain an item: appends to the service's own list, or writes a local
     * list holding the inherited items and the new one.
     */
    public void ensureListItem(String key, Scalar item) throws YamlException {
        Mapping own = editable();
        Optional<Mapping.Entry> entry = own.entry(key);
        if (entry.isPresent() && entry.get().value() instanceof Sequence seq && !editor.isShared(seq)) {
            editor.append(seq, item);
            return;
        }
        if (entry.isPresent() && entry.get().value() instanceof Scalar single && !single.isNull()) {
            editor.replace(own, key, Sequence.block().with(Scalar.string(single.value())).with(item));
            return;
        }
        if (entry.isPresent() && !(entry.get().value() instanceof Scalar s && s.isNull())) {
            throw new YamlException(YamlException.Kind.EDIT, line(entry.get().value()), column(entry.get().value()),
                    "'" + key + "' is not a plain list here; add " + item.value() + " by hand");
        }
        Sequence list = Sequence.block();
        for (String inherited : service.list(key)) {
            list.with(Scalar.string(inherited));
        }
        list.with(item);
        if (entry.isPresent()) {
            editor.replace(own, key, list);
        } else {
            editor.put(own, key, list);
        }
    }

    /** Reports a finding that stays open. */
    public void open(Node at, String message, boolean fixable) {
        emit(at, message, fixable, exemptReason != null ? Finding.Status.EXEMPTED : Finding.Status.OPEN, exemptReason);
    }

    /** Reports a change this run made. */
    public void fixed(Node at, String message) {
        emit(at, message, true, Finding.Status.FIXED, null);
    }

    /** Reports a finding that harden's image knowledge exempts, with the reason. */
    public void exempt(Node at, String message, String reason) {
        emit(at, message, false, Finding.Status.EXEMPTED, reason);
    }

    /**
     * Reports a violation and runs its fix. A check run applies the fix too, to an editor whose
     * result is thrown away, so that "fixable" in a check means exactly what a fix run would do.
     */
    public void fix(Node at, String message, Fix fix) {
        if (exemptReason != null) {
            open(at, message, true);
            return;
        }
        if (!setting.fix()) {
            open(at, message, false);
            return;
        }
        try {
            String done = fix.apply();
            if (fixRun) {
                fixed(at, done);
            } else {
                open(at, message, true);
            }
        } catch (YamlException e) {
            open(at, message + " (not fixed: " + e.reason() + ")", false);
        }
    }

    /** An edit that returns what it did, in one sentence. */
    @FunctionalInterface
    public interface Fix {
        String apply() throws YamlException;
    }

    private void emit(Node at, String message, boolean fixable, Finding.Status status, String reason) {
        Node where = at == null || at.isSynthetic() ? service.location() : at;
        sink.accept(new Finding(fileName, line(where), column(where), rule.id(), setting.severity(), message,
                service.name(), fixable, status, reason));
    }

    private int line(Node n) {
        return file().yaml().line(Math.max(0, n.start()));
    }

    private int column(Node n) {
        return file().yaml().column(Math.max(0, n.start()));
    }

    /** Items of a list value of the service, as text. */
    public List<String> list(String key) {
        return service.list(key);
    }
}
