package dev.harden.engine;

import dev.harden.manifest.References;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.report.Problem;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Node;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One file's fix taken one change at a time, a change being one rule applied to one subject (a
 * Compose service, a workload or one of its containers). Every result is built by the hardener
 * from the file as read with only the accepted changes enabled, so a change that edits two places
 * (a pod volume and the container's mount of it) is accepted or skipped whole, and later rules see
 * exactly what the earlier answers left. {@code harden fix --interactive} asks about each step.
 */
public final class Stepwise {
    /** One change: a rule applied to one subject, as findings name the subject. */
    public record Key(String ruleId, String subject) { }

    /**
     * A change to decide.
     *
     * @param key the rule and subject
     * @param message what the change does, from the fix's findings
     * @param before the file with the changes accepted so far
     * @param after the same with this change too; equal to {@code before} when the answers so far
     *              left this change nothing to do
     * @param problem why the change cannot be made after the answers so far, or null
     */
    public record Step(Key key, String message, byte[] before, byte[] after, Problem problem) {
        public boolean empty() {
            return Arrays.equals(before, after);
        }
    }

    private final FileHardener hardener;
    private final Path path;
    private final String name;
    private final byte[] original;
    private final Map<Key, String> changes = new LinkedHashMap<>();
    private final Set<Key> accepted = new HashSet<>();
    private final Set<Key> decided = new HashSet<>();
    private byte[] base;
    private FileReport current;
    private Step pending;
    private FileReport pendingReport;
    private Set<String> danglingBefore;

    /**
     * The changes of {@code fixed}, a fix report of this file, in the order it lists them; only
     * those are offered, so a change {@code fix --verify} left out is never asked about.
     */
    public Stepwise(FileHardener hardener, Path path, FileReport fixed) {
        this.hardener = hardener;
        this.path = path;
        this.name = fixed.file();
        this.original = fixed.original();
        this.base = original;
        Set<String> generating = new HashSet<>();
        for (GeneratedFile g : fixed.generated()) {
            generating.add(g.ruleId());
        }
        for (Finding f : fixed.findings()) {
            if (f.status() == Finding.Status.FIXED && f.subject() != null && !generating.contains(f.ruleId())) {
                changes.merge(new Key(f.ruleId(), f.subject()), f.message(), (a, b) -> a.equals(b) ? a : a + "; " + b);
            }
        }
        this.current = run(Set.of());
    }

    /** How many changes the file has in all. */
    public int total() {
        return changes.size();
    }

    /** How many have been decided. */
    public int decided() {
        return decided.size();
    }

    /** The next change to decide, or empty when every change has been. */
    public Optional<Step> next() {
        if (pending != null) {
            return Optional.of(pending);
        }
        for (Map.Entry<Key, String> c : changes.entrySet()) {
            if (!decided.contains(c.getKey())) {
                Set<Key> with = new HashSet<>(accepted);
                with.add(c.getKey());
                FileReport after = run(with);
                Problem problem = after.outcome() == FileReport.Outcome.FAILED ? after.problem() : null;
                pending = new Step(c.getKey(), c.getValue(), bytes(current), problem == null ? bytes(after) : bytes(current),
                        problem);
                pendingReport = after;
                return Optional.of(pending);
            }
        }
        return Optional.empty();
    }

    /**
     * Accepts the pending change.
     *
     * @return why the file with it would not be a valid manifest (the file must then be left alone), or empty
     */
    public Optional<Problem> accept() {
        FileReport after = pendingReport;
        Step step = take();
        Optional<Problem> problem = problem(after);
        if (problem.isEmpty()) {
            accepted.add(step.key());
            current = after;
        }
        return problem;
    }

    /** Skips the pending change. */
    public void skip() {
        take();
    }

    /**
     * Accepts part of the pending change: {@code text} is its {@code before} with some of its
     * hunks applied. Later changes are built on that text.
     *
     * @return why that text is not a valid manifest (the file must then be left alone), or empty
     */
    public Optional<Problem> acceptPart(byte[] text) {
        take();
        FileReport report = hardener.process(path, name, text, true, (rule, subject) -> null, (rule, subject) -> false);
        Optional<Problem> problem = problem(new FileReport(name, report.kind(), report.outcome(), text, text, report.findings(),
                report.problem(), List.of()));
        if (problem.isEmpty()) {
            base = text;
            accepted.clear();
            current = report;
        }
        return problem;
    }

    /** The file's bytes with every change accepted so far. */
    public byte[] result() {
        return bytes(current);
    }

    /** Whether the result differs from the file as read. */
    public boolean changed() {
        return !Arrays.equals(result(), original);
    }

    /** The report of the result: what was fixed by the accepted changes and what stays open. */
    public FileReport report() {
        byte[] result = result();
        return new FileReport(name, current.kind(), current.outcome(), original, changed() ? result : null, current.findings(),
                current.problem(), List.of());
    }

    private Step take() {
        Step step = next().orElseThrow(() -> new IllegalStateException("no change left to decide"));
        decided.add(step.key());
        pending = null;
        pendingReport = null;
        return step;
    }

    private FileReport run(Set<Key> enabled) {
        return hardener.process(path, name, base, true, (rule, subject) -> null,
                (rule, subject) -> enabled.contains(new Key(rule, subject)));
    }

    private byte[] bytes(FileReport report) {
        return report.fixed() != null ? report.fixed() : base;
    }

    /**
     * Why a result cannot be written: it failed, does not parse, or names a volume or network that it
     * no longer defines (at the first such use).
     */
    private Optional<Problem> problem(FileReport report) {
        if (report.outcome() == FileReport.Outcome.FAILED) {
            return Optional.of(report.problem());
        }
        byte[] text = bytes(report);
        try {
            Limits limits = Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE);
            YamlFile now = YamlFile.parse(text, limits);
            if (danglingBefore == null) {
                danglingBefore = References.dangling(YamlFile.parse(original, limits), hardener.profile().podSpecPaths());
            }
            Map<String, Node> uses = References.danglingUses(now, hardener.profile().podSpecPaths());
            List<String> added = new ArrayList<>(uses.keySet());
            added.removeAll(danglingBefore);
            if (added.isEmpty()) {
                return Optional.empty();
            }
            int first = uses.get(added.get(0)).start();
            return Optional.of(new Problem(now.line(first), now.column(first), Problem.Kind.INVALID, String.join("; ", added)));
        } catch (YamlException e) {
            return Optional.of(new Problem(e.line(), e.column(), Problem.Kind.INVALID, e.reason()));
        }
    }
}
