package dev.harden.cli;

import dev.harden.engine.AtomicWrite;
import dev.harden.engine.FileHardener;
import dev.harden.image.ImageFacts;
import dev.harden.image.ImageFactsSource;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.LocalImages;
import dev.harden.image.LockFile;
import dev.harden.image.Pins;
import dev.harden.manifest.Quantities;
import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import dev.harden.registry.Logins;
import dev.harden.registry.Registry;
import dev.harden.rule.RuleCatalog;
import dev.harden.verify.LocalEngineImages;
import dev.harden.verify.VerifySession;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.time.Clock;
import java.time.Duration;

/** Options shared by the commands that read manifests. */
final class Options {
    List<Path> paths;
    String profile;
    Path config;
    String maxFileSize;
    boolean verbose;
    boolean noColor;
    /** Where warnings go, such as a misspelt rule id in an exemption. */
    java.io.PrintWriter err;
    String pin;
    boolean offline;
    boolean refreshPins;
    List<String> insecureRegistries;
    List<String> registryMirrors;
    String imageFacts;
    /** The engine {@code --image-facts engine|auto} reads: {@code --docker-host}, set by the commands that have it. */
    String dockerHost;
    Pins pins = Pins.none();
    /** Makes the one registry client of this run, on first need; null when offline. */
    Supplier<Registry> registry;
    Path lockFile;

    private Options() {
    }

    /** The options {@code harden bulk run} hardens one clone with: the campaign's profile, shipped image facts. */
    static Options forRepository(String profile, Path workTree, java.io.PrintWriter err) {
        Options o = new Options();
        o.paths = List.of(workTree);
        o.profile = profile;
        o.maxFileSize = "10MB";
        o.imageFacts = "shipped";
        o.insecureRegistries = List.of();
        o.registryMirrors = List.of();
        o.err = err;
        return o;
    }

    static final Option<List<Path>> PATHS = Option.paths("PATH",
            "Files or folders to read (default: the current folder). Folders are searched for *.yml, *.yaml and *.json.");
    static final Option<String> PROFILE = Option.text("NAME|FILE",
            "baseline, restricted, strict, or a profile file (default: .harden.yaml's, else restricted).", "-p", "--profile");
    static final Option<Path> CONFIG = Option.path("FILE",
            "The repository config (default: the nearest .harden.yaml above the first path, up to its git"
                    + " repository's root; outside a repository, only the path's own folder).", "--config");
    static final Option<String> MAX_FILE_SIZE = Option.textWithDefault("SIZE", "10MB",
            "Skip files larger than this (default: ${DEFAULT-VALUE}).", "--max-file-size");
    static final Option<Boolean> VERBOSE = Option.flag(
            "Also list skipped files and folders, and why each file was taken as Compose or Kubernetes.", "-v", "--verbose");
    static final Option<String> PIN = Option.text("MODE",
            "Pin images: digest (name:tag@sha256:...), tag (a version for a floating tag) or report "
                    + "(default: the profile's; strict pins digests).", "--pin");
    static final Option<Boolean> OFFLINE = Option.flag(
            "Resolve image tags from the lock file (.harden.lock) only; ask no registry.", "--offline");
    static final Option<Boolean> REFRESH_PINS = Option.flag(
            "Ask the registry again for pinned tags and update digests whose tag has moved.", "--refresh-pins");
    static final Option<List<String>> INSECURE_REGISTRY = Option.repeatable("HOST[:PORT]",
            "A registry to reach over plain HTTP (loopback always may).", "--insecure-registry");
    static final Option<List<String>> REGISTRY_MIRROR = Option.repeatable("REGISTRY=MIRROR",
            "Ask MIRROR first for REGISTRY's images (docker.io=mirror.example.com).", "--registry-mirror");
    static final Option<String> IMAGE_FACTS = Option.textWithDefault("SOURCE", "shipped",
            "Where facts about images come from: shipped (images.yaml and your file), registry "
                    + "(also read unknown images from their registry, cached by digest), engine (from the local "
                    + "Docker engine only) or auto (the engine when it has the image, else the registry). "
                    + "Default: ${DEFAULT-VALUE}.",
            "--image-facts");
    static final Option<Boolean> NO_COLOR = Option.flag("Never colour the output (NO_COLOR does the same).", "--no-color");

