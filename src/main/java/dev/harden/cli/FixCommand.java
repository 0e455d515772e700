package dev.harden.cli;

import dev.harden.engine.AtomicWrite;
import dev.harden.engine.Hardened;
import dev.harden.engine.FileHardener;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.Markdown;
import dev.harden.report.Problem;
import dev.harden.report.Reports;
import dev.harden.report.UnifiedDiff;
import dev.harden.verify.LeftOut;
import dev.harden.verify.ServiceResult;
import dev.harden.verify.ServiceResults;
import dev.harden.verify.Verification;
import dev.harden.verify.VerifySession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code harden fix}: writes the hardened files, prints them as a patch, or asks change by change. */
final class FixCommand implements Callable<Integer> {
    /** What {@code --format} may be. */
    enum Format { TEXT, MARKDOWN }

    static final Option<Boolean> DIFF = Option.flag("Print a unified diff instead of writing files.", "-d", "--diff");
    static final Option<Boolean> INTERACTIVE = Option.flag(
            "Ask before each change, one rule for one service or container (y, n, a, d, q, s, ?).", "-i", "--interactive");
    static final Option<Boolean> QUIET = Option.flag("Do not list what was changed or what remains.", "-q", "--quiet");
    static final Option<Format> FORMAT = Option.format(Format.class,
            "text, or markdown: a summary with the patch on standard output, for a CI job summary (default: ${DEFAULT-VALUE}).");
    static final Option<Boolean> VERIFY = Option.flag("Start each changed Compose service and Kubernetes container before and"
            + " after on the local Docker engine, and leave out the changes that stop one from starting (see 'harden verify').",
            "--verify");

    final CommandModel model = Options.declare(CommandModel.of(this, "fix",
                    "Harden files in place, touching only the bytes each change needs.",
                    "With --diff nothing is written: a unified diff goes to standard output (git apply accepts it).",
                    "With --interactive each change is shown and applied only if you say yes.",
                    "Findings that cannot be fixed automatically are listed on standard error."))
            .with(DIFF, INTERACTIVE, QUIET, FORMAT, VERIFY, VerifyOptions.DOCKER_HOST, VerifyOptions.ENV,
                    VerifyOptions.ALLOW_HOST_ACCESS, VerifyOptions.NO_REPAIR);

