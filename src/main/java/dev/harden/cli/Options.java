package dev.harden.cli;

import dev.harden.engine.Hardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Options shared by the commands that read manifests. */
final class Options {
    List<Path> paths;
    String profile;
    Path config;
    String maxFileSize;
    boolean verbose;
    boolean noColor;
    java.io.PrintWriter err;

    private Options() {
    }

    /** Adds the shared options to a command. */
    static CommandModel declare(CommandModel command) {
        return command
                .positionals(Path.class, "PATH",
                        "Files or folders to read (default: the current folder). Folders are searched for *.yml and *.yaml.")
                .option(String.class, "NAME|FILE", null,
                        "baseline, restricted, strict, or a profile file (default: .harden.yaml's, else restricted).",
                        "-p", "--profile")
                .option(Path.class, "FILE", null,
                        "The repository config (default: the nearest .harden.yaml above the first path, up to its git"
                                + " repository's root; outside a repository, only the path's own folder).", "--config")
                .option(String.class, "SIZE", "10MB", "Skip files larger than this (default: ${DEFAULT-VALUE}).",
                        "--max-file-size")
                .flag("Also list files that were skipped as neither Compose nor Kubernetes.", "-v", "--verbose")
                .flag("Never colour the output (NO_COLOR does the same).", "--no-color");
    }

    /** The shared options as parsed. */
    static Options read(CommandModel command) {
        Options o = new Options();
        o.paths = command.positionals();
        o.profile = command.value("--profile");
        o.config = command.value("--config");
        o.maxFileSize = command.value("--max-file-size");
        o.verbose = command.flag("--verbose");
        o.noColor = command.flag("--no-color");
        o.err = command.err();
        return o;
    }

    List<Path> paths() {
        return paths.isEmpty() ? List.of(Path.of(".")) : paths;
    }

    RepoConfig repoConfig() {
        Optional<Path> file = config != null ? Optional.of(config) : RepoConfig.find(paths().get(0));
        if (config != null && !Files.isRegularFile(config)) {
            throw new UserException(config + ": no such config file");
        }
        if (verbose && err != null) {
            err.println(file.map(f -> "harden: config " + f.toAbsolutePath().normalize())
                    .orElse("harden: no " + RepoConfig.FILE_NAME + " (looked up to the git repository root, or only in "
                            + "the folder given outside a repository)"));
        }
        try {
            return file.isPresent() ? RepoConfig.load(file.get()) : RepoConfig.none();
        } catch (ProfileException e) {
            throw new UserException(e.getMessage());
        }
    }

    Profile loadProfile(RepoConfig cfg) {
        String ref = profile != null ? profile : cfg.profile() != null ? cfg.profile() : Profile.DEFAULT;
        if (profile == null && cfg.profile() != null && cfg.folder() != null && !Profile.BUILT_IN.contains(ref)) {
            ref = cfg.folder().resolve(ref).toString();
        }
        try {
            return Profile.load(ref, RuleCatalog.builtIn().parameters());
        } catch (ProfileException e) {
            throw new UserException(e.getMessage());
        }
    }

    ImageKnowledge images(RepoConfig cfg) {
        ImageKnowledge images = ImageKnowledge.builtIn();
        if (cfg.imagesFile() != null) {
            Path file = cfg.folder().resolve(cfg.imagesFile());
            try {
                images = images.with(ImageKnowledge.parse(FileRead.read(file, Limits.DEFAULT.maxBytes()), file.toString()));
            } catch (IOException e) {
                throw new UserException(file + ": cannot read image knowledge (" + e.getMessage() + ")");
            } catch (YamlException e) {
                throw new UserException(file + ":" + e.getMessage());
            }
        }
        return images;
    }

    Limits limits() {
        return Limits.DEFAULT.withMaxBytes(parseSize(maxFileSize));
    }

    Hardener hardener() {
        RepoConfig cfg = repoConfig();
        // Images first: Main's preload thread starts with the rule catalogue and the profile.
        ImageKnowledge images = images(cfg);
        return new Hardener(loadProfile(cfg), images, cfg, limits());
    }

    boolean colour() {
        return !noColor && System.getenv("NO_COLOR") == null && System.console() != null;
    }

    static long parseSize(String text) {
        var m = java.util.regex.Pattern.compile("(?i)\\s*([0-9]+)\\s*(b|kb|k|mb|m|gb|g)?\\s*").matcher(text);
        if (!m.matches()) {
            throw new UserException("--max-file-size: '" + text + "' is not a size such as 10MB or 512KB");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new UserException("--max-file-size: '" + text + "' is too large; sizes go up to 8191PB, and 10MB is the default");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit) {
            case "k", "kb" -> 1024L;
            case "m", "mb" -> 1024L * 1024;
            case "g", "gb" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        if (n <= 0) {
            throw new UserException("--max-file-size must be positive");
        }
        try {
            return Math.multiplyExact(n, factor);
        } catch (ArithmeticException e) {
            throw new UserException("--max-file-size: '" + text + "' is too large; sizes go up to 8191PB, and 10MB is the default");
        }
    }
}
