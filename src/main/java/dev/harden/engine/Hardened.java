package dev.harden.engine;

import dev.harden.report.FileReport;
import java.nio.file.Path;
import java.util.List;

/**
 * What the {@link Pipeline} made of one file.
 *
 * @param path where the file lies
 * @param report its report
 * @param warnings about the file besides its findings, each {@code line:col: text}: inline ignores that name no rule
 */
public record Hardened(Path path, FileReport report, List<String> warnings) {
    public Hardened {
        warnings = List.copyOf(warnings);
    }

    /**
     * A file the fix creates beside the file it read (the strict profile's NetworkPolicies).
     *
     * @param path where it goes
     * @param name how reports name it: the name of the file read, with this file's name for its own
     * @param content its bytes
     * @param ruleId the rule that wants it
     */
    public record Created(Path path, String name, byte[] content, String ruleId) { }

    /** The files the fix creates beside this one; nothing was there when the hardener looked. */
    public List<Created> created() {
        return report.generated().stream()
                .map(g -> new Created(path.resolveSibling(g.name()), sibling(report.file(), g.name()), g.content(), g.ruleId()))
                .toList();
    }

    /** The same file with the report a later step made of it: a verified fix, the answers to questions, a failed write. */
    public Hardened with(FileReport newReport) {
        return new Hardened(path, newReport, warnings);
    }

    /** How reports name the file {@code name} in the folder of the file reports name {@code file}. */
    static String sibling(String file, String name) {
        int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
        return slash < 0 ? name : file.substring(0, slash + 1) + name;
    }
}
