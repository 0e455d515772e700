package dev.harden.rule;

import dev.harden.image.Pins;
import dev.harden.profile.RuleSetting;
import dev.harden.profile.UnknownImages;
import dev.harden.report.Finding;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * What every rule check shares, for a Compose service and a Kubernetes workload alike: the profile's
 * setting for the rule, the edits ({@link #set} replaces, {@link #fill} only fills what is empty or
 * missing, {@link #append} adds to a list), and reporting.
 */
abstract class Check {
    /**
     * One rule applied to one file.
     *
     * @param yaml the parsed file
     * @param rule the rule
     * @param setting the profile's setting for it
     * @param editor the file's editor; in a check run its result is thrown away
     * @param fixRun whether this run writes fixes
     * @param exemptReason why the rule does not apply to this subject, or null
     * @param fileName how findings name the file
     * @param sink where findings go
     * @param chosen whether this rule may fix a subject; a change not chosen stays an open, fixable finding
     * @param pins what image tags resolve to, for pinning
     * @param unknownImages what the profile does with this rule's changes for an image no source knows
     */
    record Context(YamlFile yaml, RuleInfo rule, RuleSetting setting, Editor editor, boolean fixRun,
                   String exemptReason, String fileName, Consumer<Finding> sink, BiPredicate<String, String> chosen,
                   Pins pins, UnknownImages unknownImages) { }

    /** An edit that returns what it did, in one sentence. */
    @FunctionalInterface
    public interface Fix {
        String apply() throws YamlException;
    }

    private final Context context;

    Check(Context context) {
        this.context = context;
    }

    /** Where a finding points when its own node has no place in the text. */
    abstract Node location();

    /**
     * The name of an image the subject's change would rest on facts about while no source knows it,
     * or null when every such image is known.
     */
    abstract String unknownImage(String subject);

    public RuleSetting setting() {
        return context.setting();
    }

    public Editor editor() {
        return context.editor();
    }

    Pins pins() {
        return context.pins();
    }

    /**
     * The mapping under {@code key} inside an editable mapping, made editable; refused when the key
     * only comes through a merge, since a local key would hide what is merged.
     */
    public Mapping editableIn(Mapping parent, String key) throws YamlException {
        refuseMerged(parent, key);
        return editor().mappingAt(parent, key);
    }

    /** Refuses to write a key that a mapping only has through a merge key. */
    void refuseMerged(Mapping target, String key) throws YamlException {
        refuseInherited(target.lookup(key), key, "merged");
    }

    /**
     * Refuses to write a key found somewhere else than where the edit would go (through {@code <<}
     * or {@code extends}): a local key would hide everything inherited.
     *
     * @param how how the key came, as the refusal says it: {@code merged} or {@code inherited}
     */
    void refuseInherited(Optional<Mapping.Found> found, String key, String how) throws YamlException {
        if (found.isPresent() && found.get().inherited()) {
            Node at = found.get().entry().key();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' is " + how + " from line " + line(at) + "; fix it there");
        }
    }

    /**
     * Sets {@code key} in a mapping whatever it holds: replaces an own value, or adds the key; a key
     * the mapping only has through a merge is refused.
     */
    void set(Mapping target, String key, Node value) throws YamlException {
        refuseMerged(target, key);
        if (target.entry(key).isPresent()) {
            editor().replace(target, key, value);
        } else {
            editor().put(target, key, value);
        }
    }

    /**
     * Fills {@code key} in a mapping: adds it, or fills it in when it is there with an empty value;
     * a key that holds something else is refused, to be looked at by a person.
     */
    void fill(Mapping target, String key, Node value) throws YamlException {
        Optional<Mapping.Entry> entry = target.entry(key);
        if (entry.isEmpty()) {
            editor().put(target, key, value);
        } else if (entry.get().value() instanceof Scalar s && s.isNull()) {
            editor().replace(target, key, value);
        } else {
            Node at = entry.get().value();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' already holds a value harden does not understand");
        }
    }

    /** Appends an item to the list under {@code key}, creating the list when it is missing or empty. */
    void append(Mapping target, String key, Node item) throws YamlException {
        refuseMerged(target, key);
        Optional<Mapping.Entry> own = target.entry(key);
        if (own.isEmpty()) {
            editor().put(target, key, Sequence.block().with(item));
            return;
        }
        Node value = own.get().value();
        if (value instanceof Sequence seq) {
            editor().append(seq, item);
        } else if (value instanceof Scalar s && s.isNull()) {
            editor().replace(target, key, Sequence.block().with(item));
        } else {
            throw new YamlException(YamlException.Kind.EDIT, line(value), column(value),
                    "'" + key + "' is not a list here; add the item by hand");
        }
    }

    /** Reports a finding that stays open (or exempted, when the subject is exempted). */
    void report(Node at, String subject, String message, boolean fixable) {
        String reason = context.exemptReason();
        emit(at, subject, message, fixable, reason != null ? Finding.Status.EXEMPTED : Finding.Status.OPEN, reason);
    }

    /** Reports a finding that harden's image knowledge exempts, with the reason. */
    void exempt(Node at, String subject, String message, String reason) {
        emit(at, subject, message, false, Finding.Status.EXEMPTED, reason);
    }

    /**
     * Reports a violation and runs its fix. A check run applies the fix too, to an editor whose
     * result is thrown away, so that "fixable" in a check means exactly what a fix run would do.
     */
    void fix(Node at, String subject, String message, Fix fix) {
        if (context.exemptReason() != null) {
            report(at, subject, message, true);
            return;
        }
        if (!setting().fix()) {
            report(at, subject, message, false);
            return;
        }
        String unknown = reportsWithoutFacts() ? unknownImage(subject) : null;
        if (unknown != null) {
            emit(at, subject, message + notChanged(unknown), false, Finding.Status.OPEN, null);
            return;
        }
        if (!context.chosen().test(context.rule().id(), subject)) {
            report(at, subject, message, true);
            return;
        }
        try {
            String done = fix.apply();
            if (context.fixRun()) {
                emit(at, subject, done, true, Finding.Status.FIXED, null);
            } else {
                report(at, subject, message, true);
            }
        } catch (YamlException e) {
            emit(at, subject, message + " (not fixed: " + e.reason() + ")", false, Finding.Status.OPEN, null, true);
        }
    }

    /**
     * Whether the profile leaves a change of this rule unmade when the facts it rests on are missing
     * ({@code unknownImages: report}), rather than making it on the profile's assumptions.
     */
    boolean reportsWithoutFacts() {
        return context.rule().imageFacts() != null && context.unknownImages() == UnknownImages.REPORT;
    }

    /**
     * Reports a violation whose change is not made because harden lacks the fact it rests on about
     * {@code image}, in the one shape every such finding has; an exempted subject, or one the profile does not
     * fix, gets the plain message.
     */
    void notChanged(Node at, String subject, String message, String image) {
        if (context.exemptReason() != null || !setting().fix()) {
            report(at, subject, message, false);
        } else {
            emit(at, subject, message + notChanged(image), false, Finding.Status.OPEN, null);
        }
    }

    /** What a finding adds when its change rests on a fact about {@code image} that no source has. */
    private String notChanged(String image) {
        return "; not changed: harden has no facts about image " + image + " (" + context.rule().imageFacts()
                + "), and a guess could stop it from starting: run `harden learn` on it, describe the image in an images"
                + " file (images: in .harden.yaml, see docs/images.md), or read its facts from the image (--image-facts auto)";
    }

    private void emit(Node at, String subject, String message, boolean fixable, Finding.Status status, String reason) {
        emit(at, subject, message, fixable, status, reason, false);
    }

    private void emit(Node at, String subject, String message, boolean fixable, Finding.Status status, String reason,
                      boolean fixRefused) {
        Node where = at == null || at.isSynthetic() ? location() : at;
        context.sink().accept(new Finding(context.fileName(), line(where), column(where), context.rule().id(),
                setting().severity(), message, subject, fixable, status, reason, fixRefused));
    }

    int line(Node n) {
        return context.yaml().line(Math.max(0, n.start()));
    }

    int column(Node n) {
        return context.yaml().column(Math.max(0, n.start()));
    }
}
