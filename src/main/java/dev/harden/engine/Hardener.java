package dev.harden.engine;

import dev.harden.image.ImageKnowledge;
import dev.harden.image.Pins;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Recognition;
import dev.harden.manifest.Variables;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
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
    private final ImageKnowledge images;

    public Hardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits) {
        this(profile, images, config, limits, Hardener::readIfPresent);
    }

    /**
     * A hardener that reads the files a fix would write next to its input (the strict profile's
     * NetworkPolicies) through {@code neighbours}, to see what is already there.
     */
    public Hardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits,
                    Function<Path, Optional<byte[]>> neighbours) {
        this(profile, images, config, limits, neighbours, Pins.none());
    }

    private Hardener(Profile profile, ImageKnowledge images, RepoConfig config, Limits limits,
                     Function<Path, Optional<byte[]>> neighbours, Pins pins) {
        this.neighbours = neighbours;
        this.profile = profile;
        this.config = config;
        this.limits = limits;
        this.images = images;
        RuleCatalog catalog = RuleCatalog.builtIn();
        this.compose = new ComposeHardener(profile, images, catalog, pins);
        this.kubernetes = new KubernetesHardener(profile, images, catalog, pins);
    }

    /** The same hardener, resolving image tags through these pins (the lock file, a registry) when the profile pins. */
    public Hardener withPins(Pins pins) {
        return new Hardener(profile, images, config, limits, neighbours, pins);
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
            return processOrThrow(path, name, bytes, fix, extra, chosen);
        } catch (RuntimeException | StackOverflowError e) {
            // a bug must not take the other files down with it, nor write this one
            return FileReport.failed(name, bytes, "1:1: internal error (" + e + "); the file was left untouched (a bug: please report it)");
        }
    }

    private FileReport processOrThrow(Path path, String name, byte[] bytes, boolean fix,
                                      BiFunction<String, String, String> extra, BiPredicate<String, String> chosen) {
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
        String fileName = path.getFileName() == null ? name : path.getFileName().toString();
        Recognition recognised = Recognition.of(yaml, fileName);
        if (recognised.kind() == Recognition.Kind.COMPOSE) {
            ComposeFile composeFile = recognised.compose().with(projectVariables(path));
            Optional<String> malformed = composeFile.malformedService();
            if (malformed.isPresent()) {
                return FileReport.failed(name, bytes, malformed.get());
            }
            kind = FileReport.Kind.COMPOSE;
            findings.addAll(compose.run(composeFile, editor, fix, name, (rule, subject) -> exemption(path, rule, subject, extra), chosen));
        } else if (recognised.kind() == Recognition.Kind.KUBERNETES) {
            KubernetesFile kubeFile = recognised.kubernetes();
            kind = FileReport.Kind.KUBERNETES;
            findings.addAll(kubernetes.run(kubeFile, editor, fix, name, (rule, subject) -> exemption(path, rule, subject, extra), chosen));
            Path neighbour = path.resolveSibling(KubernetesHardener.generatedFileName(fileName));
            kubernetes.networkPolicies(kubeFile, fix, name, fileName, neighbours.apply(neighbour).orElse(null),
                    (rule, subject) -> exemption(path, rule, subject, extra), findings::add).ifPresent(generated::add);
        } else {
            return new FileReport(name, FileReport.Kind.SKIPPED, bytes, null, List.of(), recognised.why());
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
}
