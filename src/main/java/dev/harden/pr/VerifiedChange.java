package dev.harden.pr;

import dev.harden.report.FileReport;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.VerifiedFix;
import dev.harden.verify.Verifier;
import dev.harden.verify.VerifyReports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A change whose services were started before and after on a Docker engine, with the changes that
 * stopped one from starting left out: what {@code harden pr --verify} commits.
 *
 * @param change the change to commit
 * @param results what verify found, per service or container
 * @param dropped what was left out, as {@code file: service: rules (log line)}
 * @param section the Markdown section for the pull request body
 */
public record VerifiedChange(Change change, List<ServiceResult> results, List<String> dropped, String section) {
    public VerifiedChange {
        results = List.copyOf(results);
        dropped = List.copyOf(dropped);
    }

    /**
     * What verify refuses to start in the change's files without host access allowed, one line each
     * ({@link Verifier#refusals}); check before {@link #of}, which starts containers.
     */
    public static List<String> refusals(Change change, Path workTree, Verifier verifier) {
        List<String> out = new ArrayList<>();
        for (FileReport report : change.reports()) {
            if (report.checked() && report.changed()) {
                out.addAll(verifier.refusals(workTree.resolve(report.file()), report.file(), report.original()));
            }
        }
        return out;
    }

    /**
     * Verifies every changed Compose file and Kubernetes manifest of a change and recomputes it
     * without what broke a service. Services verify cannot tell about keep their changes.
     *
     * @param workTree the repository's root: file names in the change are relative to it
     */
    public static VerifiedChange of(Change change, Path workTree, Verifier verifier) {
        List<Change.FileChange> files = new ArrayList<>();
        List<FileReport> reports = new ArrayList<>();
        List<ServiceResult> results = new ArrayList<>();
        List<VerifiedFix.Dropped> dropped = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (FileReport report : change.reports()) {
            boolean verifiable = report.checked();
            FileReport kept = report;
            if (verifiable && report.changed()) {
                VerifiedFix fix = verifier.fix(workTree.resolve(report.file()), report.file(), report.original());
                kept = fix.report();
                results.addAll(fix.results());
                dropped.addAll(fix.dropped());
                for (VerifiedFix.Dropped d : fix.dropped()) {
                    lines.add(report.file() + ": " + d.service() + ": " + String.join(", ", d.rules())
                            + (d.logLine() == null ? "" : " (" + d.logLine() + ")"));
                }
            }
            reports.add(kept);
            if (kept.changed() && !Arrays.equals(kept.fixed(), kept.original())) {
                files.add(new Change.FileChange(kept.file(), kept.original(), kept.fixed()));
            }
        }
        // New files (NetworkPolicies) start no container: they stay as the fix wrote them.
        change.files().stream().filter(Change.FileChange::created).forEach(files::add);
        Change verified = new Change(change.profile(), files, reports, change.unreadable());
        String section = VerifyReports.markdown(results, dropped, verifier.engine().orElse(null));
        if (verifier.engine().isEmpty()) {
            section += "\nNothing was started: " + verifier.engineProblem() + ".\n";
        }
        return new VerifiedChange(verified, results, lines, section);
    }
}
