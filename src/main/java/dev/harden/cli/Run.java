package dev.harden.cli;

import dev.harden.engine.Hardened;
import dev.harden.engine.FileHardener;
import dev.harden.engine.Pipeline;
import dev.harden.engine.Targets;
import dev.harden.manifest.Recognition;
import dev.harden.report.FileReport;
import dev.harden.report.Problem;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads every target file once and sends it through the engine's pipeline, telling the user about files it cannot use. */
final class Run {
    /** Every file read, in order, with what the pipeline (and later steps: verify, questions, writing) made of it. */
    final List<Hardened> files = new ArrayList<>();
    boolean badInput;
    /** Nothing under the paths was a Compose file or Kubernetes manifest (and nothing failed). */
    boolean nothingFound;

    static Run of(Options options, FileHardener hardener, boolean fix, PrintWriter err) {
        return of(options, hardener, fix, err, false);
    }

    /** With {@code quiet}, no progress line even on a terminal. */
    static Run of(Options options, FileHardener hardener, boolean fix, PrintWriter err, boolean quiet) {
        Run run = new Run();
        Pipeline pipeline = new Pipeline(hardener, fix);
        List<Path> named = options.paths();
        Targets.Found found = Pipeline.find(named);
        for (String problem : found.problems()) {
            err.println(problem);
            run.badInput = true;
        }
        if (options.verbose) {
            found.skipped().forEach(s -> err.println(display(s.path()) + (s.folder() ? "/" : "") + ": skipped: " + s.reason()));
        }
        // one file needs no progress line, nor the look at the terminal that deciding it takes
        Terminal terminal = found.files().size() > 1 ? Terminal.current() : null;
        Progress progress = terminal != null && terminal.progress(quiet)
                ? new Progress(err, found.files().size(), terminal.width(), null) : null;
        int done = 0;
        for (Path file : found.files()) {
            String name = display(file);
            if (progress != null) {
                progress.next(done, name);
            }
            boolean explicit = named.contains(file);
            Hardened hardened = pipeline.read(file, file, name);
            FileReport report = hardened.report();
            hardened.warnings().forEach(w -> err.println(dev.harden.report.Terminal.escape(name + ":" + w)));
            switch (report.outcome()) {
                case FAILED -> {
                    err.println(dev.harden.report.Terminal.escape(name + ":" + report.problem().text()));
                    run.badInput = true;
                }
                case SKIPPED -> {
                    Problem why = report.problem();
                    // a template is always said: it looks like a manifest, but only its rendered output can be hardened
                    if (why.kind() == Problem.Kind.TEMPLATE || explicit || options.verbose) {
                        err.println(dev.harden.report.Terminal.escape(name + ":" + why.line() + ":" + why.column()
                                + ": skipped: " + why.reason()));
                    }
                }
                default -> {
                    if (options.verbose) {
                        err.println(dev.harden.report.Terminal.escape(name + ": " + taken(file, report)));
                    }
                    if (report.problem() != null) {
                        err.println(dev.harden.report.Terminal.escape(name + ":" + report.problem().text()));
                    }
                }
            }
            run.files.add(hardened);
            done++;
        }
        if (progress != null) {
            progress.done();
        }
        if (!run.badInput && run.files.stream().noneMatch(h -> h.report().checked())) {
            run.nothingFound = true;
            err.println("harden: no Compose file or Kubernetes manifest found in " + String.join(", ", named.stream()
                    .map(Run::display).toList()) + " (" + found.files().size() + " YAML or JSON "
                    + (found.files().size() == 1 ? "file was" : "files were") + " neither"
                    + (options.verbose ? "" : "; --verbose lists them and the folders not searched") + ")");
        }
        return run;
    }

    /** Every file's report, in order. */
    List<FileReport> reports() {
        return files.stream().map(Hardened::report).toList();
    }

    /** Replaces the report of the {@code i}th file by what a later step made of it. */
    void set(int i, FileReport report) {
        files.set(i, files.get(i).with(report));
    }

    /** Why a file was taken as Compose or Kubernetes, for --verbose: read again, as only the verbose need it. */
    private static String taken(Path file, FileReport report) {
        String fileName = file.getFileName() == null ? report.file() : file.getFileName().toString();
        try {
            Recognition r = Recognition.of(YamlFile.parse(report.original(), Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE)),
                    fileName);
            return (r.kind() == Recognition.Kind.COMPOSE ? "taken as a Compose file " : "taken as Kubernetes manifests: ")
                    + r.why();
        } catch (YamlException e) {
            return "taken as " + report.kind().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How reports and diffs name a file: relative to the working folder when below it. */
    static String display(Path file) {
        Path normal = file.normalize();
        Path cwd = Path.of("").toAbsolutePath();
        if (normal.isAbsolute() && normal.startsWith(cwd)) {
            normal = cwd.relativize(normal);
        }
        String s = normal.toString();
        return s.startsWith("./") ? s.substring(2) : s;
    }

    long open() {
        return reports().stream().flatMap(r -> r.findings().stream()).filter(f -> f.isOpen()).count();
    }
}
