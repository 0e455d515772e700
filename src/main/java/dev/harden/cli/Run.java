package dev.harden.cli;

import dev.harden.engine.Hardener;
import dev.harden.engine.Targets;
import dev.harden.report.FileReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads every target file once and hardens it, telling the user about files it cannot use. */
final class Run {
    final List<FileReport> reports = new ArrayList<>();
    final List<Path> paths = new ArrayList<>();
    boolean badInput;

    static Run of(Options options, Hardener hardener, boolean fix, PrintWriter err) {
        return of(options, hardener, fix, err, false);
    }

    /** With {@code quiet}, no progress line even on a terminal. */
    static Run of(Options options, Hardener hardener, boolean fix, PrintWriter err, boolean quiet) {
        Run run = new Run();
        List<Path> named = options.paths();
        Targets.Found found = Targets.expand(named);
        for (String problem : found.problems()) {
            err.println(problem);
            run.badInput = true;
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
            FileReport report;
            try {
                byte[] bytes = Files.readAllBytes(file);
                report = hardener.process(file, name, bytes, fix);
            } catch (IOException e) {
                report = FileReport.failed(name, null, "1:1: cannot read (" + e.getClass().getSimpleName() + ")");
            } catch (OutOfMemoryError e) {
                report = FileReport.failed(name, null, "1:1: too large to process in this much memory");
            }
            switch (report.kind()) {
                case FAILED -> {
                    err.println(name + ":" + report.problem());
                    run.badInput = true;
                }
                case SKIPPED -> {
                    boolean template = report.problem() != null && report.problem().contains("template");
                    if (template || explicit || options.verbose) {
                        err.println(name + ":" + report.problem().replaceFirst("^(\\d+:\\d+: )", "$1skipped: "));
                    }
                }
                default -> { }
            }
            run.reports.add(report);
            run.paths.add(file);
            done++;
        }
        if (progress != null) {
            progress.done();
        }
        return run;
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
        return reports.stream().flatMap(r -> r.findings().stream()).filter(f -> f.isOpen()).count();
    }
}