    /** Adds the shared options to a command. */
    static CommandModel declare(CommandModel command) {
        return command.with(PATHS, PROFILE, CONFIG, MAX_FILE_SIZE, VERBOSE, PIN, OFFLINE, REFRESH_PINS, INSECURE_REGISTRY,
                REGISTRY_MIRROR, IMAGE_FACTS, NO_COLOR);
    }

    /** The shared options as parsed. */
    static Options read(CommandModel command) {
        Options o = new Options();
        o.paths = command.get(PATHS);
        o.profile = command.get(PROFILE);
        o.config = command.get(CONFIG);
        o.maxFileSize = command.get(MAX_FILE_SIZE);
        o.verbose = command.get(VERBOSE);
        o.noColor = command.get(NO_COLOR);
        o.err = command.err();
        o.pin = command.get(PIN);
        o.offline = command.get(OFFLINE);
        o.refreshPins = command.get(REFRESH_PINS);
        o.insecureRegistries = command.get(INSECURE_REGISTRY);
        o.registryMirrors = command.get(REGISTRY_MIRROR);
        o.imageFacts = command.get(IMAGE_FACTS);
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

    /** A misspelt rule id in the config's exemptions exempts nothing: say so, with the closest rule id. */
    private void warnUnknownRules() {
        Optional<Path> file = config != null ? Optional.of(config) : RepoConfig.find(paths().get(0));
        if (file.isPresent() && err != null) {
            RepoConfig.unknownRules(file.get(), RuleCatalog.builtIn().parameters().keySet())
                    .forEach(err::println);
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

    FileHardener hardener() {
        RepoConfig cfg = repoConfig();
        warnUnknownRules();
        // Images first: Main's preload thread starts with the rule catalogue and the profile.
        ImageKnowledge images = images(cfg);
        pins = pins(cfg);
        LockFile lock = pins.lock();
        java.io.PrintWriter warnings = err != null ? err : new java.io.PrintWriter(System.err, true);
        java.util.function.Consumer<String> warn = line -> warnings.println(dev.harden.report.Terminal.escape("harden: " + line));
        ImageFactsSource source = null;
        if ("registry".equals(imageFacts)) {
            source = new ImageFactsSource(registry, pins, ImageFactsSource.defaultCache(System.getenv()), warn);
        } else if ("engine".equals(imageFacts) || "auto".equals(imageFacts)) {
            source = new ImageFactsSource(registry, localEngine(), "auto".equals(imageFacts), pins,
                    ImageFactsSource.defaultCache(System.getenv()), warn, line -> {
                        if (verbose) {
                            warn.accept(line);
                        }
                    });
        } else if (imageFacts != null && !imageFacts.equals("shipped")) {
            throw new UserException("--image-facts: '" + imageFacts + "' is not one of shipped, registry, engine, auto");
        }
        if (source != null) {
            ImageFactsSource read = source;
            // facts learned for a tag (harden learn --lock) first: the tag of a local image resolves nowhere else
            images = images.withFallback(ref -> lock.factsFor(ref).filter(ImageFacts::learned).or(() -> read.apply(ref)));
        } else {
            // facts a repository committed in its lock file hold in every mode: reproducible and offline
            images = images.withFallback(lock::factsFor);
        }
        FileHardener hardener = new FileHardener(loadProfile(cfg), images, cfg, limits());
        return hardener.withPins(pins);
    }

    /** The local engine: {@code --docker-host}, else {@code DOCKER_HOST}, else Docker's default socket. */
    private LocalImages localEngine() {
        String host = dockerHost != null ? dockerHost : VerifySession.defaultHost();
        try {
            return LocalEngineImages.at(host, Duration.ofSeconds(120));
        } catch (IllegalArgumentException e) {
            if ("auto".equals(imageFacts)) {
                if (verbose && err != null) {
                    err.println(dev.harden.report.Terminal.escape("harden: no local engine for image facts (" + e.getMessage() + ")"));
                }
                return null;
            }
            throw new UserException("--image-facts engine: " + e.getMessage() + "; check --docker-host or DOCKER_HOST");
        }
    }

    /**
     * How image tags resolve in this run: the lock file beside the repository config (or in the
     * first folder named), then the registry unless {@code --offline}. Nothing is read or asked
     * until a rule needs a pin.
     */
    Pins pins(RepoConfig cfg) {
        Pins.Mode mode = null;
        if (pin != null) {
            mode = Pins.Mode.parse(pin).orElseThrow(() -> new UserException("--pin: '" + pin
                    + "' is not one of digest, tag, report"));
        }
        Path first = paths().get(0).toAbsolutePath().normalize();
        Path folder = cfg.folder() != null ? cfg.folder() : Files.isDirectory(first) ? first : first.getParent();
        lockFile = folder == null ? Path.of(LockFile.NAME) : folder.resolve(LockFile.NAME);
        LockFile lock = LockFile.empty();
        if (Files.isRegularFile(lockFile)) {
            try {
                lock = LockFile.parse(Files.readAllBytes(lockFile));
            } catch (IOException | IllegalArgumentException e) {
                // a lock file error is line:col: reason
                throw new UserException(lockFile + (e instanceof IllegalArgumentException ? ":" : ": ") + e.getMessage()
                        + "; delete it to resolve again");
            }
        }
        Set<String> insecure = Set.copyOf(insecureRegistries == null ? List.of() : insecureRegistries);
        java.util.Map<String, String> mirrors = new java.util.HashMap<>();
        for (String m : registryMirrors == null ? List.<String>of() : registryMirrors) {
            int eq = m.indexOf('=');
            if (eq <= 0 || eq == m.length() - 1 || !m.substring(eq + 1).matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?")) {
                throw new UserException("--registry-mirror: '" + m + "' is not REGISTRY=HOST[:PORT]");
            }
            mirrors.put(m.substring(0, eq), m.substring(eq + 1));
        }
        registry = offline ? null : new Supplier<>() {
            private Registry made;

            @Override
            public synchronized Registry get() {
                if (made == null) {
                    made = Registry.create(Logins.fromEnvironment(), insecure, Duration.ofSeconds(30), mirrors);
                }
                return made;
            }
        };
        return Pins.of(registry, lock, mode, refreshPins, Clock.systemUTC());
    }

    /**
     * Writes the lock file when this run resolved something new, atomically like every file harden
     * writes (a new one with the owner and mode of {@code like}, a manifest of the run); says so on {@code err}.
     */
    void writeLock(java.io.PrintWriter err, Path like) {
        if (pins.lock().changed() && lockFile != null) {
            try {
                if (Files.exists(lockFile)) {
                    AtomicWrite.write(lockFile, pins.lock().render());
                } else {
                    AtomicWrite.create(lockFile, pins.lock().render(), like);
                }
                err.println("harden: recorded " + (pins.lock().entries().isEmpty() ? "image facts"
                        : pins.lock().entries().size() + " image pin(s)") + " in " + lockFile);
            } catch (IOException e) {
                err.println(lockFile + ": cannot write the lock file (" + e.getMessage() + ")");
            }
        }
    }

    /** Whether text for standard output ({@code toStderr}: standard error) may be coloured. */
    boolean colour(boolean toStderr) {
        return Terminal.current().colour(noColor, toStderr);
    }

    static long parseSize(String text) {
        Long n = Quantities.bytes(text);
        if (n == null) {
            throw new UserException("--max-file-size: '" + text + "' is not a size such as 10MB or 512KB");
        }
        if (n == Long.MAX_VALUE) {
            throw new UserException("--max-file-size: '" + text + "' is too large; sizes go up to 8191PB, and 10MB is the default");
        }
        if (n <= 0) {
            throw new UserException("--max-file-size must be positive");
        }
        return n;
    }
}
