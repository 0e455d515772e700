package dev.harden.profile;

import dev.harden.manifest.PodSpecPath;
import dev.harden.report.Severity;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Plain;
import dev.harden.yaml.ShippedData;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 */
public record Profile(String name, String description, Map<String, RuleSetting> rules, List<PodSpecPath> podSpecPaths) {
    /** The profiles shipped with harden. */
    public static final List<String> BUILT_IN = List.of("baseline", "restricted", "strict");
    public static final String DEFAULT = "restricted";
    private static final Set<String> TOP_KEYS = Set.of("apiVersion", "kind", "name", "description", "extends", "rules",
            "kubernetes");
    private static final Set<String> SETTING_KEYS = Set.of("severity", "fix", "params", "enabled");
    private static final Set<String> KUBERNETES_KEYS = Set.of("podSpecPaths");
    private static final Set<String> POD_SPEC_PATH_KEYS = Set.of("apiVersion", "kind", "path");

    public Profile {
        rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        podSpecPaths = List.copyOf(podSpecPaths);
    }

    /** A profile with no custom pod spec paths. */
    public Profile(String name, String description, Map<String, RuleSetting> rules) {
        this(name, description, rules, List.of());
    }

    /**
     * Loads a built-in profile by name, or a profile file by path.
     *
     * @param nameOrPath {@code baseline}, {@code restricted}, {@code strict}, or a file
     * @param catalogue every known rule id with its parameter defaults, in run order
     */
    public static Profile load(String nameOrPath, Map<String, Map<String, Object>> catalogue) throws ProfileException {
        if (!BUILT_IN.contains(nameOrPath)) {
            return load(nameOrPath, null, catalogue, new HashSet<>());
        }
        synchronized (LOADED) {
            Profile cached = LOADED.get(nameOrPath);
            if (cached == null || LOADED_FOR.get(nameOrPath) != catalogue) {
                cached = load(nameOrPath, null, catalogue, new HashSet<>());
                LOADED.put(nameOrPath, cached);
                LOADED_FOR.put(nameOrPath, catalogue);
            }
            return cached;
        }
    }

    /** Built-in profiles read already, and the catalogue each was validated against. */
    private static final Map<String, Profile> LOADED = new java.util.HashMap<>();
    private static final Map<String, Map<String, Map<String, Object>>> LOADED_FOR = new java.util.HashMap<>();

    private static Profile load(String ref, Path relativeTo, Map<String, Map<String, Object>> catalogue, Set<String> chain)
            throws ProfileException {
        if (!chain.add(ref)) {
            throw new ProfileException("profile '" + ref + "' extends itself through " + chain);
        }
        String label;
        Path path = null;
        Map<String, Object> data;
        if (BUILT_IN.contains(ref)) {
            label = "profile " + ref;
            try {
                data = mapping(ShippedData.read(Profile.class, "/dev/harden/profiles/" + ref + ".yaml"), label);
            } catch (IOException e) {
                throw new ProfileException("cannot read built-in profile '" + ref + "': " + e.getMessage());
            } catch (YamlException e) {
                throw new ProfileException(label + ":" + e.getMessage());
            }
        } else {
            path = relativeTo == null ? Path.of(ref) : relativeTo.resolveSibling(ref);
            label = path.toString();
            if (!Files.isRegularFile(path)) {
                throw new ProfileException("no profile named '" + ref + "': use one of " + BUILT_IN
                        + " or the path of a profile file" + Suggest.didYouMean(ref, BUILT_IN));
            }
            try {
                data = parseMapping(FileRead.read(path, Limits.DEFAULT.maxBytes()), label);
            } catch (IOException e) {
                throw new ProfileException(label + ": cannot read: " + e.getMessage());
            }
        }
        for (String key : data.keySet()) {
            if (!TOP_KEYS.contains(key)) {
                throw new ProfileException(label + ": unknown key '" + key + "'" + Suggest.didYouMean(key, TOP_KEYS));
            }
        }
        Map<String, RuleSetting> rules = new LinkedHashMap<>();
        List<PodSpecPath> podSpecPaths = new ArrayList<>();
        if (data.get("extends") != null) {
            Profile parent = load(String.valueOf(data.get("extends")), path, catalogue, chain);
            rules.putAll(parent.rules());
            podSpecPaths.addAll(parent.podSpecPaths());
        }
        for (PodSpecPath p : podSpecPaths(label, data.get("kubernetes"))) {
            podSpecPaths.removeIf(old -> old.apiVersion().equals(p.apiVersion()) && old.kind().equals(p.kind()));
            podSpecPaths.add(p);
        }
        Object ruleData = data.getOrDefault("rules", Map.of());
        if (!(ruleData instanceof Map<?, ?> ruleMap)) {
            throw new ProfileException(label + ": 'rules' must be a mapping of rule id to settings");
        }
        for (Map.Entry<?, ?> e : ruleMap.entrySet()) {
            String id = String.valueOf(e.getKey());
            if (!catalogue.containsKey(id)) {
                throw new ProfileException(label + ": unknown rule '" + id + "'" + Suggest.didYouMean(id, catalogue.keySet())
                        + "; 'harden rules' lists them");
            }
            RuleSetting setting = setting(label, id, e.getValue(), rules.get(id), catalogue.get(id));
            if (setting == null) {
                rules.remove(id);
            } else {
                rules.put(id, setting);
            }
        }
        Map<String, RuleSetting> ordered = new LinkedHashMap<>();
        for (String id : catalogue.keySet()) {
            if (rules.containsKey(id)) {
                ordered.put(id, rules.get(id));
            }
        }
        String name = data.get("name") == null ? ref : String.valueOf(data.get("name"));
        String description = data.get("description") == null ? "" : String.valueOf(data.get("description"));
        return new Profile(name, description, ordered, podSpecPaths);
    }

