package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import dev.harden.manifest.Workload;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What a Kubernetes rule sees of one workload's pod, and how it reports and fixes. */
final class PodCheck {
    private final Workload workload;
    private final YamlFile yaml;
    private final RuleInfo rule;
    private final RuleSetting setting;
    private final ImageKnowledge images;
    private final Editor editor;
    private final boolean fixRun;
    private final String exemptReason;
    private final String fileName;
    private final Consumer<Finding> sink;

    PodCheck(Workload workload, YamlFile yaml, RuleInfo rule, RuleSetting setting, ImageKnowledge images, Editor editor,
             boolean fixRun, String exemptReason, String fileName, Consumer<Finding> sink) {
        this.workload = workload;
        this.yaml = yaml;
        this.rule = rule;
        this.setting = setting;
        this.images = images;
        this.editor = editor;
        this.fixRun = fixRun;
        this.exemptReason = exemptReason;
        this.fileName = fileName;
        this.sink = sink;
    }

    Workload workload() {
        return workload;
    }

    RuleSetting setting() {
        return setting;
    }

    Editor editor() {
        return editor;
    }

    /** Whether the profile asks to override a value the manifest sets against this rule, rather than report it. */
    boolean overridesExplicit() {
        return "override".equals(setting.param("explicit"));
    }

    Mapping podSpec() {
        return workload.podSpec();
    }

    List<Workload.Container> containers() {
        return workload.containers();
    }

    Optional<ImageRef> image(Workload.Container c) {
        return c.image().flatMap(ImageRef::parse);
    }

    /** What harden knows of a container's image; {@link ImageFacts#unknown} when nothing. */
    ImageFacts facts(Workload.Container c) {
        Optional<ImageRef> ref = image(c);
        return ref.flatMap(images::lookup).orElseGet(() -> ImageFacts.unknown(ref.map(ImageRef::name).orElse("")));
    }

    String imageName(Workload.Container c) {
        return image(c).map(ImageRef::name).orElse(c.image().orElse("(no image)"));
    }

    // ---- reading ---------------------------------------------------------------------------

