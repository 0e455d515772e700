package dev.harden.cli;

import dev.harden.engine.Hardener;
import dev.harden.engine.Targets;
import dev.harden.report.FileReport;
import dev.harden.yaml.FileRead;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads every target file once and hardens it, telling the user about files it cannot use. */
final class Run {
    final List<FileReport> reports = new ArrayList<>();
    final List<Path> paths = new ArrayList<>();
    boolean badInput;

    static Run of(Options options, Hardener hardener, boolean fix, PrintWriter err) {
        Run run = new Run();
        List<Path> named = options.paths();
        Targets.Found found = Targets.expand(named);
        for (String problem : found.problems()) {
            err.println(problem);
            run.badInput = true;
        }
        boolean progress = System.console() != null && found.files().size() > 50;
        int done = 0;
        long maxBytes = options.limits().maxBytes();
        for (Path file : found.files()) {
            String name = display(file);
            boolean explicit = named.contains(file);
            FileReport report;
            try {
                byte[] bytes = FileRead.read(file, maxBytes);
                report = hardener.process(file, name, bytes, fix);
            } catch (FileRead.Refused e) {
                report = FileReport.failed(name, null, "1:1: " + e.getMessage()
                        + (e.tooLarge() ? " (raise it with --max-file-size)" : ""));
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
                default -> {
                    if (report.problem() != null) {
                        err.println(name + ":" + report.problem());
                    }
                }
            }
            run.reports.add(report);
            run.paths.add(file);
            done++;
            if (progress && done % 25 == 0) {
                err.print("\rharden: " + done + "/" + found.files().size() + " files");
                err.flush();
            }
        }
        if (progress) {
            err.print("\r\u001b[K");
            err.flush();
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
