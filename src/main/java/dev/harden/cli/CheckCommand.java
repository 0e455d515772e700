package dev.harden.cli;

import dev.harden.engine.Hardened;
import dev.harden.engine.FileHardener;
import dev.harden.engine.Pipeline;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.Markdown;
import dev.harden.report.Replacement;
import dev.harden.report.Sarif;
import dev.harden.report.Reports;
import dev.harden.report.RuleDoc;
import dev.harden.report.Severity;
import dev.harden.rule.RuleCatalog;
import dev.harden.rule.RuleInfo;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code harden check}: reports findings without changing anything. */
final class CheckCommand implements Callable<Integer> {
    /** What {@code --format} may be. */
    enum Format { TEXT, JSON, SARIF, MARKDOWN }

    static final Option<Format> FORMAT = Option.format(Format.class, "text, json, sarif or markdown (default: ${DEFAULT-VALUE}).");
    static final Option<Severity> FAIL_ON = Option.lenientChoice(Severity.class, "SEVERITY", "note",
            "The lowest severity that makes the exit code 1: error, warning or note (default: ${DEFAULT-VALUE}).", "--fail-on");

    final CommandModel model = Options.declare(CommandModel.of(this, "check",
                    "Report what a profile would change, without changing anything.",
                    "Each finding is one line: file:line:col: severity rule-id [service] message.",
                    "Exit 0 when nothing is open, 1 when findings remain, 2 when a file cannot be read or parsed"
                            + " or no Compose file or Kubernetes manifest is found."))
            .with(FORMAT, FAIL_ON);

    @Override
    public Integer call() {
        PrintWriter out = model.out();
        PrintWriter err = model.err();
        Options options = Options.read(model);
        Format format = model.get(FORMAT);
        Severity threshold = model.get(FAIL_ON);
        FileHardener hardener = options.hardener();
        Run run = Run.of(options, hardener, false, err);
        switch (format) {
            case JSON -> out.print(Reports.json(run.reports(), hardener.profile().name(), HardenCommand.version()));
            case SARIF -> out.print(sarif(run, hardener));
            case MARKDOWN -> out.print(Markdown.summary("check", hardener.profile().name(), run.reports(), patch(run, hardener)));
            case TEXT -> {
                out.print(Reports.text(run.reports(), options.colour(false), false));
                if (!run.nothingFound) {
                    summary(run, hardener, err);
                }
            }
        }
        out.flush();
        if (run.badInput || run.nothingFound) {
            return HardenCommand.BAD_INPUT;
        }
        boolean failing = run.reports().stream().flatMap(r -> r.findings().stream())
                .anyMatch(f -> f.isOpen() && f.severity().ordinal() <= threshold.ordinal());
        return failing ? HardenCommand.FINDINGS : HardenCommand.CLEAN;
    }

    /** SARIF with each fixable finding's fix and the files named relative to the repository's root. */
    static String sarif(Run run, FileHardener hardener) {
        Map<String, Severity> levels = new LinkedHashMap<>();
        hardener.profile().rules().forEach((id, s) -> levels.put(id, s.severity()));
        List<RuleDoc> docs = RuleCatalog.builtIn().all().stream().filter(r -> levels.containsKey(r.id()))
                .map(RuleInfo::doc).toList();
        Path root = sourceRoot();
        Map<Finding, List<Replacement>> fixes = new LinkedHashMap<>();
        Map<String, String> uris = new LinkedHashMap<>();
        for (Hardened file : run.files) {
            FileReport report = file.report();
            Path path = file.path();
            uris.put(report.file(), uri(root, path));
            Map<Finding, List<Replacement>> own = hardener.fixes(path, report);
            fixes.putAll(own);
            for (List<Replacement> list : own.values()) {
                for (Replacement r : list) {
                    if (!r.file().equals(report.file())) {
                        uris.put(r.file(), uri(root, path.resolveSibling(Path.of(r.file()).getFileName().toString())));
                    }
                }
            }
        }
        return Sarif.write(run.reports(), new Sarif.Input(docs, levels, HardenCommand.version(), fixes, uris));
    }

    /** The patch {@code harden fix} would write for the files with fixable findings. */
    static String patch(Run run, FileHardener hardener) {
        StringBuilder patch = new StringBuilder();
        Pipeline fixing = new Pipeline(hardener, true);
        for (Hardened file : run.files) {
            FileReport report = file.report();
            if (report.findings().stream().anyMatch(f -> f.isOpen() && f.fixable())) {
                patch.append(FixCommand.patch(fixing.harden(file.path(), report.file(), report.original())));
            }
        }
        return patch.toString();
    }

    /** Where code scanning's {@code %SRCROOT%} is: the git work tree around the working folder, else the folder. */
    static Path sourceRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return cwd;
    }

    /** A file as a URI relative to {@code root}, or an absolute file URI when it lies outside. */
    static String uri(Path root, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (abs.startsWith(root)) {
            String relative = root.relativize(abs).toString().replace('\\', '/');
            try {
                return new URI(null, null, relative, null).toASCIIString();
            } catch (URISyntaxException e) {
                // a first segment with a colon would read as a scheme: fall through to the absolute URI
            }
        }
        return abs.toUri().toASCIIString();
    }

    private static void summary(Run run, FileHardener hardener, PrintWriter err) {
        long files = run.reports().stream().filter(FileReport::checked).count();
        long open = run.open();
        long fixable = run.reports().stream().flatMap(r -> r.findings().stream()).filter(f -> f.isOpen() && f.fixable()).count();
        long exempted = run.reports().stream().flatMap(r -> r.findings().stream()).filter(Finding::exempted).count();
        err.println(files + (files == 1 ? " file" : " files") + " checked with profile " + hardener.profile().name()
                + ": " + open + " open (" + fixable + " fixable with 'harden fix'), " + exempted + " exempted");
    }
}
