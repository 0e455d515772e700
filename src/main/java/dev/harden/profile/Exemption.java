package dev.harden.profile;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * A rule that does not apply to some files or services, and why.
 *
 * @param rules rule ids, or {@code all}
 * @param fileGlob a glob over paths relative to the config file's folder, or null for any file
 * @param subject a service or workload name, or null for any
 * @param reason why, shown in every report
 */
public record Exemption(List<String> rules, String fileGlob, String subject, String reason) {
    public Exemption {
        rules = List.copyOf(rules);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an exemption needs a reason");
        }
    }

    /** Whether this exemption covers a rule for a subject of a file ({@code file} relative to the config's folder). */
    public boolean covers(String ruleId, Path file, String subjectName) {
        if (!rules.contains(ruleId) && !rules.contains("all")) {
            return false;
        }
        if (subject != null && !subject.equals(subjectName)) {
            return false;
        }
        if (fileGlob == null) {
            return true;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + fileGlob);
        return file != null && (matcher.matches(file) || matcher.matches(file.getFileName()));
    }
}
