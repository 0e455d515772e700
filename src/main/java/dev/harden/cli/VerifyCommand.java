package dev.harden.cli;

import dev.harden.engine.Hardener;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.Verifier;
import dev.harden.verify.VerifyReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harden verify}: starts each Compose service and Kubernetes container before and after hardening on a local engine. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Start each service before and after hardening on the local Docker engine.",
            "Each Compose service and each Kubernetes workload's containers start as written and as hardened",
            "(the way the kubelet would start them), and harden says whether it still runs: runs before and",
            "after, broken by hardening (with the rule and the log line),",
            "broken before hardening, or cannot tell (image not available locally, no engine).",
            "Nothing is pulled or published; each start gets a private network without a route out and fresh",
            "volumes, and everything is removed afterwards, also on Ctrl-C.",
            "Exit 0 when hardening broke nothing, 1 when it broke a service, 2 on bad input."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options options;

    @Option(names = {"-f", "--format"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--docker-host", paramLabel = "unix:///PATH",
            description = "The engine's socket (default: DOCKER_HOST, else unix:///var/run/docker.sock).")
    String dockerHost;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long a service may take to answer on its port or become healthy (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--settle", defaultValue = "5", paramLabel = "SECONDS",
            description = "How long a service without healthcheck or known port must stay up (default: ${DEFAULT-VALUE}).")
    int settle;

    @Option(names = "--log-lines", defaultValue = "20", paramLabel = "N",
            description = "How many of each start's last log lines to keep (default: ${DEFAULT-VALUE}).")
    int logLines;

    @Option(names = "--fail-on-unknown", description = "Also exit 1 when a service cannot be told (for a CI gate).")
    boolean failOnUnknown;

    @Option(names = "--clean-up", description = "Only remove containers, volumes and networks an interrupted run left behind.")
    boolean cleanUp;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!List.of("text", "json").contains(format)) {
            throw new UserException("--format must be text or json, not '" + format + "'");
        }
        if (timeout < 1 || settle < 0 || logLines < 1) {
            throw new UserException("--timeout and --log-lines must be at least 1 and --settle not negative");
        }
        String host = dockerHost != null ? dockerHost : Verifier.defaultHost();
        if (cleanUp) {
            try {
                out.println("removed " + Verifier.cleanUp(host) + " leftover container(s), volume(s) and network(s)");
                out.flush();
                return HardenCommand.CLEAN;
            } catch (IOException | IllegalArgumentException e) {
                throw new UserException("cannot clean up at " + host + ": " + e.getMessage() + "; check --docker-host");
            }
        }
        RepoConfig cfg = options.repoConfig();
        Hardener hardener = options.hardener();
        Run run = Run.of(options, hardener, true, err);
        List<ServiceResult> results = new ArrayList<>();
        Verifier.Settings settings = new Verifier.Settings(Duration.ofSeconds(timeout), Duration.ofSeconds(settle), logLines);
        try (Verifier verifier = Verifier.connect(host, hardener, options.images(cfg), settings)) {
            if (verifier.engine().isEmpty()) {
                err.println("harden: " + verifier.engineProblem() + "; every service is reported as 'cannot tell'");
            }
            for (int i = 0; i < run.reports.size(); i++) {
                FileReport report = run.reports.get(i);
                if (report.kind() == FileReport.Kind.COMPOSE || report.kind() == FileReport.Kind.KUBERNETES) {
                    results.addAll(verifier.verify(run.paths.get(i), report.file(), report.original()));
                }
            }
            String engine = verifier.engine().orElse(null);
            if (format.equals("json")) {
                out.print(VerifyReports.json(results, engine, hardener.profile().name(), HardenCommand.version()));
            } else {
                out.print(VerifyReports.text(results, engine));
            }
        }
        out.flush();
        err.flush();
        if (run.badInput) {
            return HardenCommand.BAD_INPUT;
        }
        boolean unknown = results.stream().anyMatch(r -> r.outcome() == ServiceResult.Outcome.CANNOT_TELL);
        return VerifyReports.broken(results) || failOnUnknown && unknown ? HardenCommand.FINDINGS : HardenCommand.CLEAN;
    }
}
