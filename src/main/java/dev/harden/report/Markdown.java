package dev.harden.report;

import java.util.List;

/** A run as Markdown for a CI job summary or a pull request comment: counts, open findings, the change. */
public final class Markdown {
    /** GitHub refuses a comment over 65,536 characters; the patch goes first when space runs out. */
    static final int MAX_PATCH = 50_000;
    /** Rows of the findings table; the rest are counted. */
    static final int MAX_ROWS = 200;

    private Markdown() {
    }

    /**
     * The summary of a check or a fix.
     *
     * @param command {@code check} or {@code fix}
     * @param patch the unified diff that {@code harden fix} would write (check) or wrote (fix); empty for none
     */
    public static String summary(String command, String profile, List<FileReport> files, String patch) {
        int checked = 0;
        int open = 0;
        int fixable = 0;
        int exempted = 0;
        int fixed = 0;
        int changed = 0;
        StringBuilder table = new StringBuilder();
        int rows = 0;
        for (FileReport f : files) {
            if (f.checked()) {
                checked++;
            }
            if (f.changed()) {
                changed++;
            }
            if (f.outcome() == FileReport.Outcome.FAILED && rows++ < MAX_ROWS) {
                table.append("| error | `").append(cell(f.file() + ":" + f.problem().line() + ":" + f.problem().column()))
                        .append("` | | | ").append(cell(f.problem().reason())).append(" |\n");
            }
            List<Finding> sorted = new java.util.ArrayList<>(f.findings());
            sorted.sort(java.util.Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
            for (Finding x : sorted) {
                switch (x.status()) {
                    case FIXED -> fixed++;
                    case EXEMPTED -> exempted++;
                    default -> {
                        open++;
                        if (x.fixable()) {
                            fixable++;
                        }
                        if (rows++ >= MAX_ROWS) {
                            continue;
                        }
                        table.append("| ").append(x.severity().label()).append(" | `").append(cell(x.file() + ":" + x.line() + ":" + x.column()))
                                .append("` | `").append(x.ruleId()).append("` | ").append(x.subject() == null ? "" : cell(x.subject()))
                                .append(" | ").append(cell(x.message())).append(x.fixable() ? " (fixable)" : "").append(" |\n");
                    }
                }
            }
        }
        StringBuilder md = new StringBuilder("## harden ").append(command).append(": ");
        if (command.equals("fix")) {
            md.append(fixed).append(fixed == 1 ? " change" : " changes").append(" in ").append(changed)
                    .append(changed == 1 ? " file, " : " files, ").append(open).append(" open\n\n");
        } else {
            md.append(open == 0 ? "clean" : open + " open " + (open == 1 ? "finding" : "findings")).append("\n\n");
        }
        md.append("Profile `").append(profile).append("`, ").append(checked).append(checked == 1 ? " file" : " files")
                .append(": **").append(open).append(" open** (").append(fixable).append(" fixable), ")
                .append(exempted).append(" exempted");
        if (command.equals("fix")) {
            md.append(", ").append(fixed).append(" fixed");
        }
        md.append(".\n");
        if (table.length() > 0) {
            md.append("\n| severity | where | rule | subject | finding |\n|---|---|---|---|---|\n").append(table);
            if (rows > MAX_ROWS) {
                md.append("\n... and ").append(rows - MAX_ROWS).append(" more: run `harden check` for the full list.\n");
            }
        }
        if (!patch.isEmpty()) {
            String verb = command.equals("fix") ? "What `harden fix` changed" : "What `harden fix` would change";
            md.append("\n<details><summary>").append(verb.replace("`harden fix`", "<code>harden fix</code>"))
                    .append("</summary>\n\n");
            if (patch.length() > MAX_PATCH) {
                md.append("The patch has ").append(patch.lines().count())
                        .append(" lines, too many for a comment: run `harden fix --diff` to see it.\n");
            } else {
                String fence = patch.contains("```") ? "~~~~" : "```";
                md.append(fence).append("diff\n").append(patch).append(patch.endsWith("\n") ? "" : "\n").append(fence).append('\n');
            }
            md.append("\n</details>\n");
        }
        return md.toString();
    }

    /** A table cell: no line breaks, pipes escaped, no HTML. */
    static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\r", " ").replace("\n", " ");
    }
}
