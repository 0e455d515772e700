package dev.harden.profile;

import dev.harden.manifest.PodSpecPath;
import dev.harden.yaml.DataValue;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.ShippedData;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hardening profile: which rules apply, how severe their findings are, whether they fix, and
 * their parameters. Loaded from {@code profiles/NAME.yaml} data; {@code extends} layers one profile
 * on another.
 *
 * @param name the profile's name
 * @param description one sentence
 * @param rules the rules this profile applies, in catalogue order
 * @param podSpecPaths where custom resources keep their pod spec (Kubernetes)
 * @param unknownImages what happens to a change that rests on image facts when no source knows the image
 */
public record Profile(String name, String description, Map<String, RuleSetting> rules, List<PodSpecPath> podSpecPaths,
                      UnknownImages unknownImages) {
    /** The profiles shipped with harden. */
    public static final List<String> BUILT_IN = List.of("baseline", "restricted", "strict");
    public static final String DEFAULT = "restricted";

    public Profile {
        rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        podSpecPaths = List.copyOf(podSpecPaths);
    }

    /** A profile with no custom pod spec paths, that reports what it would change blind. */
    public Profile(String name, String description, Map<String, RuleSetting> rules) {
        this(name, description, rules, List.of(), UnknownImages.REPORT);
    }

    /**
     * Loads a built-in profile by name, or a profile file by path.
     *
     * @param nameOrPath {@code baseline}, {@code restricted}, {@code strict}, or a file
     * @param catalogue every known rule id with its parameter defaults, in run order
     */
    public static Profile load(String nameOrPath, Map<String, Map<String, Object>> catalogue) throws ProfileException {
        if (!BUILT_IN.contains(nameOrPath)) {
            return load(nameOrPath, null, null, null, catalogue, new LinkedHashSet<>());
        }
        synchronized (LOADED) {
            Profile cached = LOADED.get(nameOrPath);
            if (cached == null || LOADED_FOR.get(nameOrPath) != catalogue) {
                cached = load(nameOrPath, null, null, null, catalogue, new LinkedHashSet<>());
                LOADED.put(nameOrPath, cached);
                LOADED_FOR.put(nameOrPath, catalogue);
            }
            return cached;
        }
    }

    /** Built-in profiles read already, and the catalogue each was validated against. */
    private static final Map<String, Profile> LOADED = new java.util.HashMap<>();
    private static final Map<String, Map<String, Map<String, Object>>> LOADED_FOR = new java.util.HashMap<>();

    /**
     * @param child the file whose {@code extends} names this profile, or null for the profile asked for
     * @param named that {@code extends} value, where errors about it are reported, or null
     * @param chain the profiles being loaded, each by its name or path, to refuse a cycle
     */
    private static Profile load(String ref, Path child, DataValue named, String childLabel,
                                Map<String, Map<String, Object>> catalogue, Set<String> chain) throws ProfileException {
        boolean builtIn = BUILT_IN.contains(ref);
        Path path = builtIn ? null : child == null ? Path.of(ref) : child.resolveSibling(ref);
        String label = builtIn ? "profile " + ref : path.toString();
        String key = builtIn ? ref : path.normalize().toString();
        String problem = chain.contains(key) ? "profile '" + DataValue.printable(ref) + "' extends itself through " + chain
                : !builtIn && !Files.isRegularFile(path) ? "no profile named '" + DataValue.printable(ref) + "': use one of "
                + BUILT_IN + " or the path of a profile file" + Suggest.didYouMean(ref, BUILT_IN) : null;
        chain.add(key);
        if (problem != null) {
            throw new ProfileException(named == null ? problem : childLabel + ":" + named.error(problem).getMessage());
        }
        ProfileFile file;
        try {
            if (builtIn) {
                String resource = "/dev/harden/profiles/" + ref + ".yaml";
                file = DataValue.readPlainOr(ShippedData.read(Profile.class, resource), () -> resource(resource),
                        root -> ProfileFile.read(root, catalogue));
            } else {
                file = ProfileFile.read(DataValue.parse(FileRead.read(path, Limits.DEFAULT.maxBytes())), catalogue);
            }
        } catch (IOException e) {
            throw new ProfileException(builtIn ? "cannot read built-in profile '" + ref + "': " + e.getMessage()
                    : label + ": cannot read: " + e.getMessage());
        } catch (YamlException e) {
            throw new ProfileException(label + ":" + e.getMessage());
        }
        Map<String, RuleSetting> rules = new LinkedHashMap<>();
        List<PodSpecPath> podSpecPaths = new ArrayList<>();
        UnknownImages unknownImages = UnknownImages.REPORT;
        if (file.parent() != null) {
            String parentRef;
            try {
                parentRef = file.parent().text();
            } catch (YamlException e) {
                throw new ProfileException(label + ":" + e.getMessage());
            }
            Profile parent = load(parentRef, path, file.parent(), label, catalogue, chain);
            rules.putAll(parent.rules());
            podSpecPaths.addAll(parent.podSpecPaths());
            unknownImages = parent.unknownImages();
        }
        if (file.unknownImages() != null) {
            unknownImages = file.unknownImages();
        }
        for (PodSpecPath p : file.podSpecPaths()) {
            podSpecPaths.removeIf(old -> old.apiVersion().equals(p.apiVersion()) && old.kind().equals(p.kind()));
            podSpecPaths.add(p);
        }
        for (ProfileFile.RuleEntry r : file.rules()) {
            if (r.off()) {
                rules.remove(r.id());
            } else {
                rules.put(r.id(), r.over(rules.get(r.id()), catalogue.get(r.id())));
            }
        }
        Map<String, RuleSetting> ordered = new LinkedHashMap<>();
        for (String id : catalogue.keySet()) {
            if (rules.containsKey(id)) {
                ordered.put(id, rules.get(id));
            }
        }
        return new Profile(file.name() == null ? ref : file.name(), file.description() == null ? "" : file.description(),
                ordered, podSpecPaths, unknownImages);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Profile.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The ids of the rules this profile applies. */
    public List<String> ruleIds() {
        return new ArrayList<>(rules.keySet());
    }
}
