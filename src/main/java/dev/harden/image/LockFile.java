package dev.harden.image;

import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The lock file ({@code .harden.lock} beside {@code .harden.yaml}): what each image reference
 * resolved to, so that runs are reproducible and {@code --offline} works. harden writes it itself,
 * entries sorted by image, one small mapping each.
 */
public final class LockFile {
    /** The file's name. */
    public static final String NAME = ".harden.lock";
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:\\[\\]-]{0,254}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern PLATFORM = Pattern.compile("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?");
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    /**
     * One resolution.
     *
     * @param image the reference it is for: repository name and the tag as written ({@code nginx:latest})
     * @param tag the version tag found to share the digest, or null when none was looked for or found
     * @param digest the digest of the index (or single manifest) the tag pointed at
     * @param platforms the platforms the index lists; empty for a single-platform image
     * @param resolved the day it was resolved, {@code YYYY-MM-DD}
     */
    public record Entry(String image, String tag, String digest, List<String> platforms, String resolved) {
        public Entry {
            platforms = List.copyOf(platforms);
            check(IMAGE, image, "image");
            check(DIGEST, digest, "digest");
            check(DATE, resolved, "resolved");
            if (tag != null) {
                check(TAG, tag, "tag");
            }
            platforms.forEach(p -> check(PLATFORM, p, "platform"));
        }

        private static void check(Pattern p, String value, String what) {
            if (value == null || !p.matcher(value).matches()) {
                throw new IllegalArgumentException("not a valid " + what + ": '" + value + "'");
            }
        }
    }

    private final Map<String, Entry> entries;
    /** Image facts read from images, by image digest: what {@code --image-facts registry} learned. */
    private final Map<String, ImageFacts> facts;
    private boolean changed;

    private LockFile(Map<String, Entry> entries, Map<String, ImageFacts> facts) {
        this.entries = entries;
        this.facts = facts;
    }

    public static LockFile empty() {
        return new LockFile(new TreeMap<>(), new TreeMap<>());
    }

    /**
     * Reads a lock file.
     *
     * @throws IllegalArgumentException naming the entry, when the file is not one harden wrote
     */
    public static LockFile parse(byte[] bytes) {
        Object doc;
        try {
            doc = Plain.firstDocument(bytes);
        } catch (YamlException e) {
            throw new IllegalArgumentException(e.line() + ":" + e.column() + ": " + e.reason());
        }
        TreeMap<String, Entry> entries = new TreeMap<>();
        TreeMap<String, ImageFacts> facts = new TreeMap<>();
        if (doc == null) {
            return new LockFile(entries, facts);
        }
        if (!(doc instanceof Map<?, ?> root) || !"Lock".equals(root.get("kind"))) {
            throw new IllegalArgumentException("not a harden lock file (kind: Lock)");
        }
        if (root.get("images") instanceof List<?> list) {
            int i = 0;
            for (Object o : list) {
                i++;
                if (!(o instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("images entry " + i + " is not a mapping");
                }
                List<String> platforms = new ArrayList<>();
                if (m.get("platforms") instanceof List<?> ps) {
                    ps.forEach(p -> platforms.add(String.valueOf(p)));
                }
                try {
                    Entry e = new Entry(str(m.get("image")), str(m.get("tag")), str(m.get("digest")), platforms,
                            str(m.get("resolved")));
                    entries.put(e.image(), e);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("images entry " + i + ": " + e.getMessage());
                }
            }
        }
        if (root.get("facts") instanceof List<?> list) {
            int i = 0;
            for (Object o : list) {
                i++;
                Optional<ImageFacts> f = o instanceof Map<?, ?> m && m.get("digest") instanceof String d
                        && DIGEST.matcher(d).matches() ? LearnedFacts.of(m, m.get("name") instanceof String n ? n : "")
                        : Optional.empty();
                if (f.isEmpty()) {
                    throw new IllegalArgumentException("facts entry " + i + " is not one harden wrote");
                }
                facts.put((String) ((Map<?, ?>) o).get("digest"), f.get());
            }
        }
        return new LockFile(entries, facts);
    }

    /** A value as a one-line JSON literal, which YAML reads as written. */
    private static String literal(Object v) {
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : l) {
                b.append(b.length() > 1 ? ", " : "").append(literal(o));
            }
            return b.append(']').toString();
        }
        return dev.harden.json.Json.write(v).strip();
    }

    /** Facts read from the image of this digest, when a run recorded them. */
    public synchronized Optional<ImageFacts> facts(String digest) {
        return Optional.ofNullable(facts.get(digest));
    }

    /** Records what an image of this digest says of itself, so a later run, offline or not, reads the same. */
    public synchronized void putFacts(String digest, ImageFacts f) {
        ImageFacts old = facts.put(digest, f);
        changed |= !f.equals(old);
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    public synchronized Optional<Entry> get(String image) {
        return Optional.ofNullable(entries.get(image));
    }

    public synchronized void put(Entry e) {
        Entry old = entries.put(e.image(), e);
        changed |= !e.equals(old);
    }

    /** Whether entries were added or changed since it was read. */
    public synchronized boolean changed() {
        return changed;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The file's text: every value was validated against a plain-scalar-safe pattern, so none needs quoting. */
    public synchronized byte[] render() {
        StringBuilder out = new StringBuilder();
        out.append("# Written by harden: what each image tag resolved to. `harden fix --refresh-pins` updates it;\n");
        out.append("# `--offline` reads only this file. Commit it next to .harden.yaml.\n");
        out.append("apiVersion: harden/v1\nkind: Lock\nimages:");
        if (entries.isEmpty()) {
            out.append(" []");
        }
        out.append('\n');
        for (Entry e : entries.values()) {
            out.append("  - image: ").append(e.image()).append('\n');
            if (e.tag() != null) {
                out.append("    tag: \"").append(e.tag()).append("\"\n");
            }
            out.append("    digest: ").append(e.digest()).append('\n');
            out.append("    platforms: [").append(String.join(", ", e.platforms())).append("]\n");
            out.append("    resolved: \"").append(e.resolved()).append("\"\n");
        }
        if (!facts.isEmpty()) {
            // each value as a JSON literal, which YAML reads as written: sources and notes are free text
            out.append("facts:\n");
            for (Map.Entry<String, ImageFacts> e : facts.entrySet()) {
                Map<String, Object> m = LearnedFacts.plain(e.getKey(), e.getValue());
                String sep = "  - ";
                for (Map.Entry<String, Object> kv : m.entrySet()) {
                    out.append(sep).append(kv.getKey()).append(": ")
                            .append(literal(kv.getValue())).append('\n');
                    sep = "    ";
                }
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
