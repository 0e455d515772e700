package dev.harden.cli;

import dev.harden.engine.AtomicWrite;
import dev.harden.engine.Hardened;
import dev.harden.engine.FileHardener;
import dev.harden.engine.Stepwise;
import dev.harden.report.FileReport;
import dev.harden.report.Problem;
import dev.harden.report.UnifiedDiff;
import dev.harden.rule.RuleCatalog;
import dev.harden.rule.RuleInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code harden fix --interactive}: shows each change of a file, one rule applied to one subject,
 * as a small diff and asks what to do with it; writes the file once all its changes are decided.
 */
final class InteractiveFix {
    /** Whether to go on with the next file. */
    enum Next { GO_ON, QUIT }

    static final String LEGEND = """
            y - apply this change
            n - skip this change
            a - apply this change and all later ones in this file
            d - skip this change and all later ones in this file
            q - quit; files already finished stay written, nothing more is written
            s - split this change into its hunks and ask about each
            ? - explain the rule and these letters
            """;

    private static final String RESET = "\u001b[0m";

    private final FileHardener hardener;
    private final BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean colour;
    private int written;

    InteractiveFix(FileHardener hardener, BufferedReader in, PrintWriter out, PrintWriter err, boolean colour) {
        this.hardener = hardener;
        this.in = in;
        this.out = out;
        this.err = err;
        this.colour = colour;
    }

    /** Files written (or created) so far. */
    int written() {
        return written;
    }

    /**
     * Asks about every change of one file and writes what was accepted.
     *
     * @return the report of what was written (or the fix's report when nothing was), and whether to go on
     */
    Result file(Hardened hardened) throws IOException {
        FileReport report = hardened.report();
        Stepwise steps = new Stepwise(hardener, hardened.path(), report);
        String file = report.file();
        boolean all = false;
        boolean none = false;
        for (Optional<Stepwise.Step> next = steps.next(); next.isPresent(); next = steps.next()) {
            Stepwise.Step step = next.get();
            String what = step.key().ruleId() + " for " + step.key().subject();
            if (step.problem() != null || step.empty()) {
                out.println(file + ": " + what + ": " + (step.problem() != null ? "cannot be made after the answers so far ("
                        + step.problem().text() + ")" : "nothing left to change after the changes skipped") + "; skipped");
                steps.skip();
                continue;
            }
            if (none) {
                steps.skip();
                continue;
            }
            if (!all) {
                String counter = "(" + (steps.decided() + 1) + "/" + steps.total() + ") ";
                List<UnifiedDiff.Hunk> hunks = UnifiedDiff.hunks(text(step.before()), text(step.after()));
                out.print(bold("--- " + file) + "\n" + counter + what + ": " + step.message() + "\n");
                hunks.forEach(h -> out.print(coloured(UnifiedDiff.render(h))));
                // s is offered only when there is something to split, and explained when typed anyway
                String answer = ask(counter + "Apply this change", "ynadqs?", hunks.size() > 1 ? "" : "s", step.key().ruleId());
                switch (answer) {
                    case "q" -> {
                        return new Result(report, Next.QUIT);
                    }
                    case "n" -> {
                        steps.skip();
                        continue;
                    }
                    case "d" -> {
                        none = true;
                        steps.skip();
                        continue;
                    }
                    case "a" -> all = true;
                    case "s" -> {
                        if (hunks.size() < 2) {
                            out.println("This change is one hunk; it cannot be split.");
                            continue;
                        }
                        Optional<Result> stop = split(steps, step, hunks, report);
                        if (stop.isPresent()) {
                            return stop.get();
                        }
                        continue;
                    }
                    default -> { }
                }
            }
            Optional<Problem> problem = steps.accept();
            if (problem.isPresent()) {
                return refuse(report, file + ": " + what + " would leave an invalid manifest (" + problem.get().text() + ")");
            }
        }
        return finish(hardened, steps, all, none);
    }

    /** Asks about each hunk of a change; empty to go on with the file, else how this file ends. */
    private Optional<Result> split(Stepwise steps, Stepwise.Step step, List<UnifiedDiff.Hunk> hunks, FileReport report) {
        List<Boolean> chosen = new ArrayList<>();
        for (int i = 0; i < hunks.size(); i++) {
            out.print(coloured(UnifiedDiff.render(hunks.get(i))));
            String answer = ask("(part " + (i + 1) + "/" + hunks.size() + ") Apply this part", "ynq?", "", step.key().ruleId());
            if (answer.equals("q")) {
                return Optional.of(new Result(report, Next.QUIT));
            }
            chosen.add(answer.equals("y"));
        }
        String what = step.key().ruleId() + " for " + step.key().subject();
        Optional<Problem> problem;
        if (!chosen.contains(true)) {
            steps.skip();
            return Optional.empty();
        } else if (!chosen.contains(false)) {
            problem = steps.accept();
        } else {
            String partial = UnifiedDiff.applySome(text(step.before()), hunks, chosen);
            problem = steps.acceptPart(reencode(step.before(), partial));
        }
        return problem.map(p -> refuse(report, report.file() + ": the parts of " + what
                + " you chose would leave an invalid manifest (" + p.text() + ")"));
    }

