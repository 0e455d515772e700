package dev.harden.profile;

import dev.harden.yaml.DataValue;
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
import java.util.Optional;
import java.util.Set;

/**
 * A repository's {@code .harden.yaml}: the profile it uses, extra image knowledge, and exemptions.
 *
 * @param folder the folder holding the config (exemption globs are relative to it), or null
 * @param profile the profile name or path, or null for the default
 * @param imagesFile a file of extra image knowledge, relative to the folder, or null
 * @param exemptions rules that do not apply somewhere, with reasons
 * @param campaigns whether bulk campaigns ({@code harden bulk}) may propose changes here; {@code campaigns: false} opts out
 */
public record RepoConfig(Path folder, String profile, String imagesFile, List<Exemption> exemptions, boolean campaigns) {
    public static final String FILE_NAME = ".harden.yaml";
    private static final Set<String> KEYS = Set.of("profile", "images", "exemptions", "campaigns");
    private static final Set<String> EXEMPTION_KEYS = Set.of("rules", "file", "service", "workload", "reason");

    public RepoConfig {
        exemptions = List.copyOf(exemptions);
    }

    /** A config that leaves campaigns allowed. */
    public RepoConfig(Path folder, String profile, String imagesFile, List<Exemption> exemptions) {
        this(folder, profile, imagesFile, exemptions, true);
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
        try {
            DataValue root = DataValue.parse(bytes);
            if (root.isNull()) {
                return new RepoConfig(file.toAbsolutePath().getParent(), null, null, List.of());
            }
            root.keys(KEYS);
            List<Exemption> exemptions = new ArrayList<>();
            Optional<DataValue> list = root.get("exemptions");
            for (DataValue item : list.isPresent() ? list.get().items() : List.<DataValue>of()) {
                exemptions.add(exemption(item.keys(EXEMPTION_KEYS)));
            }
            Optional<DataValue> campaigns = root.get("campaigns");
            boolean allowed = campaigns.isEmpty() || campaigns.get().isNull() || campaigns.get().bool();
            return new RepoConfig(file.toAbsolutePath().getParent(), root.textOf("profile").orElse(null),
                    root.textOf("images").orElse(null), exemptions, allowed);
        } catch (YamlException e) {
            throw new ProfileException(file + ":" + e.getMessage());
        }
    }

    private static Exemption exemption(DataValue item) throws YamlException {
        DataValue rules = item.require("rules");
        List<String> ids = new ArrayList<>();
        for (DataValue id : rules.itemsOrOne()) {
            ids.add(id.text());
        }
        if (ids.isEmpty()) {
            throw rules.error(rules.path() + " must name at least one rule, or all");
        }
        DataValue reason = item.require("reason");
        if (reason.text().isBlank()) {
            throw reason.error(reason.path() + " must say why the rules do not apply");
        }
        Optional<String> subject = item.textOf("service");
        return new Exemption(ids, item.textOf("file").orElse(null),
                subject.isPresent() ? subject.get() : item.textOf("workload").orElse(null), reason.text());
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
