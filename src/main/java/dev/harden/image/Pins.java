package dev.harden.image;

import dev.harden.registry.ManifestRef;
import dev.harden.registry.Platform;
import dev.harden.registry.Registry;
import dev.harden.registry.RegistryException;
import dev.harden.registry.Resolution;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What image references resolve to, for pinning: the lock file first, else the registry (unless
 * offline). Every answer is memoised for the run, and every registry answer recorded in the lock file.
 */
public final class Pins {
    /** How far a profile (or {@code --pin}) lets pinning go. */
    public enum Mode {
        /** Only report floating tags. */
        REPORT,
        /** Replace floating tags with the version tag that shares their digest. */
        TAG,
        /** Write {@code name:tag@sha256:...} for every image. */
        DIGEST;

        /** {@code report}, {@code tag} or {@code digest}. */
        public static Optional<Mode> parse(String text) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    /** A resolution: a pin, or why there is none. */
    public sealed interface Result permits Pinned, Unresolved {
    }

    /**
     * What to write.
     *
     * @param versionTag the version tag sharing the digest, when one was asked for and found; else null
     * @param digest the index (or single manifest) digest
     * @param source where the fact comes from, for messages: {@code the registry} or {@code the lock file}
     */
    public record Pinned(String versionTag, String digest, String source) implements Result {
    }

    /** @param reason why nothing can be written, in words for a finding */
    public record Unresolved(String reason) implements Result {
    }

    private static final int MAX_TAGS = 1000;
    private static final int MAX_CANDIDATES = 10;
    private static final Pattern VERSION = Pattern.compile("v?([0-9]+(?:\\.[0-9]+)*)(-[A-Za-z0-9][A-Za-z0-9._-]*)?");

    private final Supplier<Registry> registrySource;
    private Registry registry;
    private final boolean none;
    private final LockFile lock;
    private final Mode override;
    private final boolean refresh;
    private final Clock clock;
    private final Map<String, Result> memo = new HashMap<>();

    private Pins(Supplier<Registry> registry, boolean none, LockFile lock, Mode override, boolean refresh, Clock clock) {
        this.registrySource = registry;
        this.none = none;
        this.lock = lock;
        this.override = override;
        this.refresh = refresh;
        this.clock = clock;
    }

    /** Resolves nothing: every image is reported as unresolved, nothing is written. */
    public static Pins none() {
        return new Pins(null, true, LockFile.empty(), null, false, Clock.systemUTC());
    }

    /**
     * @param registry makes the client to ask, on first need; null to work offline from the lock file alone
     * @param override the mode {@code --pin} asks for, or null to let the profile decide
     * @param refresh whether to ask the registry again for tags the lock file or a written digest already pins
     */
    public static Pins of(Supplier<Registry> registry, LockFile lock, Mode override, boolean refresh, Clock clock) {
        return new Pins(registry, false, lock, override, refresh, clock);
    }

    /** The mode for this run: {@code --pin} when given, else the profile's. */
    public Mode mode(Mode fromProfile) {
        return override != null ? override : fromProfile;
    }

    public boolean refresh() {
        return refresh;
    }

    public LockFile lock() {
        return lock;
    }

    /**
     * What a tag points at now.
     *
     * @param ref the image as written
     * @param findVersion whether to look for the most specific version tag sharing the digest (for a floating tag)
     */
    public synchronized Result resolve(ImageRef ref, boolean findVersion) {
        String key = ref.name() + ":" + ref.effectiveTag();
        return memo.computeIfAbsent(key + (findVersion ? " +version" : ""), k -> lookup(ref, key, findVersion));
    }

    private Result lookup(ImageRef ref, String key, boolean findVersion) {
        if (none) {
            return new Unresolved("this run looks up no registry and reads no lock file");
        }
        Optional<LockFile.Entry> locked = lock.get(key);
        if (locked.isPresent() && !refresh && (!findVersion || locked.get().tag() != null || registrySource == null)) {
            return new Pinned(findVersion ? locked.get().tag() : null, locked.get().digest(), "the lock file");
        }
        if (registrySource == null) {
            return new Unresolved(locked.isPresent() ? "no version tag in the lock file, and --offline"
                    : "not in the lock file (" + LockFile.NAME + "), and --offline");
        }
        if (registry == null) {
            registry = registrySource.get();
        }
        ManifestRef where;
        try {
            where = ManifestRef.of(ref.registry(), ref.repository(), ref.effectiveTag());
        } catch (IllegalArgumentException e) {
            return new Unresolved("cannot be looked up (" + e.getMessage() + ")");
        }
        try {
            Resolution r = registry.resolve(where);
            String version = findVersion ? versionSharing(where, ref.effectiveTag(), r.digest()) : null;
            lock.put(new LockFile.Entry(key, version, r.digest(), r.platforms().stream().map(Platform::toString).toList(),
                    LocalDate.now(clock).toString()));
            return new Pinned(version, r.digest(), "the registry");
        } catch (RegistryException e) {
            return new Unresolved(e.getMessage());
        }
    }

    /** The most specific version tag whose digest is the same, with bounded look-ups; null when none. */
    private String versionSharing(ManifestRef where, String floating, String digest) throws RegistryException {
        List<String> candidates = candidates(floating, registry.tags(where, MAX_TAGS));
        for (String tag : candidates.subList(0, Math.min(MAX_CANDIDATES, candidates.size()))) {
            try {
                if (registry.digest(where.at(tag)).equals(digest)) {
                    return tag;
                }
            } catch (RegistryException | IllegalArgumentException e) {
                // a tag that cannot be read is simply not the one
            }
        }
        return null;
    }

    /**
     * The version tags that could stand for a floating one, most specific first: for {@code 7-alpine}
     * the {@code 7.x.y-alpine} tags, for {@code 1.27} the {@code 1.27.x} tags, for a word such as
     * {@code latest} the plain {@code x.y.z} versions.
     */
    static List<String> candidates(String floating, List<String> tags) {
        Matcher f = VERSION.matcher(floating);
        String prefix = "";
        String suffix = "";
        if (f.matches()) {
            prefix = f.group(1) + ".";
            suffix = f.group(2) == null ? "" : f.group(2);
        }
        List<String> out = new ArrayList<>();
        for (String t : tags) {
            Matcher m = VERSION.matcher(t);
            if (!m.matches() || t.equals(floating) || !m.group(1).contains(".")) {
                continue;
            }
            String s = m.group(2) == null ? "" : m.group(2);
            if (m.group(1).startsWith(prefix) && s.equals(suffix)) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparingInt((String t) -> -parts(t).length).thenComparing(Pins::compareVersions));
        return out;
    }

    private static int[] parts(String tag) {
        Matcher m = VERSION.matcher(tag);
        m.matches();
        String[] p = m.group(1).split("\\.");
        int[] n = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            n[i] = p[i].length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(p[i]);
        }
        return n;
    }

    /** Newest first. */
    private static int compareVersions(String a, String b) {
        int[] x = parts(a);
        int[] y = parts(b);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(y[i], x[i]);
            }
        }
        return a.toLowerCase(Locale.ROOT).compareTo(b.toLowerCase(Locale.ROOT));
    }

    /**
     * The reference as written, with its tag and digest replaced: the registry and repository keep
     * their spelling ({@code docker.io/library/nginx} stays so).
     */
    public static String written(ImageRef ref, String tag, String digest) {
        String name = ref.text();
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        if (ref.tag() != null) {
            name = name.substring(0, name.length() - ref.tag().length() - 1);
        }
        return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
