package dev.harden.image;

import dev.harden.registry.Registry;
import dev.harden.registry.RegistryException;
import dev.harden.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Facts for images no knowledge file names, read from the image itself on the local engine or in
 * its registry (config and layers, nothing run) and cached by digest in the user's cache folder, so
 * each image is read once. The tag is resolved through the pins (the lock file first), so an
 * offline run still finds what an earlier run cached.
 */
public final class ImageFactsSource implements Function<ImageRef, Optional<ImageFacts>> {
    /** Bumped whenever what is derived from an image changes, so older cache entries are read again. */
    private static final long FORMAT = 3;

    private final Supplier<Registry> registry;
    private final EngineImages engine;
    private final boolean registryToo;
    private final Pins pins;
    private final Path cache;
    private final Consumer<String> log;
    private final Consumer<String> quiet;
    private final String engineWhere;
    private volatile boolean engineDown;

    /**
     * @param registry makes the client, on first need; null when offline
     * @param cache the folder holding cached facts, or null for none
     * @param log where a line goes when an image cannot be read (it is then treated as unknown)
     */
    public ImageFactsSource(Supplier<Registry> registry, Pins pins, Path cache, Consumer<String> log) {
        this(registry, null, true, pins, cache, log, line -> { });
    }

    /**
     * Facts from the local engine first, for the images it has.
     *
     * @param engine the local engine; one that does not answer is no source for the rest of the run
     * @param registryToo whether an image the engine does not have is read from its registry
     * @param quiet where the line goes that says the engine did not answer (shown with -v)
     */
    public ImageFactsSource(Supplier<Registry> registry, LocalImages engine, boolean registryToo, Pins pins, Path cache,
                            Consumer<String> log, Consumer<String> quiet) {
        this.registry = registry;
        this.engine = engine == null ? null : new EngineImages(engine);
        this.registryToo = registryToo;
        this.pins = pins;
        this.cache = cache;
        this.log = log;
        this.quiet = quiet;
        this.engineWhere = engine == null ? "" : engine.where();
    }

    /** {@code $XDG_CACHE_HOME/harden/facts}, else {@code ~/.cache/harden/facts}. */
    public static Path defaultCache(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("harden").resolve("facts");
    }

    @Override
    public Optional<ImageFacts> apply(ImageRef ref) {
        if (engine != null && !engineDown) {
            Optional<ImageFacts> local = fromEngine(ref);
            if (local.isPresent()) {
                return local;
            }
        }
        return registryToo ? fromRegistry(ref) : Optional.empty();
    }

    /**
     * The engine's facts for an image it has, by the registry digest it holds the image under, else
     * by its image id. An image id names the image's config, not a manifest any registry serves, so
     * facts kept under one go to the user's cache only, never into the lock file.
     */
    private Optional<ImageFacts> fromEngine(ImageRef ref) {
        Optional<EngineImages.Found> found;
        try {
            found = engine.find(ref);
        } catch (IOException e) {
            engineDown = true;
            quiet.accept("the local engine at " + engineWhere + " did not answer (" + e.getMessage() + "); it is no source of image facts");
            return Optional.empty();
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        EngineImages.Found image = found.get();
        boolean byDigest = image.repoDigest() != null;
        String key = byDigest ? image.repoDigest() : ID + image.id();
        // facts harden learn found by starting this very image win over what its config and files say
        Optional<ImageFacts> learned = learnedDigest(ref).filter(image.key()::equals).flatMap(d -> read(ref.name(), d))
                .filter(ImageFacts::learned);
        if (learned.isPresent()) {
            return learned;
        }
        if (byDigest) {
            Optional<ImageFacts> locked = pins.lock().facts(key);
            if (locked.isPresent()) {
                return locked;
            }
        }
        Optional<ImageFacts> cached = read(ref.name(), key);
        if (cached.isEmpty()) {
            try {
                cached = Optional.of(engine.read(ref, image));
            } catch (IOException e) {
                log.accept("image " + ref.text() + ": no facts from the local engine (" + e.getMessage() + ")"
                        + (registryToo ? "" : "; treated as unknown"));
                return Optional.empty();
            }
            write(key, cached.get());
        }
        if (byDigest) {
            pins.lock().putFacts(key, cached.get());
        }
        return cached;
    }

    private Optional<ImageFacts> fromRegistry(ImageRef ref) {
        String digest = ref.digest();
        if (digest == null) {
            // what harden learn recorded for this tag first: a local image has no registry to resolve it
            digest = learnedDigest(ref).orElse(null);
        }
        if (digest == null) {
            if (!(pins.resolve(ref, false) instanceof Pins.Pinned pinned)) {
                return Optional.empty();
            }
            digest = pinned.digest();
        }
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            return Optional.empty();
        }
        Optional<ImageFacts> locked = pins.lock().facts(digest);
        Optional<ImageFacts> cached = locked.filter(f -> LearnedFacts.LEARNED.equals(f.evidence())).isPresent()
                ? Optional.empty() : read(ref.name(), digest);
        // facts learned by starting the image win over those read from its config and files
        if (locked.isPresent() && cached.filter(f -> LearnedFacts.LEARNED.equals(f.evidence())).isEmpty()) {
            return locked;
        }
        if (cached.isPresent()) {
            pins.lock().putFacts(digest, cached.get());
            return cached;
        }
        if (registry == null) {
            return Optional.empty();
        }
        try {
            ImageRef byDigest = new ImageRef(ref.text(), ref.registry(), ref.repository(), ref.tag(), digest);
            ImageFacts facts = new RegistryImages(registry.get()).inspect(byDigest, null);
            write(digest, facts);
            pins.lock().putFacts(digest, facts);
            return Optional.of(facts);
        } catch (RegistryException e) {
            log.accept("image " + ref.text() + ": no facts from its registry (" + e.getMessage() + "); treated as unknown");
            return Optional.empty();
        }
    }

