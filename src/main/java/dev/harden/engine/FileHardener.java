package dev.harden.engine;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import dev.harden.image.Pins;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Recognition;
import dev.harden.manifest.Variables;
import dev.harden.profile.Exemptions;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.report.Problem;
import dev.harden.report.Replacement;
import dev.harden.report.UnifiedDiff;
import dev.harden.json.Json;
import dev.harden.rule.RuleCatalog;
import dev.harden.rule.RuleRunner;
import dev.harden.yaml.Editor;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Hardens one file's bytes: parse, recognise, run the profile's rules, and (when fixing) write the
 * edits into the text and verify them. Never throws for bad input: the report says what happened.
 */
public final class FileHardener {
    /** What the kustomizations around each file make of it; kept across files, as they share folders. */
    private final Kustomize kustomize = new Kustomize();
    private final Profile profile;
    private final RepoConfig config;
    private final Limits limits;
    private final RuleRunner rules;
    private final Function<Path, Optional<byte[]>> neighbours;
    private final ImageKnowledge images;
    private final Pins pins;
    /** Hardeners of one rule each, for {@link #fixes}. */
    private final Map<String, FileHardener> single = new HashMap<>();

    public FileHardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits) {
        this(profile, images, config, limits, FileHardener::readIfPresent);
    }

    /**
     * A hardener that reads the files a fix would write next to its input (the strict profile's
     * NetworkPolicies) through {@code neighbours}, to see what is already there.
     */
    public FileHardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits,
                    Function<Path, Optional<byte[]>> neighbours) {
        this(profile, images, config, limits, neighbours, Pins.none());
    }

    private FileHardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits,
                     Function<Path, Optional<byte[]>> neighbours, Pins pins) {
        this.neighbours = neighbours;
        this.pins = pins;
        this.profile = profile;
        this.config = config;
        this.limits = limits;
        this.images = images;
        this.rules = new RuleRunner(profile, images, RuleCatalog.builtIn(), pins);
    }

    /** The same hardener, resolving image tags through these pins (the lock file, a registry) when the profile pins. */
    public FileHardener withPins(Pins pins) {
        return new FileHardener(profile, images, config, limits, neighbours, pins);
    }

    /**
     * The same hardener, with facts {@code harden verify} learned on an engine in this run for one
     * image winning over every other source ({@link ImageKnowledge#learnedInRun}).
     */
    public FileHardener withLearned(ImageRef ref, ImageFacts facts) {
        return new FileHardener(profile, images.learnedInRun(ref, facts), config, limits, neighbours, pins);
    }

    public Profile profile() {
        return profile;
    }

    /** How this hardener resolves image tags; its lock file says what a run pinned or learned. */
    public Pins pins() {
        return pins;
    }

    /** The limits files are read and parsed within ({@code --max-file-size}). */
    public Limits limits() {
        return limits;
    }

    /**
     * Checks or fixes one file.
     *
     * @param path where the file is (for exemptions by path)
     * @param name how reports name it
     * @param bytes its content
     * @param fix whether to compute the fixed bytes
     */
    public FileReport process(Path path, String name, byte[] bytes, boolean fix) {
        return process(path, name, bytes, fix, (rule, subject) -> null);
    }

    /**
     * Checks or fixes one file with exemptions on top of the repository config's, e.g. the changes
     * {@code harden verify} found to break a service.
     *
     * @param extra the reason for exempting a rule for a service or workload, or null
     */
    public FileReport process(Path path, String name, byte[] bytes, boolean fix, BiFunction<String, String, String> extra) {
        return process(path, name, bytes, fix, extra, (rule, subject) -> true);
    }

    /**
     * Fixes one file with only the changes {@code chosen} accepts, each one rule applied to one
     * subject (a Compose service, a workload, or a workload's container as findings name it); the
     * others stay open. {@code harden fix --interactive} builds each answer's result this way.
     *
     * @param chosen whether a rule may fix a subject
     */
    public FileReport process(Path path, String name, byte[] bytes, boolean fix, BiFunction<String, String, String> extra,
                              BiPredicate<String, String> chosen) {
        try {
            FileReport report = processOrThrow(path, name, bytes, fix, extra, chosen);
            if (report.changed() && isJson(name) && !isJson(bytes)) {
                return report;
            }
            if (report.changed() && isJson(name) && !isJson(report.fixed())) {
                // the editor writes YAML; in a .json file that would leave a file no JSON tool reads
                FileReport checked = processOrThrow(path, name, bytes, false, extra, chosen);
                return FileReport.checked(name, checked.kind(), bytes, null, checked.findings(), Problem.atStart(
                        Problem.Kind.NOT_FIXED, "not fixed: harden writes YAML syntax, which would make this JSON file"
                        + " invalid JSON; convert it to YAML to let harden fix it, or make the changes by hand"));
            }
            return report;
        } catch (RuntimeException | StackOverflowError e) {
            // a bug must not take the other files down with it, nor write this one
            return FileReport.failed(name, FileReport.Kind.UNKNOWN, bytes, Problem.atStart(Problem.Kind.INTERNAL_ERROR,
                    "internal error (" + e + "); the file was left untouched (a bug: please report it)"));
        }
    }

    /**
     * A fix refused halfway (an anchor it may not edit, a key it may not override) may already have
     * edited before the refusal, and those edits would be written without the change they belong to.
     * So a fixing run in which a fix was refused runs again without that change, and reports the
     * refusal from the first run; a few rounds at most, since a later fix may see a different file.
     */
    private FileReport processOrThrow(Path path, String name, byte[] bytes, boolean fix,
                                      BiFunction<String, String, String> extra, BiPredicate<String, String> chosen) {
        FileReport report = processOnce(path, name, bytes, fix, extra, chosen);
        Map<String, Finding> refused = new LinkedHashMap<>();
        for (int round = 0; fix && report.changed() && round < 3; round++) {
            int before = refused.size();
            for (Finding f : report.findings()) {
                if (f.isOpen() && f.fixRefused()) {
                    refused.putIfAbsent(f.ruleId() + "\n" + f.subject(), f);
                }
            }
            if (refused.size() == before) {
                break;
            }
            report = processOnce(path, name, bytes, fix, extra,
                    (rule, subject) -> chosen.test(rule, subject) && !refused.containsKey(rule + "\n" + subject));
        }
        if (refused.isEmpty()) {
            return report;
        }
        List<Finding> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            Finding first = refused.get(f.ruleId() + "\n" + f.subject());
            findings.add(first != null && f.isOpen() && f.fixable() ? first : f);
        }
        return report.with(report.fixed(), findings, report.generated());
    }

    private FileReport processOnce(Path path, String name, byte[] bytes, boolean fix,
                                   BiFunction<String, String, String> extra, BiPredicate<String, String> chosen) {
        YamlFile yaml;
        try {
            yaml = YamlFile.parse(bytes, limits);
        } catch (YamlException e) {
            return e.kind() == YamlException.Kind.TEMPLATE
                    ? FileReport.skipped(name, FileReport.Kind.UNKNOWN, bytes, problem(e, Problem.Kind.TEMPLATE))
                    : FileReport.failed(name, FileReport.Kind.UNKNOWN, bytes, problem(e, Problem.Kind.INVALID));
        }
        Editor editor = yaml.edit();
        List<Finding> findings = new ArrayList<>();
        List<GeneratedFile> generated = new ArrayList<>();
        FileReport.Kind kind;
        String fileName = path.getFileName() == null ? name : path.getFileName().toString();
        Recognition recognised = Recognition.of(yaml, fileName);
        if (recognised.kind() != Recognition.Kind.COMPOSE) {
            Optional<KubernetesFile> kubeFile = recognised.kind() == Recognition.Kind.KUBERNETES
                    ? Optional.of(recognised.kubernetes()) : Optional.empty();
            Optional<Kustomize.Patch> patch = kustomize.patch(path, kubeFile);
            if (patch.isPresent()) {
                return patchReport(path, name, bytes, kubeFile, patch.get(), extra);
            }
        }
        if (recognised.kind() == Recognition.Kind.COMPOSE) {
            ComposeFile composeFile = recognised.compose().with(projectVariables(path));
            Optional<ComposeFile.Malformed> malformed = composeFile.malformedService();
            if (malformed.isPresent()) {
                return FileReport.failed(name, FileReport.Kind.COMPOSE, bytes, new Problem(malformed.get().line(),
                        malformed.get().column(), Problem.Kind.INVALID, malformed.get().reason()));
            }
            kind = FileReport.Kind.COMPOSE;
            findings.addAll(rules.compose(composeFile, editor, fix, name, exemptions(path, extra), chosen));
        } else if (recognised.kind() == Recognition.Kind.KUBERNETES) {
            KubernetesFile kubeFile = recognised.kubernetes();
            kind = FileReport.Kind.KUBERNETES;
            findings.addAll(rules.kubernetes(kubeFile, editor, fix, name, exemptions(path, extra), chosen));
            Path neighbour = path.resolveSibling(RuleRunner.generatedFileName(fileName));
            byte[] existing;
            try {
                existing = neighbours.apply(neighbour).orElse(null);
            } catch (UncheckedIOException e) {
                return FileReport.failed(name, FileReport.Kind.KUBERNETES, bytes, Problem.atStart(Problem.Kind.UNREADABLE,
                        "cannot read " + neighbour.getFileName() + ", the file its NetworkPolicies would go in ("
                        + e.getCause().getMessage() + "); the file was left untouched"));
            }
            rules.generatedFile(kubeFile, fix, name, fileName, existing, exemptions(path, extra), findings::add)
                    .ifPresent(generated::add);
        } else {
            return FileReport.skipped(name, FileReport.Kind.UNKNOWN, bytes, new Problem(recognised.line(), recognised.column(),
                    Problem.Kind.NOT_A_MANIFEST, recognised.why()));
        }
        byte[] fixed = null;
        if (fix && editor.changed()) {
            try {
                fixed = editor.apply();
            } catch (YamlException e) {
                return FileReport.failed(name, kind, bytes, problem(e, Problem.Kind.INVALID));
            }
        }
        return new FileReport(name, kind, FileReport.Outcome.CHECKED, bytes, fixed, findings, null, fix ? generated : List.of());
    }

    private static Problem problem(YamlException e, Problem.Kind kind) {
        return new Problem(e.line(), e.column(), kind, e.reason());
    }

    /**
     * The variables Compose reads from the {@code .env} file beside the Compose file. harden's own
     * environment is never used: a check must not depend on who runs it.
     */
    private Variables projectVariables(Path path) {
        try {
            return neighbours.apply(path.resolveSibling(".env"))
                    .map(b -> Variables.fromEnvFile(new String(b, StandardCharsets.UTF_8))).orElse(Variables.none());
        } catch (UncheckedIOException e) {
            return Variables.none();
        }
    }

    /**
     * The replacements that fix each open fixable finding of {@code report} (a check of the file at
     * {@code path}): what {@code harden fix} writes with only the finding's rule, chosen for only the
     * finding's subject when the rule has findings for several. Should one subject have several
     * findings of a rule, each change goes to the last of them that comes before it. A file the fix
     * would create (a NetworkPolicy file) is a replacement of an empty text.
     */
    public Map<Finding, List<Replacement>> fixes(Path path, FileReport report) {
        Map<Finding, List<Replacement>> out = new LinkedHashMap<>();
        if (report.original() == null || !report.checked()) {
            return out;
        }
        Map<String, Map<String, List<Finding>>> groups = new LinkedHashMap<>();
        for (Finding f : report.findings()) {
            if (f.isOpen() && f.fixable()) {
                groups.computeIfAbsent(f.ruleId(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(f.subject() == null ? "" : f.subject(), k -> new ArrayList<>()).add(f);
            }
        }
        String text = UnifiedDiff.text(report.original());
        for (Map.Entry<String, Map<String, List<Finding>>> rule : groups.entrySet()) {
            FileHardener one = single.computeIfAbsent(rule.getKey(), id -> new FileHardener(
                    new Profile("only-" + id, "", Map.of(id, profile.rules().get(id)), profile.podSpecPaths(),
                            profile.unknownImages()),
                    images, config, limits, neighbours, pins));
            boolean every = rule.getValue().size() == 1;
            for (Map.Entry<String, List<Finding>> group : rule.getValue().entrySet()) {
                String subject = group.getKey();
                FileReport fixed = one.process(path, report.file(), report.original(), true, (id, s) -> null,
                        (id, s) -> every || subject.equals(s == null ? "" : s));
                List<Replacement> changes = new ArrayList<>();
                if (fixed.changed()) {
                    changes.addAll(Replacement.between(report.file(), text, UnifiedDiff.text(fixed.fixed())));
                }
                for (GeneratedFile g : fixed.generated()) {
                    if (absent(path.resolveSibling(g.name()))) {
                        changes.add(new Replacement(Hardened.sibling(report.file(), g.name()), 0, 0, UnifiedDiff.text(g.content())));
                    }
                }
                assign(group.getValue(), changes, text, out);
            }
        }
        return out;
    }

    /** Whether nothing is at a neighbour's place; one that cannot be read is there, and never replaced. */
    private boolean absent(Path file) {
        try {
            return neighbours.apply(file).isEmpty();
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static void assign(List<Finding> findings, List<Replacement> changes, String text, Map<Finding, List<Replacement>> out) {
        int[] lineStarts = lineStarts(text);
        for (Replacement r : changes) {
            Finding owner = findings.get(0);
            for (Finding f : findings) {
                int at = f.line() <= lineStarts.length ? lineStarts[f.line() - 1] + f.column() - 1 : Integer.MAX_VALUE;
                if (at <= r.offset() && r.file().equals(f.file())) {
                    owner = f;
                }
            }
            out.computeIfAbsent(owner, k -> new ArrayList<>()).add(r);
        }
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            starts.add(i + 1);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isJson(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    }

    private static boolean isJson(byte[] bytes) {
        try {
            Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<byte[]> readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(FileRead.read(file, Limits.DEFAULT.maxBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exemptions of a file: {@code extra}'s reasons, then the repository config's. */
    private Exemptions exemptions(Path path, BiFunction<String, String, String> extra) {
        Exemptions given = (rule, subject) -> Optional.ofNullable(extra.apply(rule, subject));
        return given.orElse(config.exemptions(path));
    }

    /**
     * A Kustomize patch is partial: the base decides what the patch leaves out, so harden adds nothing
     * to it (a container without an image there would get a uid that overrides the base's), and only
     * reports what it sets. A JSON 6902 patch is never read as manifests.
     */
    private FileReport patchReport(Path path, String name, byte[] bytes, Optional<KubernetesFile> kubeFile,
                                   Kustomize.Patch patch, BiFunction<String, String, String> extra) {
        Path folder = path.toAbsolutePath().normalize().getParent();
        String listedIn = folder == null ? patch.kustomization().toString()
                : folder.relativize(patch.kustomization()).toString().replace('\\', '/');
        if (patch.json() || kubeFile.isEmpty()) {
            return FileReport.skipped(name, kubeFile.isPresent() ? FileReport.Kind.KUBERNETES : FileReport.Kind.UNKNOWN, bytes,
                    Problem.atStart(Problem.Kind.KUSTOMIZE_PATCH, "a Kustomize JSON patch (listed in " + listedIn
                    + "); harden never edits JSON patches: it hardens the base"));
        }
        List<Finding> findings = rules.kubernetesPatch(kubeFile.get(), name, exemptions(path, extra));
        return FileReport.checked(name, FileReport.Kind.KUBERNETES, bytes, null, findings, Problem.atStart(
                Problem.Kind.KUSTOMIZE_PATCH, "a Kustomize patch of " + patch.base() + " (listed in " + listedIn
                + "): harden adds nothing to patches, it hardens the base and reports what the patch sets"));
    }
}
