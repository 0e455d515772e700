package dev.harden.cli;

import dev.harden.engine.FileHardener;
import dev.harden.profile.RepoConfig;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.Trial;
import dev.harden.verify.Verification;
import dev.harden.verify.VerifySession;
import dev.harden.verify.ServiceResults;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code harden verify}: starts each Compose service and Kubernetes container before and after hardening on a local engine. */
final class VerifyCommand implements Callable<Integer> {
    /** What {@code --format} may be. */
    enum Format { TEXT, JSON, MARKDOWN }

    static final Option<Format> FORMAT = Option.format(Format.class, "text, json or markdown (default: ${DEFAULT-VALUE}).");
    static final Option<String> DOCKER_HOST = VerifyOptions.DOCKER_HOST.describedAs(
            "The engine's socket (default: DOCKER_HOST, else unix:///var/run/docker.sock).");
    static final Option<Integer> TIMEOUT = Option.integer("SECONDS", "60",
            "How long a service may take to answer on its port or become healthy (default: ${DEFAULT-VALUE}).", "--timeout");
    static final Option<Integer> SETTLE = Option.integer("SECONDS", "5",
            "How long a service without healthcheck or known port must stay up (default: ${DEFAULT-VALUE}).", "--settle");
    static final Option<Integer> LOG_LINES = Option.integer("N", "20",
            "How many of each start's last log lines to read for the telling one (default: ${DEFAULT-VALUE}).", "--log-lines");
    static final Option<Boolean> FAIL_ON_UNKNOWN = Option.flag("Also exit 1 when a service cannot be told (for a CI gate).",
            "--fail-on-unknown");
    static final Option<Boolean> CLEAN_UP = Option.flag(
            "Only remove containers, volumes and networks an interrupted run left behind.", "--clean-up");

    final CommandModel model = Options.declare(CommandModel.of(this, "verify",
                    "Start each service before and after hardening on the local Docker engine.",
                    "Each Compose service and each Kubernetes workload's containers start as written and as hardened",
                    "(the way the kubelet would start them), and harden says whether it still runs: runs before and",
                    "after, broken by hardening (with the rule and the log line),",
                    "broken before hardening, or cannot tell (image not available locally, no engine).",
                    "Nothing is pulled or published; each start gets a private network without a route out and fresh",
                    "volumes, and everything is removed afterwards, also on Ctrl-C.",
                    "$${VAR} comes from the .env beside the file and --env, never from harden's environment; log text",
                    "is shown as one masked line (-v: the masked tail on standard error). Privileged services, host",
                    "namespaces, devices, extra capabilities, the engine's socket and host paths outside the project",
                    "are refused unless --allow-host-access.",
                    "Exit 0 when hardening broke nothing, 1 when it broke a service, 2 on bad input or refused host",
                    "access, 130 when interrupted."))
            .with(FORMAT, DOCKER_HOST, TIMEOUT, SETTLE, LOG_LINES, FAIL_ON_UNKNOWN, CLEAN_UP, VerifyOptions.ENV,
                    VerifyOptions.ALLOW_HOST_ACCESS, VerifyOptions.NO_REPAIR);

    @Override
    public Integer call() {
        PrintWriter out = model.out();
        PrintWriter err = model.err();
        Options options = Options.read(model);
        Format format = model.get(FORMAT);
        String dockerHost = model.get(DOCKER_HOST);
        options.dockerHost = dockerHost;
        int timeout = model.get(TIMEOUT);
        int settle = model.get(SETTLE);
        int logLines = model.get(LOG_LINES);
        if (timeout < 1 || settle < 0 || logLines < 1) {
            throw new UserException("--timeout and --log-lines must be at least 1 and --settle not negative");
        }
        String host = dockerHost != null ? dockerHost : VerifySession.defaultHost();
        if (model.get(CLEAN_UP)) {
            try {
                out.println("removed " + VerifySession.cleanUp(host) + " leftover container(s), volume(s) and network(s)");
                out.flush();
                return HardenCommand.CLEAN;
            } catch (IOException | IllegalArgumentException e) {
                throw new UserException("cannot clean up at " + host + ": " + e.getMessage() + "; check --docker-host");
            }
        }
        RepoConfig cfg = options.repoConfig();
        FileHardener hardener = options.hardener();
        Run run = Run.of(options, hardener, true, err);
        List<ServiceResult> results;
        VerifySession.Settings settings = VerifyOptions.settings(model,
                new VerifySession.Settings(Duration.ofSeconds(timeout), Duration.ofSeconds(settle), logLines));
        try (VerifySession session = VerifySession.connect(host, hardener, options.images(cfg), settings)) {
            List<String> refused = session.refusals(run.files, VerifySession.Mode.RESULTS);
            if (!refused.isEmpty()) {
                return VerifyOptions.refused(refused, "nothing was started", err);
            }
            if (session.engine().isEmpty()) {
                err.println("harden: " + session.engineProblem() + "; every service is reported as 'cannot tell'");
            }
            Verification verified = session.verify(run.files, VerifySession.Mode.RESULTS);
            switch (verified.ending()) {
                case INTERRUPTED -> {
                    return interrupted(err);
                }
                case HOST_ACCESS_REFUSED -> {
                    return VerifyOptions.refused(verified.refused(), "verify stopped", err);
                }
                default -> results = verified.results();
            }
            if (options.verbose) {
                tails(results, err);
            }
            String engine = session.engine().orElse(null);
            if (format == Format.MARKDOWN) {
                out.print("## harden verify: " + ServiceResults.summary(results) + "\n\n"
                        + ServiceResults.markdown(results, List.of(), engine));
            } else if (format == Format.JSON) {
                out.print(ServiceResults.json(results, engine, hardener.profile().name(), HardenCommand.version()));
            } else {
                out.print(ServiceResults.text(results, engine));
            }
        }
        out.flush();
        err.flush();
        if (run.badInput || run.nothingFound) {
            return HardenCommand.BAD_INPUT;
        }
        boolean unknown = results.stream().anyMatch(r -> r.outcome() == ServiceResult.Outcome.CANNOT_TELL);
        return ServiceResults.broken(results) || model.get(FAIL_ON_UNKNOWN) && unknown ? HardenCommand.FINDINGS : HardenCommand.CLEAN;
    }

    /** With -v: the last log lines of each start that failed, masked and one line each, for the user at the terminal only. */
    private static void tails(List<ServiceResult> results, PrintWriter err) {
        for (ServiceResult r : results) {
            Trial failed = r.after() != null && !r.after().ok() ? r.after() : r.before() != null && !r.before().ok() ? r.before() : null;
            if (failed != null && !failed.logs().isEmpty()) {
                err.println(dev.harden.report.Terminal.escape("harden: " + r.file() + ": " + r.service()
                        + ": its last log lines (secrets masked):"));
                failed.logs().forEach(l -> err.println("    " + l));
            }
        }
        err.flush();
    }

    /** Said before the session closes: on Ctrl-C the JVM ends soon after. */
    private static int interrupted(PrintWriter err) {
        err.println("harden: interrupted: verify removed the containers it started and gives no verdict");
        err.flush();
        return HardenCommand.INTERRUPTED;
    }
}
