package dev.harden.pr;

import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.rule.RuleCatalog;
import dev.harden.rule.RuleInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The title, Markdown body and commit message that describe a change. */
final class PrText {
    /** GitHub refuses longer bodies; GitLab and Gitea accept more, so one limit serves all three. */
    static final int BODY_LIMIT = 65_536;
    static final String TRAILER_CHANGE = "Harden-Change";
    static final String TRAILER_PROFILE = "Harden-Profile";
    private static final int RESERVE = 600;
    /** The most a verification section may take, so the table of changes always has room. */
    static final int VERIFICATION_LIMIT = BODY_LIMIT / 4;

    private PrText() {
    }

    static String title(Change change) {
        return "Harden containers with the " + change.profile() + " profile";
    }

    static String commitMessage(Change change) {
        StringBuilder m = new StringBuilder(title(change)).append("\n\n");
        Map<String, Integer> counts = new LinkedHashMap<>();
        fixed(change).forEach(f -> counts.merge(f.ruleId(), 1, Integer::sum));
        m.append("Rules applied:\n");
        counts.forEach((rule, n) -> m.append("- ").append(rule).append(" (").append(n).append(n == 1 ? " change" : " changes")
                .append(")\n"));
        m.append('\n').append(TRAILER_PROFILE).append(": ").append(change.profile()).append('\n');
        m.append(TRAILER_CHANGE).append(": ").append(change.hash()).append('\n');
        return m.toString();
    }

    static String body(Change change) {
        return body(change, null);
    }

    /**
     * The body; {@code verification} is a Markdown section saying what {@code harden verify} found,
     * or null when the change was not verified.
     */
    static String body(Change change, String verification) {
        String verified = verification == null ? "" : "\n" + cap(verification);
        List<Finding> fixed = fixed(change);
        List<Finding> open = change.reports().stream().flatMap(r -> r.findings().stream()).filter(Finding::isOpen).toList();
        StringBuilder head = new StringBuilder();
        head.append("harden applied **").append(fixed.size()).append(fixed.size() == 1 ? " change" : " changes")
                .append("** to **").append(change.files().size()).append(change.files().size() == 1 ? " file" : " files")
                .append("** with the `").append(cell(change.profile())).append("` profile.\n\n");
        String changedHeader = "| File | Service / workload | Rule | What changed |\n| --- | --- | --- | --- |\n";
        String openHeader = "\n### Needs a person\n\nharden cannot fix these; they stay open after this pull request is merged.\n\n"
                + "| File | Service / workload | Rule | Finding |\n| --- | --- | --- | --- |\n";
        String tail = tail(change, fixed);
        List<String> changedRows = fixed.stream().map(PrText::row).toList();
        List<String> openRows = open.stream().map(PrText::row).toList();
        List<String> unreadable = change.unreadable();

        int budget = BODY_LIMIT - RESERVE - head.length() - changedHeader.length() - tail.length() - verified.length()
                - (openRows.isEmpty() ? 0 : openHeader.length());
        StringBuilder body = new StringBuilder(head).append(changedHeader);
        budget = appendRows(body, changedRows, budget, "changes: the commit holds them all");
        if (!openRows.isEmpty()) {
            body.append(openHeader);
            budget = appendRows(body, openRows, budget, "findings: run `harden check` for all of them");
        }
        if (!unreadable.isEmpty() && budget > 200) {
            body.append("\n### Files harden could not read\n\n");
            for (String u : unreadable) {
                String line = "- `" + u.replace("`", "'") + "`\n";
                if (line.length() > budget) {
                    break;
                }
                body.append(line);
                budget -= line.length();
            }
        }
        body.append(verified).append(tail);
        return body.toString();
    }

    /** A verification section cut at a line end when it would crowd out the changes. */
    private static String cap(String section) {
        String s = section.endsWith("\n") ? section : section + "\n";
        if (s.length() <= VERIFICATION_LIMIT) {
            return s;
        }
        String more = "\n... and more: run `harden verify` for every service\n";
        int cut = s.lastIndexOf('\n', VERIFICATION_LIMIT - more.length());
        return s.substring(0, Math.max(0, cut + 1)) + more;
    }

    private static int appendRows(StringBuilder body, List<String> rows, int budget, String what) {
        for (int i = 0; i < rows.size(); i++) {
            String row = rows.get(i);
            if (row.length() > budget) {
                body.append("| ... | | | ").append(rows.size() - i).append(" more ").append(what).append(" |\n");
                return 0;
            }
            body.append(row);
            budget -= row.length();
        }
        return budget;
    }

    private static String tail(Change change, List<Finding> fixed) {
        StringBuilder t = new StringBuilder("\n### Keeping a service as it is\n\n");
        Finding example = fixed.isEmpty() ? null : fixed.get(0);
        boolean kubernetes = example != null && change.reports().stream()
                .anyMatch(r -> r.file().equals(example.file()) && r.kind() == FileReport.Kind.KUBERNETES);
        String rule = example == null ? "read-only-root-filesystem" : example.ruleId();
        String subject = example == null || example.subject() == null ? "web" : example.subject();
        t.append("When a change does not suit a ").append(kubernetes ? "workload" : "service")
                .append(", exempt it in `.harden.yaml` at the repository root, with the reason; ")
                .append("the next run of harden updates this pull request without it:\n\n");
        t.append("```yaml\nexemptions:\n  - rules: [").append(rule).append("]\n    ")
                .append(kubernetes ? "workload" : "service").append(": ").append(subject)
                .append("\n    reason: why this one needs the old setting\n```\n\n");
        if (!kubernetes) {
            t.append("In a Compose file, a comment on a line of the service does the same: `# harden:ignore ")
                    .append(rule).append(" -- reason`.\n\n");
        }
        t.append("Closing this pull request without merging declines this change: harden opens another only when ")
                .append("the change differs.\n\n");
        t.append(new Marker(change.profile(), change.hash()).render()).append('\n');
        return t.toString();
    }

    private static List<Finding> fixed(Change change) {
        List<Finding> out = new ArrayList<>();
        for (FileReport r : change.reports()) {
            if (r.changed()) {
                r.findings().stream().filter(f -> f.status() == Finding.Status.FIXED).forEach(out::add);
            }
        }
        return out;
    }

    private static String row(Finding f) {
        String title = RuleCatalog.builtIn().get(f.ruleId()).map(RuleInfo::title).orElse(f.ruleId());
        return "| `" + f.file().replace("`", "'") + ":" + f.line() + "` | " + (f.subject() == null ? "" : cell(f.subject()))
                + " | [" + cell(title) + "](" + RuleInfo.DOCS + f.ruleId() + ") | " + cell(f.message()) + " |\n";
    }

    /** Text that cannot break a table row or open an HTML tag. */
    private static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", " ").replace("\n", " ");
    }
}
