package dev.harden.report;

import java.util.List;
import java.util.Objects;

/**
 * What happened to one file.
 *
 * @param file the file as the user named it
 * @param kind what the file is, as far as harden could tell
 * @param outcome what happened to it: its rules ran, or it was skipped, or it failed
 * @param original the bytes read, or null when unreadable
 * @param fixed the new bytes when the fix changed the file, else null
 * @param findings every finding, fixed, open or exempted
 * @param problem for skipped and failed files, why; for a file whose rules ran, why its fix was not kept, or for a
 *     Kustomize patch, what it patches; else null
 * @param generated new files the fix wants written next to this one (empty for most files)
 */
public record FileReport(String file, Kind kind, Outcome outcome, byte[] original, byte[] fixed, List<Finding> findings,
                         Problem problem, List<GeneratedFile> generated) {
    /** What a file is. */
    public enum Kind { COMPOSE, KUBERNETES, UNKNOWN }

    /** What happened to a file. */
    public enum Outcome {
        /** The profile's rules ran over it (in a fix run, {@code fixed} holds what they changed). */
        CHECKED,
        /** Not something harden hardens (not a manifest, a template, a JSON patch). */
        SKIPPED,
        /** It could not be read, parsed, hardened or written. */
        FAILED
    }

    public FileReport {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        findings = List.copyOf(findings);
        generated = List.copyOf(generated);
        if (outcome != Outcome.CHECKED && problem == null) {
            throw new IllegalArgumentException("a " + outcome + " file says why: " + file);
        }
        if (outcome == Outcome.CHECKED && kind == Kind.UNKNOWN) {
            throw new IllegalArgumentException("the rules ran over a file of unknown kind: " + file);
        }
    }

    /** A file whose rules ran, without generated files. */
    public static FileReport checked(String file, Kind kind, byte[] original, byte[] fixed, List<Finding> findings,
                                     Problem note) {
        return new FileReport(file, kind, Outcome.CHECKED, original, fixed, findings, note, List.of());
    }

    public static FileReport skipped(String file, Kind kind, byte[] original, Problem why) {
        return new FileReport(file, kind, Outcome.SKIPPED, original, null, List.of(), why, List.of());
    }

    public static FileReport failed(String file, Kind kind, byte[] original, Problem problem) {
        return new FileReport(file, kind, Outcome.FAILED, original, null, List.of(), problem, List.of());
    }

    /** Whether the fix changed the file. */
    public boolean changed() {
        return fixed != null;
    }

    /** Whether the profile's rules ran over the file: a Compose file or Kubernetes manifests that were read and parsed. */
    public boolean checked() {
        return outcome == Outcome.CHECKED;
    }

    /** This report with other findings, fixed bytes and generated files: what a later step (verify, a question) made of it. */
    public FileReport with(byte[] newFixed, List<Finding> newFindings, List<GeneratedFile> newGenerated) {
        return new FileReport(file, kind, outcome, original, newFixed, newFindings, problem, newGenerated);
    }
}