    /** Cache entries for an engine's image id are named apart from registry digests: the two never name the same thing. */
    private static final String ID = "id:";

    private Path file(String key) {
        return cache.resolve(key.replace(':', '-') + ".json");
    }

    /** The file that names the digest facts were learned for, for a repository and tag. */
    private Path learnedFile(ImageRef ref) {
        String key = ref.name() + ":" + ref.effectiveTag();
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return cache.resolve("learned-" + java.util.HexFormat.of().formatHex(hash) + ".json");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<String> learnedDigest(ImageRef ref) {
        if (cache == null || !Files.isRegularFile(learnedFile(ref))) {
            return Optional.empty();
        }
        try {
            if (Files.size(learnedFile(ref)) < 4096 && Json.parse(Files.readString(learnedFile(ref))) instanceof Map<?, ?> m
                    && m.get("digest") instanceof String d && d.matches("sha256:[0-9a-f]{64}")
                    && (ref.name() + ":" + ref.effectiveTag()).equals(m.get("image"))) {
                return Optional.of(d);
            }
        } catch (IOException | IllegalArgumentException e) {
            // a damaged pointer is as good as none
        }
        return Optional.empty();
    }

    /**
     * Keeps facts learned by starting an image ({@code harden learn}) in the cache, by its digest and
     * for its repository and tag, so that later runs find them for that reference.
     *
     * @return where they were written, or empty when there is no cache or it could not be written (said on the log)
     */
    public Optional<Path> remember(ImageRef ref, String digest, ImageFacts facts) {
        if (cache == null || !digest.matches("sha256:[0-9a-f]{64}")) {
            return Optional.empty();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.putAll(LearnedFacts.plain(digest, ref.text(), facts));
        Map<String, Object> pointer = new LinkedHashMap<>();
        pointer.put("image", ref.name() + ":" + ref.effectiveTag());
        pointer.put("digest", digest);
        if (store(file(digest), Json.write(m)) && store(learnedFile(ref), Json.write(pointer))) {
            return Optional.of(file(digest));
        }
        return Optional.empty();
    }

    private Optional<ImageFacts> read(String name, String digest) {
        if (cache == null || !Files.isRegularFile(file(digest))) {
            return Optional.empty();
        }
        try {
            if (Files.size(file(digest)) < (1 << 20)
                    && Json.parse(Files.readString(file(digest))) instanceof Map<?, ?> m
                    && Long.valueOf(FORMAT).equals(m.get("format"))) {
                return LearnedFacts.of(m, name);
            }
        } catch (IOException | IllegalArgumentException e) {
            // a damaged cache entry is read again from the registry
        }
        return Optional.empty();
    }

    private void write(String digest, ImageFacts f) {
        if (cache == null) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.putAll(LearnedFacts.plain(digest.startsWith(ID) ? digest.substring(ID.length()) : digest, f));
        store(file(digest), Json.write(m));
    }

    private boolean store(Path file, String text) {
        try {
            if (!Files.isDirectory(cache)) {
                Files.createDirectories(cache, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(cache, ".harden-tmp-", ".json");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            log.accept("cannot cache image facts in " + cache + " (" + e.getMessage() + ")");
            return false;
        }
    }
}
