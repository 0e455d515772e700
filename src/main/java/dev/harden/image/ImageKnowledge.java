package dev.harden.image;

import dev.harden.yaml.DataValue;
import dev.harden.yaml.ShippedData;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The image knowledge base: facts per repository, with per-tag variants. */
public final class ImageKnowledge {
    private static final String BUILT_IN = "/dev/harden/profiles/images.yaml";

    /** One entry and its tag-pattern overrides. */
    private record Entry(ImageFacts facts, List<Variant> variants) { }

    private record Variant(Pattern tag, Map<String, Object> overrides) { }

    private static final Set<String> FACT_KEYS = Set.of("runsAs", "dropsPrivileges", "nonRootUid", "rootCapabilities",
            "writablePaths", "dataPaths", "readOnlyRootFilesystem", "noNewPrivileges", "ports", "evidence", "sources", "notes",
            "proven");
    private static final Set<String> TOP_KEYS = Set.of("apiVersion", "kind", "images");
    private static final Set<String> ENTRY_KEYS = with(FACT_KEYS, "name", "aliases", "variants");
    private static final Set<String> VARIANT_KEYS = with(FACT_KEYS, "tag");
    private static final Set<String> PROOF_KEYS = Set.of("date", "engine", "image");

    private final Map<String, Entry> byName;
    private final Function<ImageRef, Optional<ImageFacts>> fallback;
    private final Map<String, Optional<ImageFacts>> learned;
    /** Facts learned on an engine in this run, by {@link #runKey}: they win over every other source. */
    private final Map<String, ImageFacts> inRun;

    private ImageKnowledge(Map<String, Entry> byName) {
        this(byName, null);
    }

    private ImageKnowledge(Map<String, Entry> byName, Function<ImageRef, Optional<ImageFacts>> fallback) {
        this(byName, fallback, new HashMap<>(), Map.of());
    }

    private ImageKnowledge(Map<String, Entry> byName, Function<ImageRef, Optional<ImageFacts>> fallback,
                           Map<String, Optional<ImageFacts>> learned, Map<String, ImageFacts> inRun) {
        this.byName = byName;
        this.fallback = fallback;
        this.learned = learned;
        this.inRun = inRun;
    }

    private static ImageKnowledge builtIn;

    /** The knowledge shipped with harden, read once. */
    public static synchronized ImageKnowledge builtIn() {
        if (builtIn == null) {
            builtIn = readBuiltIn();
        }
        return builtIn;
    }

    private static ImageKnowledge readBuiltIn() {
        try {
            return DataValue.readPlainOr(ShippedData.read(ImageKnowledge.class, BUILT_IN), ImageKnowledge::builtInYaml,
                    ImageKnowledge::of);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (YamlException e) {
            throw new IllegalStateException("built-in images.yaml:" + e.getMessage(), e);
        }
    }

    private static byte[] builtInYaml() throws IOException {
        try (InputStream in = ImageKnowledge.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IOException("missing resource " + BUILT_IN);
            }
            return in.readAllBytes();
        }
    }

    /**
     * Parses a knowledge file ({@code kind: ImageKnowledge}).
     *
     * @param label the file's name; errors are {@code line:col: reason}, for the caller to prefix with it
     */
    public static ImageKnowledge parse(byte[] bytes, String label) throws YamlException {
        return of(DataValue.parse(bytes));
    }

    private static ImageKnowledge of(DataValue root) throws YamlException {
        root.keys(TOP_KEYS);
        for (String[] expected : new String[][] {{"apiVersion", "harden/v1"}, {"kind", "ImageKnowledge"}}) {
            Optional<DataValue> v = root.get(expected[0]);
            if (v.isPresent() && !v.get().text().equals(expected[1])) {
                throw v.get().error(expected[0] + " must be " + expected[1] + ", not " + v.get().describe());
            }
        }
        Map<String, Entry> byName = new HashMap<>();
        for (DataValue item : root.require("images").items()) {
            item.keys(ENTRY_KEYS);
            String name = item.require("name").text();
            List<Variant> variants = new ArrayList<>();
            Optional<DataValue> vs = item.get("variants");
            for (DataValue v : vs.isPresent() ? vs.get().items() : List.<DataValue>of()) {
                v.keys(VARIANT_KEYS);
                DataValue tag = v.require("tag");
                try {
                    variants.add(new Variant(Pattern.compile(tag.text()), fields(v)));
                } catch (PatternSyntaxException e) {
                    throw tag.error(tag.path() + " is not a regular expression: " + e.getDescription());
                }
            }
            Entry entry = new Entry(facts(name, fields(item), Map.of()), variants);
            byName.put(name.toLowerCase(java.util.Locale.ROOT), entry);
            Optional<DataValue> aliases = item.get("aliases");
            for (String alias : aliases.isPresent() ? aliases.get().texts() : List.<String>of()) {
                byName.put(alias.toLowerCase(java.util.Locale.ROOT), entry);
            }
        }
        return new ImageKnowledge(byName);
    }

    /** The facts an entry or a variant writes, each of its type; a fact written as null is kept as null. */
    private static Map<String, Object> fields(DataValue m) throws YamlException {
        Map<String, Object> out = new HashMap<>();
        for (DataValue.Entry e : m.entries()) {
            String key = e.key().text();
            DataValue v = e.value();
            if (!FACT_KEYS.contains(key)) {
                continue;
            }
            out.put(key, v.isNull() ? null : switch (key) {
                case "dropsPrivileges", "readOnlyRootFilesystem", "noNewPrivileges" -> v.bool();
                case "rootCapabilities", "writablePaths", "dataPaths", "sources" -> v.texts();
                case "ports" -> ports(v);
                case "proven" -> proof(v);
                default -> v.text();
            });
        }
        return out;
    }

