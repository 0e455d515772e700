package dev.harden.engine;

import dev.harden.image.ImageKnowledge;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.KubernetesFile;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.rule.ComposeHardener;
import dev.harden.rule.KubernetesHardener;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Hardens one file's bytes: parse, recognise, run the profile's rules, and (when fixing) write the
 * edits into the text and verify them. Never throws for bad input: the report says what happened.
 */
public final class Hardener {
    /** What the kustomizations around each file make of it; kept across files, as they share folders. */
    private final Kustomize kustomize = new Kustomize();
    private final Profile profile;
    private final RepoConfig config;
    private final Limits limits;
    private final ComposeHardener compose;
    private final KubernetesHardener kubernetes;
    private final Function<Path, Optional<byte[]>> neighbours;

    public Hardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits) {
        this(profile, images, config, limits, Hardener::readIfPresent);
    }

    /**
     * A hardener that reads the files a fix would write next to its input (the strict profile's
     * NetworkPolicies) through {@code neighbours}, to see what is already there.
     */
    public Hardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits,
                    Function<Path, Optional<byte[]>> neighbours) {
        this.neighbours = neighbours;
        this.profile = profile;
        this.config = config;
        this.limits = limits;
        RuleCatalog catalog = RuleCatalog.builtIn();
        this.compose = new ComposeHardener(profile, images, catalog);
        this.kubernetes = new KubernetesHardener(profile, images, catalog);
    }

    public Profile profile() {
        return profile;
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
        try {
            return processOrThrow(path, name, bytes, fix, extra);
        } catch (RuntimeException | StackOverflowError e) {
            // a bug must not take the other files down with it, nor write this one
            return FileReport.failed(name, bytes, "1:1: internal error (" + e + "); the file was left untouched (a bug: please report it)");
        }
    }

    private FileReport processOrThrow(Path path, String name, byte[] bytes, boolean fix,
                                      BiFunction<String, String, String> extra) {
        YamlFile yaml;
        try {
            yaml = YamlFile.parse(bytes, limits);
        } catch (YamlException e) {
            String problem = e.line() + ":" + e.column() + ": " + e.reason();
            return e.kind() == YamlException.Kind.TEMPLATE ? new FileReport(name, FileReport.Kind.SKIPPED, bytes, null,
                    List.of(), problem) : FileReport.failed(name, bytes, problem);
        }
        Editor editor = yaml.edit();
        List<Finding> findings = new ArrayList<>();
        List<GeneratedFile> generated = new ArrayList<>();
        FileReport.Kind kind;
        Optional<ComposeFile> composeFile = ComposeFile.detect(yaml);
        Optional<KubernetesFile> kubeFile = composeFile.isPresent() ? Optional.empty() : KubernetesFile.detect(yaml);
        Optional<Kustomize.Patch> patch = composeFile.isPresent() ? Optional.empty() : kustomize.patch(path, kubeFile);
        if (patch.isPresent()) {
            return patchReport(path, name, bytes, kubeFile, patch.get(), extra);
        }
        if (composeFile.isPresent()) {
            kind = FileReport.Kind.COMPOSE;
            findings.addAll(compose.run(composeFile.get(), editor, fix, name, (rule, subject) -> exemption(path, rule, subject, extra)));
        } else if (kubeFile.isPresent()) {
            kind = FileReport.Kind.KUBERNETES;
            findings.addAll(kubernetes.run(kubeFile.get(), editor, fix, name, (rule, subject) -> exemption(path, rule, subject, extra)));
            String inputName = path.getFileName() == null ? name : path.getFileName().toString();
            Path neighbour = path.resolveSibling(KubernetesHardener.generatedFileName(inputName));
            kubernetes.networkPolicies(kubeFile.get(), fix, name, inputName, neighbours.apply(neighbour).orElse(null),
                    (rule, subject) -> exemption(path, rule, subject, extra), findings::add).ifPresent(generated::add);
        } else {
            return new FileReport(name, FileReport.Kind.SKIPPED, bytes, null, List.of(),
                    "1:1: neither a Compose file (no top-level 'services') nor Kubernetes manifests (no 'apiVersion' and 'kind')");
        }
        byte[] fixed = null;
        if (fix && editor.changed()) {
            try {
                fixed = editor.apply();
            } catch (YamlException e) {
                return FileReport.failed(name, bytes, e.line() + ":" + e.column() + ": " + e.reason());
            }
        }
        return new FileReport(name, kind, bytes, fixed, findings, null, fix ? generated : List.of());
    }

    private static Optional<byte[]> readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String exemption(Path path, String rule, String subject, BiFunction<String, String, String> extra) {
        String reason = extra.apply(rule, subject);
        if (reason != null) {
            return reason;
        }
        return config.exemption(rule, path, subject).map(e -> e.reason()).orElse(null);
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
            return new FileReport(name, FileReport.Kind.SKIPPED, bytes, null, List.of(), "1:1: a Kustomize JSON patch (listed in "
                    + listedIn + "); harden never edits JSON patches: it hardens the base");
        }
        List<Finding> findings = kubernetes.runPatch(kubeFile.get(), name, (rule, subject) -> exemption(path, rule, subject, extra));
        return new FileReport(name, FileReport.Kind.KUBERNETES, bytes, null, findings, "1:1: a Kustomize patch of " + patch.base()
                + " (listed in " + listedIn + "): harden adds nothing to patches, it hardens the base and reports what the"
                + " patch sets");
    }
}
