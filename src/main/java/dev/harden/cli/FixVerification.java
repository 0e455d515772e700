package dev.harden.cli;

import dev.harden.engine.Hardener;
import dev.harden.report.FileReport;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.VerifiedFix;
import dev.harden.verify.Verifier;
import dev.harden.verify.VerifyReports;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code harden fix --verify}: replaces each changed Compose or Kubernetes file's fix by one without the changes that broke a service. */
final class FixVerification {
    private FixVerification() {
    }

    static void apply(Run run, Options options, Hardener hardener, String dockerHost, PrintWriter err) {
        List<ServiceResult> results = new ArrayList<>();
        String host = dockerHost != null ? dockerHost : Verifier.defaultHost();
        try (Verifier verifier = Verifier.connect(host, hardener, options.images(options.repoConfig()), Verifier.Settings.defaults())) {
            if (verifier.engine().isEmpty()) {
                err.println("harden: --verify: " + verifier.engineProblem() + "; the fix is not verified");
            }
            for (int i = 0; i < run.reports.size(); i++) {
                FileReport report = run.reports.get(i);
                if (report.kind() != FileReport.Kind.COMPOSE && report.kind() != FileReport.Kind.KUBERNETES || !report.changed()) {
                    continue;
                }
                VerifiedFix verified = verifier.fix(run.paths.get(i), report.file(), report.original());
                run.reports.set(i, verified.report());
                results.addAll(verified.results());
                for (VerifiedFix.Dropped d : verified.dropped()) {
                    err.println(report.file() + ": " + d.service() + ": left out " + String.join(", ", d.rules())
                            + " because it stopped the service from starting" + (d.logLine() == null ? "" : ": " + d.logLine()));
                }
            }
            err.print(VerifyReports.summary(results) + verifier.engine().map(e -> " on " + e).orElse("") + "\n");
        }
    }
}