    /**
     * Checks a {@code proven:} record ({@code date} as YYYY-MM-DD, {@code engine}, {@code image}): it
     * tells people when the facts were seen to hold on a real engine; harden's decisions do not rest on it.
     */
    private static Object proof(DataValue v) throws YamlException {
        DataValue date = v.keys(PROOF_KEYS).require("date");
        v.require("engine").text();
        v.require("image").text();
        if (!date.text().matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            throw date.error("a proof's date is YYYY-MM-DD, not '" + date.text() + "'");
        }
        return null;
    }

    private static List<Integer> ports(DataValue list) throws YamlException {
        List<Integer> out = new ArrayList<>();
        for (DataValue item : list.items()) {
            if (!(item.plain() instanceof Long port) || port < 1 || port > 65535) {
                throw item.error(item.path() + " must be a port number from 1 to 65535, not " + item.describe());
            }
            out.add(port.intValue());
        }
        return out;
    }

    /** This knowledge with another's entries added on top (a user's own file). */
    public ImageKnowledge with(ImageKnowledge extra) {
        Map<String, Entry> merged = new HashMap<>(byName);
        merged.putAll(extra.byName);
        return new ImageKnowledge(merged, fallback, new HashMap<>(), inRun);
    }

    /**
     * This knowledge, asking {@code source} (the image itself, from its registry) for images no
     * entry names; each answer is kept for the run. Entries win: they were proven or written by a person.
     */
    public ImageKnowledge withFallback(Function<ImageRef, Optional<ImageFacts>> source) {
        return new ImageKnowledge(byName, source, new HashMap<>(), inRun);
    }

    /**
     * This knowledge with facts learned on an engine during this run for one image ({@code harden verify}
     * repairing a service): for that reference they win over shipped, file and registry facts. Nothing
     * is written anywhere; the knowledge this was made from is unchanged.
     */
    public ImageKnowledge learnedInRun(ImageRef ref, ImageFacts facts) {
        Map<String, ImageFacts> more = new HashMap<>(inRun);
        more.put(runKey(ref), facts);
        return new ImageKnowledge(byName, fallback, learned, Map.copyOf(more));
    }

    /** The image a reference names, with or without a pinned digest: a pin a rule writes keeps the facts. */
    private static String runKey(ImageRef ref) {
        return ref.name() + (ref.tag() != null || ref.digest() == null ? ":" + ref.effectiveTag() : "@" + ref.digest());
    }

    /** Facts for an image reference, with every variant matching its tag applied in order. */
    public Optional<ImageFacts> lookup(ImageRef ref) {
        ImageFacts now = inRun.isEmpty() ? null : inRun.get(runKey(ref));
        if (now != null) {
            return Optional.of(now);
        }
        Entry entry = byName.get(ref.name());
        if (entry == null) {
            entry = byName.get(ref.repository());
        }
        if (entry == null) {
            if (fallback == null) {
                return Optional.empty();
            }
            synchronized (learned) {
                return learned.computeIfAbsent(ref.text(), t -> fallback.apply(ref));
            }
        }
        ImageFacts facts = entry.facts;
        for (Variant v : entry.variants) {
            if (v.tag.matcher(ref.effectiveTag()).matches()) {
                facts = facts(facts.name(), asMap(facts), v.overrides);
            }
        }
        return Optional.of(facts);
    }

    public int size() {
        return (int) byName.values().stream().distinct().count();
    }

    private static Map<String, Object> asMap(ImageFacts f) {
        Map<String, Object> m = new HashMap<>();
        m.put("runsAs", f.runsAs());
        m.put("dropsPrivileges", f.dropsPrivileges());
        m.put("nonRootUid", f.nonRootUid());
        m.put("rootCapabilities", f.rootCapabilities());
        m.put("writablePaths", f.writablePaths());
        m.put("dataPaths", f.dataPaths());
        m.put("readOnlyRootFilesystem", f.readOnlyRootFilesystem());
        m.put("noNewPrivileges", f.noNewPrivileges());
        m.put("ports", f.ports());
        m.put("evidence", f.evidence());
        m.put("sources", f.sources());
        m.put("notes", f.notes());
        return m;
    }

    private static ImageFacts facts(String name, Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> m = new HashMap<>(base);
        m.putAll(overrides);
        return new ImageFacts(name, str(m.get("runsAs")), bool(m.get("dropsPrivileges"), false), str(m.get("nonRootUid")),
                strings(m.get("rootCapabilities")), strings(m.get("writablePaths")), strings(m.get("dataPaths")),
                bool(m.get("readOnlyRootFilesystem"), true), bool(m.get("noNewPrivileges"), true), ints(m.get("ports")),
                m.get("evidence") == null ? "documented" : str(m.get("evidence")), strings(m.get("sources")),
                str(m.get("notes")));
    }

    private static Set<String> with(Set<String> keys, String... more) {
        Set<String> out = new java.util.HashSet<>(keys);
        out.addAll(List.of(more));
        return Set.copyOf(out);
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static boolean bool(Object o, boolean fallback) {
        return o instanceof Boolean b ? b : fallback;
    }

    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    static List<Integer> ints(Object o) {
        List<Integer> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                if (x instanceof Number n) {
                    out.add(n.intValue());
                }
            }
        }
        return out;
    }
}
