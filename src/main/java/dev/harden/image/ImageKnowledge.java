package dev.harden.image;

import dev.harden.yaml.Plain;
import dev.harden.yaml.ShippedData;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The image knowledge base: facts per repository, with per-tag variants. */
public final class ImageKnowledge {
    private static final String BUILT_IN = "/dev/harden/profiles/images.yaml";

    /** One entry and its tag-pattern overrides. */
    private record Entry(ImageFacts facts, List<Variant> variants) { }

    private record Variant(Pattern tag, Map<String, Object> overrides) { }

    private final Map<String, Entry> byName;
    private final Function<ImageRef, Optional<ImageFacts>> fallback;
    private final Map<String, Optional<ImageFacts>> learned = new HashMap<>();

    private ImageKnowledge(Map<String, Entry> byName) {
        this(byName, null);
    }

    private ImageKnowledge(Map<String, Entry> byName, Function<ImageRef, Optional<ImageFacts>> fallback) {
        this.byName = byName;
        this.fallback = fallback;
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
            return of(ShippedData.read(ImageKnowledge.class, BUILT_IN), "images.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (YamlException e) {
            throw new IllegalStateException("built-in images.yaml:" + e.getMessage(), e);
        }
    }

    /** Parses a knowledge file ({@code kind: ImageKnowledge}). */
    public static ImageKnowledge parse(byte[] bytes, String label) throws YamlException {
        return of(Plain.firstDocument(bytes), label);
    }

    private static ImageKnowledge of(Object plain, String label) throws YamlException {
        Map<String, Entry> byName = new HashMap<>();
        if (!(plain instanceof Map<?, ?> root)) {
            throw new YamlException(YamlException.Kind.SYNTAX, 1, 1, label + " is not a mapping");
        }
        Object images = root.get("images");
        if (!(images instanceof List<?> list)) {
            throw new YamlException(YamlException.Kind.SYNTAX, 1, 1, label + " has no 'images' list");
        }
        for (Object item : list) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) item;
            String name = (String) m.get("name");
            ImageFacts facts;
            List<Variant> variants = new ArrayList<>();
            try {
                facts = facts(name, m, Map.of());
                if (m.get("variants") instanceof List<?> vs) {
                    for (Object v : vs) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> vm = (Map<String, Object>) v;
                        variants.add(new Variant(Pattern.compile(String.valueOf(vm.get("tag"))), vm));
                        facts(name, m, vm);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new YamlException(YamlException.Kind.SYNTAX, 1, 1, label + ": " + e.getMessage());
            }
            Entry entry = new Entry(facts, variants);
            byName.put(name.toLowerCase(java.util.Locale.ROOT), entry);
            if (m.get("aliases") instanceof List<?> aliases) {
                aliases.forEach(a -> byName.put(String.valueOf(a).toLowerCase(java.util.Locale.ROOT), entry));
            }
        }
        return new ImageKnowledge(byName);
    }

    /** This knowledge with another's entries added on top (a user's own file). */
    public ImageKnowledge with(ImageKnowledge extra) {
        Map<String, Entry> merged = new HashMap<>(byName);
        merged.putAll(extra.byName);
        return new ImageKnowledge(merged, fallback);
    }

    /**
     * This knowledge, asking {@code source} (the image itself, from its registry) for images no
     * entry names; each answer is kept for the run. Entries win: they were proven or written by a person.
     */
    public ImageKnowledge withFallback(Function<ImageRef, Optional<ImageFacts>> source) {
        return new ImageKnowledge(byName, source);
    }

    /** Facts for an image reference, with every variant matching its tag applied in order. */
    public Optional<ImageFacts> lookup(ImageRef ref) {
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
        overrides.forEach((k, v) -> {
            if (!k.equals("tag")) {
                m.put(k, v);
            }
        });
        checkProof(name, m.get("proven"));
        return new ImageFacts(name, str(m.get("runsAs")), bool(m.get("dropsPrivileges"), false), str(m.get("nonRootUid")),
                strings(m.get("rootCapabilities")), strings(m.get("writablePaths")), strings(m.get("dataPaths")),
                bool(m.get("readOnlyRootFilesystem"), true), bool(m.get("noNewPrivileges"), true), ints(m.get("ports")),
                m.get("evidence") == null ? "documented" : str(m.get("evidence")), strings(m.get("sources")),
                str(m.get("notes")));
    }

    /**
     * Checks a {@code proven:} value: null, or a mapping with {@code date} ({@code YYYY-MM-DD}),
     * {@code engine} and {@code image}. It records for people when the facts were seen to hold on a
     * real engine; harden's own decisions do not depend on it.
     */
    private static void checkProof(String name, Object value) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> m) || m.get("date") == null || m.get("engine") == null || m.get("image") == null) {
            throw new IllegalArgumentException("image " + name + ": proven must be null or {date, engine, image}, not " + value);
        }
        if (!String.valueOf(m.get("date")).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            throw new IllegalArgumentException("a proof's date is YYYY-MM-DD, not '" + m.get("date") + "'");
        }
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