    private Result finish(Hardened hardened, Stepwise steps, boolean all, boolean none) throws IOException {
        FileReport report = hardened.report();
        Path path = hardened.path();
        List<Hardened.Created> create = new ArrayList<>();
        for (Hardened.Created g : hardened.created()) {
            if (Files.exists(g.path()) || none) {
                continue;
            }
            String shown = g.name();
            if (!all) {
                out.print(bold("--- " + report.file()) + "\n" + g.ruleId() + ": a new file next to it\n");
                out.print(coloured(UnifiedDiff.created(shown, text(g.content()))));
                String answer = ask("Create " + shown, "ynq?", "", g.ruleId());
                if (answer.equals("q")) {
                    return new Result(report, Next.QUIT);
                }
                if (!answer.equals("y")) {
                    continue;
                }
            }
            create.add(g);
        }
        try {
            if (steps.changed()) {
                if (AtomicWrite.writeIfUnchanged(path, report.original(), steps.result()) == null) {
                    return refuse(report, report.file() + ": changed since harden read it");
                }
                written++;
            } else if (!create.isEmpty() && !AtomicWrite.unchanged(path, report.original())) {
                return refuse(report, report.file() + ": changed since harden read it");
            }
            for (Hardened.Created g : create) {
                AtomicWrite.create(g.path(), g.content(), path);
                written++;
            }
        } catch (IOException e) {
            return refuse(report, report.file() + ": not written: " + FixCommand.reason(e));
        }
        return new Result(steps.report(), Next.GO_ON);
    }

    private Result refuse(FileReport report, String why) {
        err.println(why + "; nothing written to this file");
        err.flush();
        return new Result(report, Next.GO_ON);
    }

    /** What a file's questions came to. */
    record Result(FileReport report, Next next) { }

    /**
     * Asks until the answer is one of {@code letters}, showing all but {@code hidden} ({@code yes}, {@code no} and {@code quit} in
     * words too); {@code ?} explains the rule and asks again. At the end of the input every change
     * not yet answered is skipped ({@code d}, or {@code n} for a part or a new file).
     */
    private String ask(String question, String letters, String hidden, String ruleId) {
        String visible = hidden.isEmpty() ? letters : letters.replace(hidden, "");
        String shown = String.join(",", visible.split(""));
        while (true) {
            out.print(colour ? "\u001b[1;34m" + question + " [" + shown + "]? " + RESET : question + " [" + shown + "]? ");
            out.flush();
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                line = null;
            }
            if (line == null) {
                // a script's answers ran out: what it accepted is written, nothing more
                out.println();
                return letters.contains("d") ? "d" : "n";
            }
            String a = switch (line.trim().toLowerCase(Locale.ROOT)) {
                case "yes" -> "y";
                case "no" -> "n";
                case "quit" -> "q";
                case "help" -> "?";
                default -> line.trim().toLowerCase(Locale.ROOT);
            };
            if (a.equals("?")) {
                explain(ruleId, visible);
            } else if (a.length() == 1 && letters.contains(a)) {
                return a;
            } else {
                out.println("Please answer one of " + shown + " (yes and no work too); ? explains them.");
            }
        }
    }

    private void explain(String ruleId, String letters) {
        Optional<RuleInfo> rule = RuleCatalog.builtIn().get(ruleId);
        rule.ifPresent(r -> out.print(bold(r.id() + ": " + r.title()) + "\n" + r.description().strip() + "\n"
                + "How to comply: " + r.remediation().strip() + "\n"));
        for (String line : LEGEND.split("\n")) {
            if (letters.contains(line.substring(0, 1))) {
                out.println(line);
            }
        }
    }

    private String bold(String s) {
        return colour ? "\u001b[1m" + s + RESET : s;
    }

    /** A diff with additions green, removals red and hunk headers cyan. */
    private String coloured(String diff) {
        if (!colour) {
            return diff;
        }
        StringBuilder sb = new StringBuilder();
        for (String line : UnifiedDiff.lines(diff)) {
            String body = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
            String code = body.startsWith("+++") || body.startsWith("---") ? "\u001b[1m" : body.startsWith("+") ? "\u001b[32m"
                    : body.startsWith("-") ? "\u001b[31m" : body.startsWith("@@") ? "\u001b[36m" : null;
            sb.append(code == null ? body : code + body + RESET).append(line.endsWith("\n") ? "\n" : "");
        }
        return sb.toString();
    }

    private static String text(byte[] bytes) {
        return UnifiedDiff.text(bytes);
    }

    /** Text back to bytes, with the byte order mark {@code like} starts with. */
    private static byte[] reencode(byte[] like, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        boolean bom = like.length >= 3 && (like[0] & 0xFF) == 0xEF && (like[1] & 0xFF) == 0xBB && (like[2] & 0xFF) == 0xBF;
        if (!bom) {
            return body;
        }
        byte[] all = new byte[body.length + 3];
        System.arraycopy(like, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        return all;
    }
}
