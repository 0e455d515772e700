package dev.harden.cli;

import dev.harden.engine.Hardener;
import dev.harden.report.FileReport;
import dev.harden.verify.HostAccessRefused;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.VerifiedFix;
import dev.harden.verify.Verifier;
import dev.harden.verify.VerifyInterrupted;
import dev.harden.verify.VerifyReports;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code harden fix --verify}: replaces each changed Compose or Kubernetes file's fix by one without the changes that broke a service. */
final class FixVerification {
    private FixVerification() {
    }

    /**
     * Verifies every changed file; returns 0 when the fix may be written, else the exit code of a
     * run that must write nothing: {@link HardenCommand#BAD_INPUT} when a service asks for host
     * access that was not allowed, {@link HardenCommand#INTERRUPTED} on Ctrl-C.
     */
    static int apply(Run run, Options options, Hardener hardener, String dockerHost, Verifier.Settings settings, PrintWriter err) {
        List<ServiceResult> results = new ArrayList<>();
        String host = dockerHost != null ? dockerHost : Verifier.defaultHost();
        try (Verifier verifier = Verifier.connect(host, hardener, options.images(options.repoConfig()), settings)) {
            List<Integer> verifiable = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < run.files.size(); i++) {
                FileReport report = run.files.get(i).report();
                if (report.checked() && report.changed()) {
                    verifiable.add(i);
                    refused.addAll(verifier.refusals(run.files.get(i).path(), report.file(), report.original()));
                }
            }
            if (!refused.isEmpty()) {
                return VerifyOptions.refused(refused, "nothing was started or written", err);
            }
            if (verifier.engine().isEmpty()) {
                err.println("harden: --verify: " + verifier.engineProblem() + "; the fix is not verified");
            }
            try {
                List<String> lines = new ArrayList<>();
                for (int i : verifiable) {
                    FileReport report = run.files.get(i).report();
                    VerifiedFix verified = verifier.fix(run.files.get(i).path(), report.file(), report.original());
                    run.set(i, verified.report());
                    results.addAll(verified.results());
                    for (VerifiedFix.Dropped d : verified.dropped()) {
                        lines.add(dev.harden.report.Terminal.escape(report.file() + ": " + d.service() + ": left out "
                                + String.join(", ", d.rules()) + " because it stopped the service from starting"
                                + (d.logLine() == null ? "" : ": " + d.logLine())));
                    }
                }
                if (verifier.interrupted()) {
                    return interrupted(err);
                }
                lines.forEach(err::println);
            } catch (VerifyInterrupted e) {
                return interrupted(err);
            } catch (HostAccessRefused e) {
                return VerifyOptions.refused(e.problems(), "verify stopped and nothing was written", err);
            }
            err.print(VerifyReports.summary(results) + verifier.engine().map(e -> " on " + e).orElse("") + "\n");
            return HardenCommand.CLEAN;
        }
    }

    /** Said before the verifier closes: on Ctrl-C the JVM ends soon after. */
    private static int interrupted(PrintWriter err) {
        err.println("harden: interrupted: verify removed the containers it started, blamed nothing, and nothing was written");
        err.flush();
        return HardenCommand.INTERRUPTED;
    }
}
