package dev.harden.rule;

import dev.harden.image.Pins;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/** What every rule check shares: the profile's setting for the rule, the editor, and reporting. */
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
     */
    record Context(YamlFile yaml, RuleInfo rule, RuleSetting setting, Editor editor, boolean fixRun,
                   String exemptReason, String fileName, Consumer<Finding> sink, BiPredicate<String, String> chosen,
                   Pins pins) { }

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
        Optional<Mapping.Found> found = target.lookup(key);
        if (found.isPresent() && found.get().inherited()) {
            Node at = found.get().entry().key();
            throw new YamlException(YamlException.Kind.EDIT, line(at), column(at),
                    "'" + key + "' is merged from line " + line(at) + "; fix it there");
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
