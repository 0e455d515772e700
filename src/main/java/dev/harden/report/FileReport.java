package dev.harden.report;

import java.util.List;

/**
 * What happened to one file.
 *
 * @param file the file as the user named it
 * @param kind what the file was recognised as
 * @param original the bytes read, or null when unreadable
 * @param fixed the new bytes when the fix changed the file, else null
 * @param findings every finding, fixed, open or exempted
 * @param problem for skipped and failed files, one line {@code line:col: reason}; for a recognised file, why its
 *     fix was not kept, or for a Kustomize patch, what it patches; else null
 * @param generated new files the fix wants written next to this one (empty for most files)
 */
public record FileReport(String file, Kind kind, byte[] original, byte[] fixed, List<Finding> findings, String problem,
                         List<GeneratedFile> generated) {
    /** What a file was recognised as. */
    public enum Kind { COMPOSE, KUBERNETES, SKIPPED, FAILED }

    public FileReport {
        findings = List.copyOf(findings);
        generated = List.copyOf(generated);
    }

    /** A report without generated files. */
    public FileReport(String file, Kind kind, byte[] original, byte[] fixed, List<Finding> findings, String problem) {
        this(file, kind, original, fixed, findings, problem, List.of());
    }

    public boolean changed() {
        return fixed != null;
    }

    public static FileReport skipped(String file, String why) {
        return new FileReport(file, Kind.SKIPPED, null, null, List.of(), why);
    }

    public static FileReport failed(String file, byte[] original, String problem) {
        return new FileReport(file, Kind.FAILED, original, null, List.of(), problem);
    }
}
