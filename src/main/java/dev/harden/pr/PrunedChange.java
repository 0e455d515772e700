package dev.harden.pr;

import dev.harden.engine.Hardened;
import dev.harden.report.FileReport;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.Verification;
import dev.harden.verify.VerifySession;
import dev.harden.verify.ServiceResults;
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
 * @param leftOut what was left out, as {@code file: service: rules (log line)}
 * @param section the Markdown section for the pull request body
 */
public record PrunedChange(Change change, List<ServiceResult> results, List<String> leftOut, String section) {
    public PrunedChange {
        results = List.copyOf(results);
        leftOut = List.copyOf(leftOut);
    }

    /**
     * What verify refuses to start in the change's files without host access allowed, one line each
     * ({@link VerifySession#refusals}); check before {@link #of}, which starts containers.
     */
    public static List<String> refusals(Change change, Path workTree, VerifySession session) {
        return session.refusals(files(change, workTree), VerifySession.Mode.LEAVE_OUT_BREAKAGE);
    }

    /**
     * Verifies every changed Compose file and Kubernetes manifest of a change and recomputes it
     * without what broke a service. Services verify cannot tell about keep their changes.
     *
     * @param workTree the repository's root: file names in the change are relative to it
     * @return how verify ended and, when it went through every file, the pruned change
     */
    public static Attempt of(Change change, Path workTree, VerifySession session) {
        Verification verification = session.verify(files(change, workTree), VerifySession.Mode.LEAVE_OUT_BREAKAGE);
        if (verification.ending() != Verification.Ending.FINISHED) {
            return new Attempt(verification, null);
        }
        List<Change.FileChange> files = new ArrayList<>();
        List<FileReport> reports = new ArrayList<>();
        for (Hardened file : verification.files()) {
            FileReport kept = file.report();
            reports.add(kept);
            if (kept.changed() && !Arrays.equals(kept.fixed(), kept.original())) {
                files.add(new Change.FileChange(kept.file(), kept.original(), kept.fixed()));
            }
        }
        // New files (NetworkPolicies) start no container: they stay as the fix wrote them.
        change.files().stream().filter(Change.FileChange::created).forEach(files::add);
        Change verified = new Change(change.profile(), files, reports, change.unreadable());
        List<String> lines = verification.leftOut().stream().map(d -> d.file() + ": " + d.service() + ": "
                + String.join(", ", d.rules()) + (d.logLine() == null ? "" : " (" + d.logLine() + ")")).toList();
        String section = ServiceResults.markdown(verification.results(), verification.leftOut(), session.engine().orElse(null));
        if (session.engine().isEmpty()) {
            section += "\nNothing was started: " + session.engineProblem() + ".\n";
        }
        return new Attempt(verification, new PrunedChange(verified, verification.results(), lines, section));
    }

    /**
     * How verify over a change ended, and the pruned change when it went through every file.
     *
     * @param verification how verify ended
     * @param change the verified change when verify finished, else null
     */
    public record Attempt(Verification verification, PrunedChange change) { }

    /** The change's reports as the files verify reads: each at its place in the working tree. */
    private static List<Hardened> files(Change change, Path workTree) {
        return change.reports().stream().map(r -> new Hardened(workTree.resolve(r.file()), r, List.of())).toList();
    }
}