    /** The value at a path of keys below a mapping, merges followed and aliases resolved. */
    static Optional<Node> at(Mapping base, String... keys) {
        Node n = base;
        for (String key : keys) {
            if (!(n instanceof Mapping m)) {
                return Optional.empty();
            }
            Optional<Mapping.Found> found = m.lookup(key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            n = found.get().value().resolve();
        }
        return Optional.of(n);
    }

    /** A non-null scalar at a path. */
    static Optional<Scalar> scalar(Mapping base, String... keys) {
        return at(base, keys).filter(n -> n instanceof Scalar s && !s.isNull()).map(n -> (Scalar) n);
    }

    static Optional<Mapping> mapping(Mapping base, String... keys) {
        return at(base, keys).filter(n -> n instanceof Mapping).map(n -> (Mapping) n);
    }

    /** The scalar items of a list at a path, as nodes. */
    static List<Scalar> items(Mapping base, String... keys) {
        List<Scalar> out = new ArrayList<>();
        at(base, keys).filter(n -> n instanceof Sequence).ifPresent(n -> {
            for (Node item : ((Sequence) n).items()) {
                if (item.resolve() instanceof Scalar s && !s.isNull()) {
                    out.add(s);
                }
            }
        });
        return out;
    }

    static boolean isTrue(Optional<Scalar> s) {
        return s.isPresent() && s.get().value().equalsIgnoreCase("true");
    }

    static boolean isFalse(Optional<Scalar> s) {
        return s.isPresent() && s.get().value().equalsIgnoreCase("false");
    }

    /** A scalar as a whole number, or null when absent or not a number. */
    static Long number(Optional<Scalar> s) {
        if (s.isEmpty() || !s.get().value().trim().matches("[-+]?[0-9]+")) {
            return null;
        }
        try {
            return Long.parseLong(s.get().value().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- editing ---------------------------------------------------------------------------

    /** The pod's {@code securityContext}, made editable. */
    Mapping podSecurityContext() throws YamlException {
        return editableIn(podSpec(), "securityContext");
    }

    /** A container's own {@code securityContext}, made editable. */
    Mapping securityContext(Workload.Container c) throws YamlException {
        return editableIn(c.mapping(), "securityContext");
    }

    /**
     * The mapping under {@code key}, made editable; refused when the key only comes through a merge,
     * since a local key would hide everything merged.
     */
    Mapping editableIn(Mapping parent, String key) throws YamlException {
        Optional<Mapping.Found> found = parent.lookup(key);
        if (found.isPresent() && found.get().inherited()) {
            Node at = found.get().entry().key();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' is merged from line " + line(at) + "; fix it there");
        }
        return editor.mappingAt(parent, key);
    }

    /** Sets {@code key} in a mapping: replaces an own value, or adds the key. */
    void set(Mapping target, String key, Node value) throws YamlException {
        Optional<Mapping.Found> found = target.lookup(key);
        if (found.isPresent() && found.get().inherited()) {
            Node at = found.get().entry().key();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' is merged from line " + line(at) + "; fix it there");
        }
        if (target.entry(key).isPresent()) {
            editor.replace(target, key, value);
        } else {
            editor.put(target, key, value);
        }
    }

    /** Appends an item to the list under {@code key}, creating the list when it is missing or empty. */
    void append(Mapping target, String key, Node item) throws YamlException {
        Optional<Mapping.Found> found = target.lookup(key);
        if (found.isPresent() && found.get().inherited()) {
            Node at = found.get().entry().key();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' is merged from line " + line(at) + "; fix it there");
        }
        Optional<Mapping.Entry> own = target.entry(key);
        if (own.isEmpty()) {
            editor.put(target, key, Sequence.block().with(item));
            return;
        }
        Node value = own.get().value();
        if (value instanceof Sequence seq) {
            editor.append(seq, item);
        } else if (value instanceof Scalar s && s.isNull()) {
            editor.replace(target, key, Sequence.block().with(item));
        } else {
            throw new YamlException(YamlException.Kind.EDIT, line(value), column(value),
                    "'" + key + "' is not a list here; add the item by hand");
        }
    }

    // ---- reporting -------------------------------------------------------------------------

    /** Where findings about the whole workload point: its name, else the object. */
    Node location() {
        return at(workload.object(), "metadata", "name").filter(n -> !n.isSynthetic()).orElse(workload.object());
    }

    /** Reports a finding that stays open. */
    void open(Node at, String subject, String message, boolean fixable) {
        emit(at, subject, message, fixable, exemptReason != null ? Finding.Status.EXEMPTED : Finding.Status.OPEN, exemptReason);
    }

    /** Reports a finding that harden's image knowledge exempts, with the reason. */
    void exempt(Node at, String subject, String message, String reason) {
        emit(at, subject, message, false, Finding.Status.EXEMPTED, reason);
    }

    /**
     * Reports a violation and runs its fix. A check run applies the fix too (to an editor whose
     * text is never written), so that "fixable" in a check means exactly what a fix run would do.
     */
    void fix(Node at, String subject, String message, ServiceCheck.Fix fix) {
        if (exemptReason != null) {
            open(at, subject, message, true);
            return;
        }
        if (!setting.fix()) {
            open(at, subject, message, false);
            return;
        }
        try {
            String done = fix.apply();
            if (fixRun) {
                emit(at, subject, done, true, Finding.Status.FIXED, null);
            } else {
                open(at, subject, message, true);
            }
        } catch (YamlException e) {
            open(at, subject, message + " (not fixed: " + e.reason() + ")", false);
        }
    }

    /** The subject of a finding about one container. */
    String subject(Workload.Container c) {
        return workload.label() + "/" + c.name();
    }

    String subject() {
        return workload.label();
    }

    private void emit(Node at, String subject, String message, boolean fixable, Finding.Status status, String reason) {
        Node where = at == null || at.isSynthetic() ? location() : at;
        sink.accept(new Finding(fileName, line(where), column(where), rule.id(), setting.severity(), message,
                subject, fixable, status, reason));
    }

    int line(Node n) {
        return yaml.line(Math.max(0, n.start()));
    }

    int column(Node n) {
        return yaml.column(Math.max(0, n.start()));
    }
}
