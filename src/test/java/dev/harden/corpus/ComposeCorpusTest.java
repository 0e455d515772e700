package dev.harden.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.profile.Profile;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.UnifiedDiff;
import dev.harden.testing.ComposeSchema;
import dev.harden.testing.Corpus;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The strict profile over every real Compose file of the shared corpus. */
class ComposeCorpusTest {
    private static final Set<String> HARDENING_KEYS = Set.of("user", "cap_drop", "cap_add", "security_opt", "read_only",
            "tmpfs", "deploy", "resources", "limits", "reservations", "cpus", "memory", "mem_limit", "mem_reservation",
            "pids_limit", "networks", "internal", "logging", "driver", "options", "max-size", "max-file", "restart", "<<");
    private static final Set<String> MUST_HOLD = Set.of("cap-drop-all", "no-new-privileges", "resource-limits", "pids-limit",
            "read-only-root-filesystem");
    private static final Pattern KEY = Pattern.compile("^\\s*(?:-\\s+)?([A-Za-z_<][\\w.<-]*)\\s*:(\\s|$)");
    private static final Pattern COMMENT = Pattern.compile("(^|\\s)#.*$");

    @Test
    void strictHardensEveryCorpusFileOnlyWhereItMustAndASecondRunChangesNothing() throws Exception {
        Profile strict = Fixtures.profile("strict");
        List<String> failures = new ArrayList<>();
        int files = 0;
        int services = 0;
        for (Path path : Corpus.files("compose")) {
            String before = Files.readString(path, StandardCharsets.UTF_8);
            FileReport report = Fixtures.fix(strict, before);
            if (!report.checked() || report.kind() != FileReport.Kind.COMPOSE) {
                failures.add(path + ": " + report.kind() + " " + report.outcome() + " " + report.problem());
                continue;
            }
            files++;
            String after = report.changed() ? new String(report.fixed(), StandardCharsets.UTF_8) : before;
            YamlFile.parse(after.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
            for (UnifiedDiff.Hunk hunk : UnifiedDiff.hunks(before, after)) {
                List<String> added = hunk.lines().stream().filter(l -> l.startsWith("+")).map(l -> l.substring(1).stripTrailing()).toList();
                for (String line : hunk.lines()) {
                    // a last line gaining its line break, or an empty value ({} or ~) opened into a block, is no removal
                    String was = line.substring(1).stripTrailing();
                    if (line.startsWith("-") && !added.contains(was) && !added.contains(was.replaceFirst(":\\s*(\\{}|~|null)$", ":"))) {
                        failures.add(path + ": removed line " + line.strip());
                    } else if (line.startsWith("+")) {
                        Matcher m = KEY.matcher(line.substring(1));
                        boolean reopened = hunk.lines().stream().anyMatch(l -> l.startsWith("-")
                                && l.substring(1).stripTrailing().replaceFirst(":\\s*(\\{}|~|null)$", ":").equals(was));
                        if (m.find() && !HARDENING_KEYS.contains(m.group(1)) && !reopened) {
                            failures.add(path + ": added a key outside the hardening set: " + line.strip());
                        }
                    }
                }
            }
            if (!comments(before).equals(comments(after))) {
                failures.add(path + ": comments changed");
            }
            FileReport again = Fixtures.fix(strict, after);
            if (again.changed()) {
                failures.add(path + ": a second run changed the file");
            }
            Set<String> newErrors = new HashSet<>(ComposeSchema.errors(after));
            newErrors.removeAll(ComposeSchema.errors(before));
            if (!newErrors.isEmpty()) {
                failures.add(path + ": the schema rejects what harden wrote: " + newErrors);
            }
            ComposeFile compose = ComposeFile.detect(YamlFile.parse(after.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT)).orElseThrow();
            List<Finding> left = Fixtures.check(strict, after).findings();
            for (ComposeService s : compose.services()) {
                if (s.isFragment()) {
                    continue;
                }
                services++;
                // a service that asks for root itself keeps its capabilities, reported: harden cannot know its root work
                boolean explicitRoot = s.value("user") != null && s.value("user").matches("(root|0)(:.*)?");
                for (Finding f : left) {
                    boolean rootKept = explicitRoot && f.ruleId().equals("cap-drop-all") && !f.fixable();
                    if (s.name().equals(f.subject()) && MUST_HOLD.contains(f.ruleId()) && f.isOpen() && !rootKept) {
                        failures.add(path + ": " + s.name() + " still fails " + f.ruleId() + ": " + f.message());
                    }
                }
            }
        }
        System.out.printf("compose corpus: %d files, %d services hardened with strict%n", files, services);
        assertThat(failures).isEmpty();
        assertThat(files).isGreaterThan(0);
    }

    /** Every comment of a text, in order. */
    static List<String> comments(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = COMMENT.matcher(line);
            if (m.find() && !line.contains("\"") && !line.contains("'")) {
                out.add(m.group().trim());
            }
        }
        return out;
    }
}