    private Options options;
    private boolean diff;
    private boolean interactive;
    private boolean quiet;
    private final java.time.Instant started = java.time.Instant.now();
    private final java.util.Set<Path> cleaned = new java.util.HashSet<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = model.out();
        PrintWriter err = model.err();
        options = Options.read(model);
        diff = model.get(DIFF);
        interactive = model.get(INTERACTIVE);
        quiet = model.get(QUIET);
        boolean verify = model.get(VERIFY);
        String dockerHost = model.get(VerifyOptions.DOCKER_HOST);
        options.dockerHost = dockerHost;
        VerifyOptions.requireVerify(model, verify);
        if (diff && interactive) {
            throw new UserException("--diff and --interactive do not go together: choose one");
        }
        boolean markdown = model.get(FORMAT) == Format.MARKDOWN;
        if (markdown && interactive) {
            throw new UserException("--format markdown and --interactive do not go together: choose one");
        }
        FileHardener hardener = options.hardener();
        Run run = Run.of(options, hardener, true, err, quiet);
        if (verify) {
            int stop = leaveOutBreakage(run, options, hardener, dockerHost,
                    VerifyOptions.settings(model, VerifySession.Settings.defaults()), !diff, err);
            if (stop != HardenCommand.CLEAN) {
                err.flush();
                return stop;
            }
        }
        InteractiveFix asking = interactive ? new InteractiveFix(hardener,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out, err, options.colour(false)) : null;
        int written = 0;
        StringBuilder patch = new StringBuilder();
        for (int i = 0; i < run.files.size(); i++) {
            Hardened file = run.files.get(i);
            FileReport report = file.report();
            Path path = file.path();
            if (markdown) {
                patch.append(patch(file));
            }
            if (diff && markdown) {
                continue;
            }
            if (diff) {
                if (report.changed()) {
                    out.print(UnifiedDiff.diff(report.file(), UnifiedDiff.text(report.original()), UnifiedDiff.text(report.fixed())));
                }
                writeGenerated(run, file, out, err);
                continue;
            }
            if (interactive) {
                if (!report.changed() && report.generated().isEmpty()) {
                    continue;
                }
                InteractiveFix.Result result = asking.file(file);
                run.set(i, result.report());
                if (result.next() == InteractiveFix.Next.QUIT) {
                    break;
                }
                continue;
            }
            if (report.changed()) {
                if (!write(run, i, path, err)) {
                    continue;
                }
                written++;
            }
            written += writeGenerated(run, file, out, err);
        }
        if (interactive) {
            written = asking.written();
        }
        if (markdown) {
            out.print(Markdown.summary("fix", hardener.profile().name(), run.reports(), patch.toString()));
        }
        out.flush();
        if (!diff) {
            options.writeLock(err, run.files.isEmpty() ? null : run.files.get(0).path());
        }
        if (markdown) {
            err.flush();
        } else if (!quiet && !diff && !run.nothingFound) {
            err.print(Reports.text(run.reports(), options.colour(true), !interactive));
            long fixed = run.reports().stream().flatMap(r -> r.findings().stream())
                    .filter(f -> f.status() == Finding.Status.FIXED).count();
            err.println((interactive ? written + " file(s) written" : fixed + " change(s) in " + written + " file(s)")
                    + "; " + run.open() + " finding(s) need a person");
        } else if (!quiet) {
            err.print(Reports.text(run.reports(), options.colour(true), false));
        }
        err.flush();
        return run.badInput || run.nothingFound ? HardenCommand.BAD_INPUT : HardenCommand.CLEAN;
    }

    /**
     * {@code --verify}: verifies every changed Compose or Kubernetes file and replaces its fix by one
     * repaired where a repair worked (its facts go to the lock file when {@code writesLock}) and
     * without the changes that broke a service where none did; returns 0 when the fix may be written, else the exit
     * code of a run that must write nothing: {@link HardenCommand#BAD_INPUT} when a service asks for host
     * access that was not allowed, {@link HardenCommand#INTERRUPTED} on Ctrl-C.
     */
    private static int leaveOutBreakage(Run run, Options options, FileHardener hardener, String dockerHost,
                                        VerifySession.Settings settings, boolean writesLock, PrintWriter err) {
        String host = dockerHost != null ? dockerHost : VerifySession.defaultHost();
        try (VerifySession session = VerifySession.connect(host, hardener, options.images(options.repoConfig()), settings)) {
            List<String> refused = session.refusals(run.files, VerifySession.Mode.LEAVE_OUT_BREAKAGE);
            if (!refused.isEmpty()) {
                return VerifyOptions.refused(refused, "nothing was started or written", err);
            }
            if (session.engine().isEmpty()) {
                err.println("harden: --verify: " + session.engineProblem() + "; the fix is not verified");
            }
            Verification verified = session.verify(run.files, VerifySession.Mode.LEAVE_OUT_BREAKAGE);
            switch (verified.ending()) {
                case INTERRUPTED -> {
                    return interruptedVerify(err);
                }
                case HOST_ACCESS_REFUSED -> {
                    return VerifyOptions.refused(verified.refused(), "verify stopped and nothing was written", err);
                }
                default -> { }
            }
            run.files.clear();
            run.files.addAll(verified.files());
            for (ServiceResult r : verified.results()) {
                if (r.repair() != null) {
                    err.println(dev.harden.report.Terminal.escape(r.file() + ": " + r.service() + ": repaired: " + r.repair().summary()
                            + "; facts: " + r.repair().facts()));
                }
            }
            if (writesLock) {
                VerifyOptions.keepLearned(verified.results(), options,
                        line -> err.println(dev.harden.report.Terminal.escape("harden: " + line)));
            }
            for (LeftOut d : verified.leftOut()) {
                err.println(dev.harden.report.Terminal.escape(d.file() + ": " + d.service() + ": left out "
                        + String.join(", ", d.rules()) + " because it stopped the service from starting"
                        + (d.logLine() == null ? "" : ": " + d.logLine())));
            }
            err.print(ServiceResults.summary(verified.results()) + session.engine().map(e -> " on " + e).orElse("") + "\n");
            return HardenCommand.CLEAN;
        }
    }

    /** Said before the session closes: on Ctrl-C the JVM ends soon after. */
    private static int interruptedVerify(PrintWriter err) {
        err.println("harden: interrupted: verify removed the containers it started, blamed nothing, and nothing was written");
        err.flush();
        return HardenCommand.INTERRUPTED;
    }

    /** The patch of one file: its changes and the files it would create that do not exist yet. */
    static String patch(Hardened file) {
        FileReport report = file.report();
        StringBuilder out = new StringBuilder();
        if (report.changed()) {
            out.append(UnifiedDiff.diff(report.file(), UnifiedDiff.text(report.original()), UnifiedDiff.text(report.fixed())));
        }
        for (Hardened.Created c : file.created()) {
            if (!Files.exists(c.path())) {
                out.append(UnifiedDiff.created(c.name(), UnifiedDiff.text(c.content())));
            }
        }
        return out.toString();
    }

    /**
     * Writes (or with --diff prints) the new files a report asks for next to its file, never
     * replacing a file that exists.
     */
    private int writeGenerated(Run run, Hardened file, PrintWriter out, PrintWriter err) {
        int count = 0;
        for (Hardened.Created c : file.created()) {
            if (diff) {
                out.print(UnifiedDiff.created(c.name(), UnifiedDiff.text(c.content())));
                continue;
            }
            if (Files.exists(c.path())) {
                continue;
            }
            cleanUp(c.path(), err);
            try {
                AtomicWrite.create(c.path(), c.content(), file.path());
                count++;
            } catch (IOException e) {
                err.println(c.name() + ": not written: " + reason(e));
                run.badInput = true;
            }
        }
        return count;
    }

    /**
     * Writes one fixed file, only while it still holds the bytes harden read. A file changed
     * meanwhile, or one that cannot be written (a read-only file, a full disk), is that file's
     * problem, reported like bad input, and the run goes on with the other files.
     */
    private boolean write(Run run, int i, Path path, PrintWriter err) {
        FileReport report = run.files.get(i).report();
        cleanUp(path, err);
        try {
            AtomicWrite.How how = AtomicWrite.writeIfUnchanged(path, report.original(), report.fixed());
            if (how == null) {
                err.println(report.file() + ": changed since harden read it; nothing written to this file");
                run.badInput = true;
                run.set(i, unwritten(report, "changed since harden read it"));
                return false;
            }
            if (how == AtomicWrite.How.IN_PLACE && !quiet) {
                err.println(report.file() + ": written in place (not replaced) to keep its hard links or its owner");
            }
            return true;
        } catch (IOException e) {
            err.println(report.file() + ": not written: " + reason(e));
            run.badInput = true;
            run.set(i, unwritten(report, "not written: " + reason(e)));
            return false;
        }
    }

    /** The report of a file whose changes did not happen: the summary must not count them. */
    private static FileReport unwritten(FileReport report, String why) {
        return new FileReport(report.file(), report.kind(), FileReport.Outcome.FAILED, report.original(), null,
                report.findings().stream().filter(f -> f.status() != Finding.Status.FIXED).toList(),
                Problem.atStart(Problem.Kind.NOT_WRITTEN, why), List.of());
    }

    /** Once per folder: removes the temporary files a killed run left beside the files this run writes. */
    private void cleanUp(Path file, PrintWriter err) {
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !cleaned.add(folder)) {
            return;
        }
        for (Path backup : AtomicWrite.removeStale(folder, started)) {
            err.println(backup + ": left by an interrupted harden run that was writing a file in place; if that file"
                    + " is damaged, its old content is here; delete this copy when done");
        }
    }

    static String reason(IOException e) {
        if (e instanceof AtomicWrite.Refused) {
            return e.getMessage();
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT);
        return (kind.isBlank() || kind.equals("i o") ? message : kind + ": " + message)
                + "; the file was left as it was";
    }
}
