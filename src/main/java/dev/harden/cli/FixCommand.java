package dev.harden.cli;

import dev.harden.engine.AtomicWrite;
import dev.harden.engine.Hardener;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.report.Markdown;
import dev.harden.report.Reports;
import dev.harden.report.UnifiedDiff;
import dev.harden.verify.Verifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
                    VerifyOptions.ALLOW_HOST_ACCESS);

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
        VerifyOptions.requireVerify(model, verify);
        if (diff && interactive) {
            throw new UserException("--diff and --interactive do not go together: choose one");
        }
        boolean markdown = model.get(FORMAT) == Format.MARKDOWN;
        if (markdown && interactive) {
            throw new UserException("--format markdown and --interactive do not go together: choose one");
        }
        Hardener hardener = options.hardener();
        Run run = Run.of(options, hardener, true, err, quiet);
        if (verify) {
            int stop = FixVerification.apply(run, options, hardener, dockerHost,
                    VerifyOptions.settings(model, Verifier.Settings.defaults()), err);
            if (stop != HardenCommand.CLEAN) {
                err.flush();
                return stop;
            }
        }
        InteractiveFix asking = interactive ? new InteractiveFix(hardener,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out, err, options.colour(false)) : null;
        int written = 0;
        StringBuilder patch = new StringBuilder();
        for (int i = 0; i < run.reports.size(); i++) {
            FileReport report = run.reports.get(i);
            Path path = run.paths.get(i);
            if (markdown) {
                patch.append(patch(report, path));
            }
            if (diff && markdown) {
                continue;
            }
            if (diff) {
                if (report.changed()) {
                    out.print(UnifiedDiff.diff(report.file(), text(report.original()), text(report.fixed())));
                }
                writeGenerated(run, report, path, out, err);
                continue;
            }
            if (interactive) {
                if (!report.changed() && report.generated().isEmpty()) {
                    continue;
                }
                InteractiveFix.Result result = asking.file(report, path);
                run.reports.set(i, result.report());
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
            written += writeGenerated(run, report, path, out, err);
        }
        if (interactive) {
            written = asking.written();
        }
        if (markdown) {
            out.print(Markdown.summary("fix", hardener.profile().name(), run.reports, patch.toString()));
        }
        out.flush();
        if (!diff) {
            options.writeLock(err, run.paths.isEmpty() ? null : run.paths.get(0));
        }
        if (markdown) {
            err.flush();
        } else if (!quiet && !diff && !run.nothingFound) {
            err.print(Reports.text(run.reports, options.colour(true), !interactive));
            long fixed = run.reports.stream().flatMap(r -> r.findings().stream())
                    .filter(f -> f.status() == Finding.Status.FIXED).count();
            err.println((interactive ? written + " file(s) written" : fixed + " change(s) in " + written + " file(s)")
                    + "; " + run.open() + " finding(s) need a person");
        } else if (!quiet) {
            err.print(Reports.text(run.reports, options.colour(true), false));
        }
        err.flush();
        return run.badInput || run.nothingFound ? HardenCommand.BAD_INPUT : HardenCommand.CLEAN;
    }

    /** The patch of one report: its changes and the files it would create that do not exist yet. */
    static String patch(FileReport report, Path path) {
        StringBuilder out = new StringBuilder();
        if (report.changed()) {
            out.append(UnifiedDiff.diff(report.file(), text(report.original()), text(report.fixed())));
        }
        for (GeneratedFile g : report.generated()) {
            if (!Files.exists(path.resolveSibling(g.name()))) {
                out.append(UnifiedDiff.created(InteractiveFix.siblingName(report.file(), g.name()), text(g.content())));
            }
        }
        return out.toString();
    }

    /**
     * Writes (or with --diff prints) the new files a report asks for next to its file, never
     * replacing a file that exists.
     */
    private int writeGenerated(Run run, FileReport report, Path path, PrintWriter out, PrintWriter err) {
        int count = 0;
        for (GeneratedFile g : report.generated()) {
            Path target = path.resolveSibling(g.name());
            if (diff) {
                out.print(UnifiedDiff.created(InteractiveFix.siblingName(report.file(), g.name()), text(g.content())));
                continue;
            }
            if (Files.exists(target)) {
                continue;
            }
            cleanUp(target, err);
            try {
                AtomicWrite.create(target, g.content(), path);
                count++;
            } catch (IOException e) {
                err.println(InteractiveFix.siblingName(report.file(), g.name()) + ": not written: " + reason(e));
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
        FileReport report = run.reports.get(i);
        cleanUp(path, err);
        try {
            AtomicWrite.How how = AtomicWrite.writeIfUnchanged(path, report.original(), report.fixed());
            if (how == null) {
                err.println(report.file() + ": changed since harden read it; nothing written to this file");
                run.badInput = true;
                run.reports.set(i, unwritten(report, "changed since harden read it"));
                return false;
            }
            if (how == AtomicWrite.How.IN_PLACE && !quiet) {
                err.println(report.file() + ": written in place (not replaced) to keep its hard links or its owner");
            }
            return true;
        } catch (IOException e) {
            err.println(report.file() + ": not written: " + reason(e));
            run.badInput = true;
            run.reports.set(i, unwritten(report, "not written: " + reason(e)));
            return false;
        }
    }

    /** The report of a file whose changes did not happen: the summary must not count them. */
    private static FileReport unwritten(FileReport report, String why) {
        return new FileReport(report.file(), FileReport.Kind.FAILED, report.original(), null,
                report.findings().stream().filter(f -> f.status() != Finding.Status.FIXED).toList(), "1:1: " + why);
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

    private static String text(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
