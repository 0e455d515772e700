package dev.harden.engine;

import dev.harden.image.ImageKnowledge;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.KubernetesFile;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.report.Json;
import dev.harden.rule.ComposeHardener;
import dev.harden.rule.KubernetesHardener;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.Editor;
import dev.harden.yaml.FileRead;
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
            FileReport report = processOrThrow(path, name, bytes, fix, extra);
            if (report.changed() && isJson(name) && !isJson(bytes)) {
                return report;
            }
            if (report.changed() && isJson(name) && !isJson(report.fixed())) {
                // the editor writes YAML; in a .json file that would leave a file no JSON tool reads
                FileReport checked = processOrThrow(path, name, bytes, false, extra);
                return new FileReport(name, checked.kind(), bytes, null, checked.findings(), "1:1: not fixed: harden"
                        + " writes YAML syntax, which would make this JSON file invalid JSON; convert it to YAML to let"
                        + " harden fix it, or make the changes by hand");
            }
            return report;
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

    private String exemption(Path path, String rule, String subject, BiFunction<String, String, String> extra) {
        String reason = extra.apply(rule, subject);
        if (reason != null) {
            return reason;
        }
        return config.exemption(rule, path, subject).map(e -> e.reason()).orElse(null);
    }
}
