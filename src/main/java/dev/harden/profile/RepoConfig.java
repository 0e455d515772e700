package dev.harden.profile;

import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.Sequence;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A repository's {@code .harden.yaml}: the profile it uses, extra image knowledge, and exemptions.
 *
 * @param folder the folder holding the config (exemption globs are relative to it), or null
 * @param profile the profile name or path, or null for the default
 * @param imagesFile a file of extra image knowledge, relative to the folder, or null
 * @param exemptions rules that do not apply somewhere, with reasons
 */
public record RepoConfig(Path folder, String profile, String imagesFile, List<Exemption> exemptions) {
    public static final String FILE_NAME = ".harden.yaml";
    private static final Set<String> KEYS = Set.of("profile", "images", "exemptions");
    private static final Set<String> EXEMPTION_KEYS = Set.of("rules", "file", "service", "workload", "reason");

    public RepoConfig {
        exemptions = List.copyOf(exemptions);
    }

    public static RepoConfig none() {
        return new RepoConfig(null, null, null, List.of());
    }

    /**
     * Finds {@code .harden.yaml} in a folder or its parents up to the root of the git repository
     * holding it (the folder with {@code .git}); outside a repository only in the folder itself, so
     * a config planted in a parent folder (or in /tmp) is never picked up.
     */
    public static Optional<Path> find(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            dir = dir.getParent();
        }
        Path stop = dir;
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"))) {
                stop = d;
                break;
            }
        }
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
            if (d.equals(stop)) {
                break;
            }
        }
        return Optional.empty();
    }

    public static RepoConfig load(Path file) throws ProfileException {
        byte[] bytes;
        try {
            bytes = FileRead.read(file, Limits.DEFAULT.maxBytes());
        } catch (IOException e) {
            throw new ProfileException(file + ": cannot read: " + e.getMessage());
        }
        Map<String, Object> data = Profile.parseMapping(bytes, file.toString());
        for (String key : data.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ProfileException(file + ": unknown key '" + key + "'" + Suggest.didYouMean(key, KEYS));
            }
        }
        List<Exemption> exemptions = new ArrayList<>();
        Object list = data.get("exemptions");
        if (list != null && !(list instanceof List<?>)) {
            throw new ProfileException(file + ": 'exemptions' must be a list");
        }
        if (list instanceof List<?> items) {
            for (Object item : items) {
                if (!(item instanceof Map<?, ?> m)) {
                    throw new ProfileException(file + ": each exemption is a mapping with rules and reason");
                }
                for (Object key : m.keySet()) {
                    if (!EXEMPTION_KEYS.contains(String.valueOf(key))) {
                        throw new ProfileException(file + ": exemption has unknown key '" + key + "'"
                                + Suggest.didYouMean(String.valueOf(key), EXEMPTION_KEYS));
                    }
                }
                Object rules = m.get("rules");
                List<String> ruleIds = new ArrayList<>();
                if (rules instanceof List<?> rl) {
                    rl.forEach(r -> ruleIds.add(String.valueOf(r)));
                } else if (rules != null) {
                    ruleIds.add(String.valueOf(rules));
                }
                Object reason = m.get("reason");
                if (ruleIds.isEmpty() || reason == null || String.valueOf(reason).isBlank()) {
                    throw new ProfileException(file + ": each exemption needs 'rules' and a 'reason'");
                }
                Object subject = m.get("service") != null ? m.get("service") : m.get("workload");
                exemptions.add(new Exemption(ruleIds, m.get("file") == null ? null : String.valueOf(m.get("file")),
                        subject == null ? null : String.valueOf(subject), String.valueOf(reason)));
            }
        }
        return new RepoConfig(file.toAbsolutePath().getParent(),
                data.get("profile") == null ? null : String.valueOf(data.get("profile")),
                data.get("images") == null ? null : String.valueOf(data.get("images")), exemptions);
    }

    /**
     * {@code file:line:col: warning: unknown rule ...} for each rule id in the config's exemptions that is not a
     * rule (nor {@code all}), once per id: such an exemption silently exempts nothing.
     *
     * @param known the rule ids there are
     */
    public static List<String> unknownRules(Path file, Collection<String> known) {
        List<String> out = new ArrayList<>();
        YamlFile yaml;
        try {
            yaml = YamlFile.parse(FileRead.read(file, Limits.DEFAULT.maxBytes()), Limits.DEFAULT);
        } catch (IOException | YamlException e) {
            return out; // load() has reported it already
        }
        if (yaml.documents().isEmpty() || !(yaml.documents().get(0) instanceof Mapping root)
                || !(root.get("exemptions").orElse(null) instanceof Sequence items)) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (Node item : items.items()) {
            Node rules = item.resolve() instanceof Mapping m ? m.get("rules").orElse(null) : null;
            List<Node> ids = rules instanceof Sequence s ? s.items() : rules == null ? List.of() : List.of(rules);
            for (Node id : ids) {
                if (id.resolve() instanceof Scalar sc && !sc.value().equals("all") && !known.contains(sc.value())
                        && seen.add(sc.value())) {
                    out.add(file + ":" + yaml.line(id.start()) + ":" + yaml.column(id.start()) + ": warning: "
                            + Suggest.unknownRule(sc.value(), FILE_NAME, known) + " (the exemption does not apply to it)");
                }
            }
        }
        return out;
    }

    /** The exemptions of a file: the reason of the first exemption that covers a rule for a subject of it. */
    public Exemptions exemptions(Path file) {
        return (ruleId, subject) -> exemption(ruleId, file, subject).map(Exemption::reason);
    }

    /** The exemption that covers a rule for a subject of a file, if any. */
    public Optional<Exemption> exemption(String ruleId, Path file, String subject) {
        Path relative = file;
        if (folder != null && file != null) {
            Path abs = file.toAbsolutePath().normalize();
            if (abs.startsWith(folder)) {
                relative = folder.relativize(abs);
            }
        }
        for (Exemption e : exemptions) {
            if (e.covers(ruleId, relative, subject)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
