package dev.harden.cli;

import dev.harden.engine.Hardener;
import dev.harden.verify.Verification;
import dev.harden.verify.VerifiedFix;
import dev.harden.verify.Verifier;
import dev.harden.verify.VerifyReports;
import java.io.PrintWriter;
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
        String host = dockerHost != null ? dockerHost : Verifier.defaultHost();
        try (Verifier verifier = Verifier.connect(host, hardener, options.images(options.repoConfig()), settings)) {
            List<String> refused = verifier.refusals(run.files, Verifier.Mode.LEAVE_OUT_BREAKAGE);
            if (!refused.isEmpty()) {
                return VerifyOptions.refused(refused, "nothing was started or written", err);
            }
            if (verifier.engine().isEmpty()) {
                err.println("harden: --verify: " + verifier.engineProblem() + "; the fix is not verified");
            }
            Verification verified = verifier.verify(run.files, Verifier.Mode.LEAVE_OUT_BREAKAGE);
            switch (verified.ending()) {
                case INTERRUPTED -> {
                    return interrupted(err);
                }
                case HOST_ACCESS_REFUSED -> {
                    return VerifyOptions.refused(verified.refused(), "verify stopped and nothing was written", err);
                }
                default -> { }
            }
            run.files.clear();
            run.files.addAll(verified.files());
            for (VerifiedFix.Dropped d : verified.leftOut()) {
                err.println(dev.harden.report.Terminal.escape(d.file() + ": " + d.service() + ": left out "
                        + String.join(", ", d.rules()) + " because it stopped the service from starting"
                        + (d.logLine() == null ? "" : ": " + d.logLine())));
            }
            err.print(VerifyReports.summary(verified.results()) + verifier.engine().map(e -> " on " + e).orElse("") + "\n");
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
