package dev.harden.cli;

import dev.harden.engine.AtomicWrite;
import dev.harden.engine.Hardener;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.report.Reports;
import dev.harden.report.UnifiedDiff;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code harden fix}: writes the hardened files, prints them as a patch, or asks hunk by hunk. */
final class FixCommand implements Callable<Integer> {
    final CommandModel model = Options.declare(CommandModel.of(this, "fix",
                    "Harden files in place, touching only the bytes each change needs.",
                    "With --diff nothing is written: a unified diff goes to standard output (git apply accepts it).",
                    "With --interactive each change is shown and applied only if you say yes.",
                    "Findings that cannot be fixed automatically are listed on standard error."))
            .flag("Print a unified diff instead of writing files.", "-d", "--diff")
            .flag("Ask before each change (y: apply, n: skip, a: apply the rest, q: quit).", "-i", "--interactive")
            .flag("Do not list what was changed or what remains.", "-q", "--quiet")
            .flag("Start each changed Compose service and Kubernetes container before and after on the local Docker engine,"
                    + " and leave out the changes that stop one from starting (see 'harden verify').", "--verify")
            .option("unix:///PATH", "The engine for --verify (default: DOCKER_HOST, else unix:///var/run/docker.sock).",
                    "--docker-host");

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
        diff = model.flag("--diff");
        interactive = model.flag("--interactive");
        quiet = model.flag("--quiet");
        boolean verify = model.flag("--verify");
        String dockerHost = model.value("--docker-host");
        if (diff && interactive) {
            throw new UserException("--diff and --interactive do not go together: choose one");
        }
        Hardener hardener = options.hardener();
        Run run = Run.of(options, hardener, true, err);
        if (verify) {
            FixVerification.apply(run, options, hardener, dockerHost, err);
        }
        BufferedReader answers = interactive ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) : null;
        boolean applyRest = false;
        int written = 0;
        for (int i = 0; i < run.reports.size(); i++) {
            FileReport report = run.reports.get(i);
            Path path = run.paths.get(i);
            if (diff) {
                if (report.changed()) {
                    out.print(UnifiedDiff.diff(report.file(), text(report.original()), text(report.fixed())));
                }
                writeGenerated(run, report, path, out, answers, err);
                continue;
            }
            written += writeGenerated(run, report, path, out, answers, err);
            if (!report.changed()) {
                continue;
            }
            byte[] content = report.fixed();
            if (interactive && !applyRest) {
                List<UnifiedDiff.Hunk> hunks = UnifiedDiff.hunks(text(report.original()), text(report.fixed()));
                List<Boolean> accepted = new ArrayList<>();
                boolean quit = false;
                for (UnifiedDiff.Hunk hunk : hunks) {
                    if (quit || applyRest) {
                        accepted.add(applyRest);
                        continue;
                    }
                    out.print("--- " + report.file() + "\n" + UnifiedDiff.render(hunk));
                    out.print("Apply this change [y,n,a,q]? ");
                    out.flush();
                    String answer = answers.readLine();
                    String a = answer == null ? "q" : answer.trim().toLowerCase(java.util.Locale.ROOT);
                    applyRest = a.equals("a");
                    quit = a.equals("q");
                    accepted.add(a.equals("y") || applyRest);
                }
                if (!accepted.contains(true)) {
                    if (quit) {
                        break;
                    }
                    continue;
                }
                String partial = UnifiedDiff.applySome(text(report.original()), hunks, accepted);
                content = reencode(report, partial);
                try {
                    YamlFile.parse(content, Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE));
                } catch (YamlException e) {
                    err.println(report.file() + ":" + e.line() + ":" + e.column()
                            + ": the chosen changes alone do not make valid YAML; file left untouched");
                    continue;
                }
                if (quit) {
                    written += write(run, i, path, content, err) ? 1 : 0;
                    break;
                }
            }
            written += write(run, i, path, content, err) ? 1 : 0;
        }
        out.flush();
        if (!quiet && !diff) {
            err.print(Reports.text(run.reports, options.colour(), !interactive));
            long fixed = run.reports.stream().flatMap(r -> r.findings().stream())
                    .filter(f -> f.status() == Finding.Status.FIXED).count();
            err.println((interactive ? written + " file(s) written" : fixed + " change(s) in " + written + " file(s)")
                    + "; " + run.open() + " finding(s) need a person");
        } else if (!quiet) {
            err.print(Reports.text(run.reports, options.colour(), false));
        }
        err.flush();
        return run.badInput ? HardenCommand.BAD_INPUT : HardenCommand.CLEAN;
    }

    /**
     * Writes (or with --diff prints) the new files a report asks for next to its file, never
     * replacing a file that exists; in interactive mode only when the user says yes.
     */
    private int writeGenerated(Run run, FileReport report, Path path, PrintWriter out, BufferedReader answers,
                               PrintWriter err) throws IOException {
        int count = 0;
        for (GeneratedFile g : report.generated()) {
            Path target = path.resolveSibling(g.name());
            String shown = siblingName(report.file(), g.name());
            String content = text(g.content());
            if (diff) {
                out.print(UnifiedDiff.created(shown, content));
                continue;
            }
            if (Files.exists(target)) {
                continue;
            }
            if (interactive) {
                out.print(UnifiedDiff.created(shown, content));
                out.print("Create " + shown + " [y,n]? ");
                out.flush();
                String answer = answers.readLine();
                if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
                    continue;
                }
            }
            cleanUp(target, err);
            try {
                AtomicWrite.create(target, g.content(), path);
                count++;
            } catch (IOException e) {
                err.println(shown + ": not written: " + reason(e));
                run.badInput = true;
            }
        }
        return count;
    }

    /**
     * Writes one fixed file; a failure (a read-only file, a full disk) is that file's problem, reported
     * like bad input, and the run goes on with the other files.
     */
    private boolean write(Run run, int i, Path path, byte[] content, PrintWriter err) {
        FileReport report = run.reports.get(i);
        cleanUp(path, err);
        try {
            if (AtomicWrite.write(path, content) == AtomicWrite.How.IN_PLACE && !quiet) {
                err.println(report.file() + ": written in place (not replaced) to keep its hard links or its owner");
            }
            return true;
        } catch (IOException e) {
            err.println(report.file() + ": not written: " + reason(e));
            run.badInput = true;
            // its changes did not happen: the summary must not count them
            run.reports.set(i, new FileReport(report.file(), FileReport.Kind.FAILED, report.original(), null,
                    report.findings().stream().filter(f -> f.status() != Finding.Status.FIXED).toList(),
                    "1:1: not written: " + reason(e)));
            return false;
        }
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

    private static String reason(IOException e) {
        if (e instanceof AtomicWrite.Refused) {
            return e.getMessage();
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT);
        return (kind.isBlank() || kind.equals("i o") ? message : kind + ": " + message)
                + "; the file was left as it was";
    }

    /** How reports name a file next to {@code file}. */
    private static String siblingName(String file, String name) {
        int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
        return slash < 0 ? name : file.substring(0, slash + 1) + name;
    }

    private static String text(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static byte[] reencode(FileReport report, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        boolean bom = report.original().length >= 3 && (report.original()[0] & 0xFF) == 0xEF;
        if (!bom) {
            return body;
        }
        byte[] all = new byte[body.length + 3];
        System.arraycopy(report.original(), 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        return all;
    }
}
