package dev.harden.image;

import dev.harden.yaml.DataValue;
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
    // a tag may have capitals (1.0.0-SNAPSHOT); the repository part was checked by ImageRef before
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][A-Za-z0-9._/:\\[\\]-]{0,254}");
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
    /** For facts learned by starting an image, the reference they were learned from, by image digest. */
    private final Map<String, String> learnedFrom;
    private boolean changed;

    private LockFile(Map<String, Entry> entries, Map<String, ImageFacts> facts, Map<String, String> learnedFrom) {
        this.entries = entries;
        this.facts = facts;
        this.learnedFrom = learnedFrom;
    }

    public static LockFile empty() {
        return new LockFile(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }

    /**
     * Reads a lock file.
     *
     * @throws IllegalArgumentException {@code line:col: reason}, when the file is not one harden wrote
     */
    public static LockFile parse(byte[] bytes) {
        try {
            return read(DataValue.parse(bytes));
        } catch (YamlException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Keys a later harden may add are read past, not refused: harden writes this file itself. */
    private static LockFile read(DataValue root) throws YamlException {
        TreeMap<String, Entry> entries = new TreeMap<>();
        TreeMap<String, ImageFacts> facts = new TreeMap<>();
        TreeMap<String, String> learnedFrom = new TreeMap<>();
        if (root.isNull()) {
            return new LockFile(entries, facts, learnedFrom);
        }
        Optional<DataValue> kind = root.isMapping() ? root.get("kind") : Optional.empty();
        if (kind.isEmpty() || !kind.get().isScalar() || !kind.get().text().equals("Lock")) {
            throw kind.orElse(root).error("not a harden lock file (kind: Lock)");
        }
        Optional<DataValue> images = root.get("images");
        for (DataValue item : images.isPresent() ? images.get().items() : List.<DataValue>of()) {
            List<String> platforms = new ArrayList<>();
            Optional<DataValue> ps = item.get("platforms");
            for (DataValue p : ps.isPresent() ? ps.get().items() : List.<DataValue>of()) {
                platforms.add(valid(p, PLATFORM, "platform"));
            }
            Optional<DataValue> tag = item.get("tag");
            Entry e = new Entry(valid(item.require("image"), IMAGE, "image"),
                    tag.isPresent() ? valid(tag.get(), TAG, "tag") : null, valid(item.require("digest"), DIGEST, "digest"),
                    platforms, valid(item.require("resolved"), DATE, "date"));
            entries.put(e.image(), e);
        }
        Optional<DataValue> learned = root.get("facts");
        for (DataValue item : learned.isPresent() ? learned.get().items() : List.<DataValue>of()) {
            Optional<ImageFacts> f = item.plain() instanceof Map<?, ?> m && m.get("digest") instanceof String d
                    && DIGEST.matcher(d).matches() ? LearnedFacts.of(m, m.get("name") instanceof String n ? n : "")
                    : Optional.empty();
            if (f.isEmpty()) {
                throw item.error(item.path() + " is not facts harden wrote");
            }
            Map<?, ?> m = (Map<?, ?>) item.plain();
            facts.put((String) m.get("digest"), f.get());
            if (m.get("image") instanceof String image && IMAGE.matcher(image).matches()) {
                learnedFrom.put((String) m.get("digest"), image);
            }
        }
        return new LockFile(entries, facts, learnedFrom);
    }

    private static String valid(DataValue value, Pattern pattern, String what) throws YamlException {
        String text = value.text();
        if (!pattern.matcher(text).matches()) {
            throw value.error(value.path() + ": not a valid " + what + ": " + value.describe());
        }
        return text;
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

    /**
     * Records facts learned by starting the image of this digest from {@code image} (a reference with
     * its tag), so that a run finds them for that reference without asking an engine or a registry.
     */
    public synchronized void putLearned(String digest, String image, ImageFacts f) {
        if (!IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("not a valid image: '" + image + "'");
        }
        putFacts(digest, f);
        String old = learnedFrom.put(digest, image);
        changed |= !image.equals(old);
    }

    /**
     * Facts recorded for a reference: those of its own digest, else of the digest this file pins its
     * tag to, else those learned from the same repository and tag; learned facts first when both are there.
     */
    public synchronized Optional<ImageFacts> factsFor(ImageRef ref) {
        List<String> digests = new ArrayList<>();
        if (ref.digest() != null) {
            digests.add(ref.digest());
        } else {
            Entry pinned = entries.get(ref.name() + ":" + ref.effectiveTag());
            if (pinned != null) {
                digests.add(pinned.digest());
            }
            String wanted = ref.name() + ":" + ref.effectiveTag();
            learnedFrom.forEach((digest, image) -> {
                if (ImageRef.parse(image).map(r -> r.name() + ":" + r.effectiveTag()).filter(wanted::equals).isPresent()) {
                    digests.add(digest);
                }
            });
        }
        Optional<ImageFacts> any = Optional.empty();
        for (String digest : digests) {
            ImageFacts f = facts.get(digest);
            if (f != null && LearnedFacts.LEARNED.equals(f.evidence())) {
                return Optional.of(f);
            }
            any = any.or(() -> Optional.ofNullable(f));
        }
        return any;
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
                Map<String, Object> m = LearnedFacts.plain(e.getKey(), learnedFrom.get(e.getKey()), e.getValue());
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