    /** Reads {@code kubernetes: {podSpecPaths: [{apiVersion, kind, path}]}}. */
    private static List<PodSpecPath> podSpecPaths(String label, Object kubernetes) throws ProfileException {
        if (kubernetes == null) {
            return List.of();
        }
        if (!(kubernetes instanceof Map<?, ?> k8s)) {
            throw new ProfileException(label + ": 'kubernetes' must be a mapping such as {podSpecPaths: [...]}");
        }
        for (Object key : k8s.keySet()) {
            if (!KUBERNETES_KEYS.contains(String.valueOf(key))) {
                throw new ProfileException(label + ": kubernetes: unknown key '" + key + "'"
                        + Suggest.didYouMean(String.valueOf(key), KUBERNETES_KEYS));
            }
        }
        Object list = k8s.get("podSpecPaths");
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> items)) {
            throw new ProfileException(label + ": kubernetes.podSpecPaths must be a list of {apiVersion, kind, path}");
        }
        List<PodSpecPath> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m)) {
                throw new ProfileException(label + ": each kubernetes.podSpecPaths entry is a mapping {apiVersion, kind, path}");
            }
            for (Object key : m.keySet()) {
                if (!POD_SPEC_PATH_KEYS.contains(String.valueOf(key))) {
                    throw new ProfileException(label + ": kubernetes.podSpecPaths: unknown key '" + key + "'"
                            + Suggest.didYouMean(String.valueOf(key), POD_SPEC_PATH_KEYS));
                }
            }
            try {
                out.add(PodSpecPath.of(string(m.get("apiVersion")), string(m.get("kind")), string(m.get("path"))));
            } catch (IllegalArgumentException e) {
                throw new ProfileException(label + ": kubernetes.podSpecPaths: " + e.getMessage());
            }
        }
        return out;
    }

    private static String string(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static RuleSetting setting(String label, String id, Object value, RuleSetting inherited,
                                       Map<String, Object> defaults) throws ProfileException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> given) {
            given.forEach((k, v) -> m.put(String.valueOf(k), v));
        } else if (Boolean.FALSE.equals(value) || "off".equals(value)) {
            return null;
        } else if (value != null && !Boolean.TRUE.equals(value)) {
            throw new ProfileException(label + ": rule '" + id + "' takes a mapping such as {severity: error, fix: true}");
        }
        for (String key : m.keySet()) {
            if (!SETTING_KEYS.contains(key)) {
                throw new ProfileException(label + ": rule '" + id + "': unknown setting '" + key + "'"
                        + Suggest.didYouMean(key, SETTING_KEYS));
            }
        }
        if (Boolean.FALSE.equals(m.get("enabled"))) {
            return null;
        }
        Severity severity = inherited != null ? inherited.severity() : Severity.WARNING;
        if (m.get("severity") != null) {
            try {
                severity = Severity.parse(String.valueOf(m.get("severity")));
            } catch (IllegalArgumentException e) {
                throw new ProfileException(label + ": rule '" + id + "': severity must be error, warning or note, not '"
                        + m.get("severity") + "'");
            }
        }
        boolean fix = inherited == null || inherited.fix();
        if (m.get("fix") != null) {
            if (!(m.get("fix") instanceof Boolean b)) {
                throw new ProfileException(label + ": rule '" + id + "': fix must be true or false");
            }
            fix = b;
        }
        Map<String, Object> params = new LinkedHashMap<>(defaults);
        if (inherited != null) {
            params.putAll(inherited.params());
        }
        if (m.get("params") instanceof Map<?, ?> given) {
            for (Map.Entry<?, ?> p : given.entrySet()) {
                String key = String.valueOf(p.getKey());
                if (!defaults.containsKey(key)) {
                    throw new ProfileException(label + ": rule '" + id + "' has no parameter '" + key + "'"
                            + Suggest.didYouMean(key, defaults.keySet())
                            + (defaults.isEmpty() ? "; it takes none" : "; it takes " + defaults.keySet()));
                }
                Object def = defaults.get(key);
                Object v = p.getValue();
                if (def instanceof Number && !(v instanceof Number)) {
                    throw new ProfileException(label + ": rule '" + id + "': parameter '" + key + "' must be a number, not '" + v + "'");
                }
                String invalid = invalid(key, v == null ? "" : v, def);
                if (invalid != null) {
                    throw new ProfileException(label + ": rule '" + id + "': parameter '" + key + "' " + invalid + ", not '"
                            + printable(String.valueOf(v)) + "'");
                }
                params.put(key, v == null ? "" : v);
            }
        } else if (m.get("params") != null) {
            throw new ProfileException(label + ": rule '" + id + "': params must be a mapping");
        }
        return new RuleSetting(severity, fix, params);
    }

    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+)?([bkmgBKMG]|[kmgKMG][bB]|[KMG]i)?");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@+-]*");

    /**
     * Why a parameter value would write nonsense into a manifest (a negative pids limit, memory
     * "lots"), or null when it is fine. Parameters are known by name across rules.
     */
    private static String invalid(String key, Object v, Object def) {
        String text = String.valueOf(v);
        if (def instanceof Number) {
            return v instanceof Number n && n.doubleValue() > 0 && n.doubleValue() == Math.rint(n.doubleValue())
                    ? null : "must be a whole number above 0";
        }
        if (def instanceof List<?>) {
            if (!(v instanceof List<?> items)) {
                return "must be a list";
            }
            for (Object item : items) {
                if (item == null || !NAME.matcher(String.valueOf(item)).matches()) {
                    return "must list names made of letters, digits and ._:/@+-";
                }
            }
            return null;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return "must be a single value";
        }
        // Kubernetes quantities a profile leaves out on purpose (no CPU limit, say) are written empty
        boolean mayBeEmpty = "".equals(def) || java.util.Set.of("cpuRequest", "cpuLimit", "memoryRequest", "memoryLimit",
                "ephemeralStorageRequest", "ephemeralStorageLimit").contains(key);
        if (text.isEmpty()) {
            return mayBeEmpty ? null : "must not be empty";
        }
        return switch (key) {
            case "memory", "memoryReservation", "tmpfsSize", "maxSize", "memoryRequest", "memoryLimit",
                 "ephemeralStorageRequest", "ephemeralStorageLimit" -> SIZE.matcher(text).matches()
                    && text.matches(".*[1-9].*") ? null : "must be a size such as 512M";
            case "cpus" -> text.matches("[0-9]+(\\.[0-9]+)?") && Double.parseDouble(text) > 0 ? null
                    : "must be a number of CPUs above 0 such as 1.0";
            case "cpuRequest", "cpuLimit" -> text.matches("[0-9]+(\\.[0-9]+)?m?") && text.matches(".*[1-9].*") ? null
                    : "must be a CPU quantity above 0 such as 100m or 1";
            case "maxFile" -> text.matches("[0-9]+") && text.matches(".*[1-9].*") ? null : "must be a whole number above 0";
            case "explicit", "explicitFalse" -> text.equals("report") || text.equals("override") ? null : "must be report or override";
            case "policy" -> text.matches("no|always|unless-stopped|on-failure(:[0-9]+)?") ? null
                    : "must be no, always, unless-stopped or on-failure";
            case "uid", "kubernetesUid" -> text.matches("[0-9]+(:[0-9]+)?") && !text.matches("0+(:.*)?") ? null
                    : "must be a numeric user id other than 0 (root), optionally with a group: 10001:10001";
            default -> NAME.matcher(text).matches() ? null : "must be made of letters, digits and ._:/@+-";
        };
    }

    private static String printable(String s) {
        return s.replaceAll("[\\p{Cc}\\p{Cf}]", "?");
    }

    static Map<String, Object> parseMapping(byte[] bytes, String label) throws ProfileException {
        try {
            return mapping(Plain.firstDocument(bytes), label);
        } catch (YamlException e) {
            throw new ProfileException(label + ":" + e.getMessage());
        }
    }

    private static Map<String, Object> mapping(Object plain, String label) throws ProfileException {
        if (plain == null) {
            return Map.of();
        }
        if (!(plain instanceof Map<?, ?> map)) {
            throw new ProfileException(label + ": must be a YAML mapping");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** The ids of the rules this profile applies. */
    public List<String> ruleIds() {
        return new ArrayList<>(rules.keySet());
    }
}
