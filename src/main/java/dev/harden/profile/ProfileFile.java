package dev.harden.profile;

import dev.harden.manifest.PodSpecPath;
import dev.harden.report.Severity;
import dev.harden.yaml.DataValue;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One profile file as written, before {@code extends} is applied.
 *
 * @param name its name, or null
 * @param description one sentence, or null
 * @param parent the {@code extends} value (a built-in profile or a path relative to this file), or null
 * @param rules what it says of each rule, in the file's order
 * @param podSpecPaths where custom resources keep their pod spec (Kubernetes)
 * @param unknownImages what it does with changes that rest on facts about an unknown image, or null to inherit
 */
record ProfileFile(String name, String description, DataValue parent, List<RuleEntry> rules, List<PodSpecPath> podSpecPaths,
                   UnknownImages unknownImages) {
    private static final Set<String> TOP_KEYS = Set.of("apiVersion", "kind", "name", "description", "extends", "rules",
            "kubernetes", "unknownImages");
    private static final Set<String> SETTING_KEYS = Set.of("severity", "fix", "params", "enabled");

    ProfileFile {
        rules = List.copyOf(rules);
        podSpecPaths = List.copyOf(podSpecPaths);
    }

    /**
     * What a profile says of one rule.
     *
     * @param off whether it turns the rule off ({@code false}, {@code off} or {@code enabled: false})
     * @param severity the severity it sets, or null to keep the inherited one
     * @param fix whether it fixes, or null to keep the inherited choice
     * @param params the parameters it sets, checked against the rule's declared ones
     */
    record RuleEntry(String id, boolean off, Severity severity, Boolean fix, Map<String, Object> params) {
        RuleEntry {
            params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        /** The setting this entry makes of the inherited one (null when none), defaults filled in. */
        RuleSetting over(RuleSetting inherited, Map<String, Object> declared) {
            Map<String, Object> merged = new LinkedHashMap<>(declared);
            if (inherited != null) {
                merged.putAll(inherited.params());
            }
            merged.putAll(params);
            return new RuleSetting(severity != null ? severity : inherited != null ? inherited.severity() : Severity.WARNING,
                    fix != null ? fix : inherited == null || inherited.fix(), merged);
        }
    }

    /**
     * Reads a profile's first document.
     *
     * @param catalogue every known rule id with its declared parameters
     */
    static ProfileFile read(DataValue root, Map<String, Map<String, Object>> catalogue) throws YamlException {
        if (root.isNull()) {
            return new ProfileFile(null, null, null, List.of(), List.of(), null);
        }
        root.keys(TOP_KEYS);
        expect(root, "apiVersion", "harden/v1");
        expect(root, "kind", "Profile");
        List<RuleEntry> rules = new ArrayList<>();
        Optional<DataValue> given = root.get("rules");
        for (DataValue.Entry e : given.isPresent() ? given.get().entries() : List.<DataValue.Entry>of()) {
            String id = e.key().text();
            if (!catalogue.containsKey(id)) {
                throw e.key().error("unknown rule '" + DataValue.printable(id) + "'" + Suggest.didYouMean(id, catalogue.keySet())
                        + "; 'harden rules' lists them");
            }
            rules.add(rule(id, e.value(), catalogue.get(id)));
        }
        return new ProfileFile(root.textOf("name").orElse(null), root.textOf("description").orElse(null),
                root.get("extends").orElse(null), rules, podSpecPaths(root.get("kubernetes")), unknownImages(root.get("unknownImages")));
    }

    /** Reads {@code unknownImages: report | assume}. */
    private static UnknownImages unknownImages(Optional<DataValue> given) throws YamlException {
        if (given.isEmpty()) {
            return null;
        }
        DataValue v = given.get();
        Object plain = v.isMapping() ? null : v.plain();
        for (UnknownImages u : UnknownImages.values()) {
            if (u.spelling().equals(plain)) {
                return u;
            }
        }
        throw v.error("unknownImages must be report or assume, not " + v.describe());
    }

    private static void expect(DataValue root, String key, String value) throws YamlException {
        Optional<DataValue> v = root.get(key);
        if (v.isPresent() && !v.get().text().equals(value)) {
            throw v.get().error(key + " must be " + value + ", not " + v.get().describe());
        }
    }

    private static RuleEntry rule(String id, DataValue v, Map<String, Object> declared) throws YamlException {
        if (!v.isMapping()) {
            Object plain = v.plain();
            if (plain == null || Boolean.TRUE.equals(plain)) {
                return new RuleEntry(id, false, null, null, Map.of());
            }
            if (Boolean.FALSE.equals(plain) || "off".equals(plain)) {
                return new RuleEntry(id, true, null, null, Map.of());
            }
            throw v.error("rule '" + id + "' takes a mapping such as {severity: error, fix: true}, or false, not " + v.describe());
        }
        v.keys(SETTING_KEYS);
        Optional<DataValue> enabled = v.get("enabled");
        boolean off = enabled.isPresent() && !enabled.get().bool();
        Severity severity = null;
        Optional<DataValue> s = v.get("severity");
        if (s.isPresent()) {
            try {
                severity = Severity.parse(s.get().text());
            } catch (IllegalArgumentException e) {
                throw s.get().error("rule '" + id + "': severity must be error, warning or note, not " + s.get().describe());
            }
        }
        Optional<DataValue> fix = v.get("fix");
        Optional<DataValue> params = v.get("params");
        return new RuleEntry(id, off, severity, fix.isPresent() ? fix.get().bool() : null,
                params.isPresent() ? Parameters.read(id, params.get(), declared) : Map.of());
    }

    /** Reads {@code kubernetes: {podSpecPaths: [{apiVersion, kind, path}]}}. */
    private static List<PodSpecPath> podSpecPaths(Optional<DataValue> kubernetes) throws YamlException {
        if (kubernetes.isEmpty()) {
            return List.of();
        }
        Optional<DataValue> list = kubernetes.get().keys(Set.of("podSpecPaths")).get("podSpecPaths");
        List<PodSpecPath> out = new ArrayList<>();
        for (DataValue item : list.isPresent() ? list.get().items() : List.<DataValue>of()) {
            item.keys(Set.of("apiVersion", "kind", "path"));
            try {
                out.add(PodSpecPath.of(item.require("apiVersion").text(), item.require("kind").text(),
                        item.require("path").text()));
            } catch (IllegalArgumentException e) {
                throw item.error(item.path() + ": " + e.getMessage());
            }
        }
        return out;
    }
}
