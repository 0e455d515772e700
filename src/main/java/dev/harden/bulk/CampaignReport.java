package dev.harden.bulk;

import dev.harden.json.Json;
import dev.harden.report.Terminal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A campaign's state read from its journals, one row per repository, as text, Markdown, JSON or CSV;
 * with the forge's live state of each pull request and the merge rate when it was asked.
 */
public final class CampaignReport {
    private static final String CSV_HEADER = "repository,state,url,findings_before,findings_after,retryable,reason";

    private final String campaign;
    private final List<Journal.Entry> rows;
    /** The forge's answer per repository, or null when the forge was not asked (journal only). */
    private final Map<RepoId, LiveStatus.Live> live;

    private CampaignReport(String campaign, List<Journal.Entry> rows, Map<RepoId, LiveStatus.Live> live) {
        this.campaign = campaign;
        this.rows = rows;
        this.live = live;
    }

    /** The report over each repository's last record, sorted by repository. */
    public static CampaignReport of(String campaign, Map<RepoId, Journal.Entry> last) {
        return new CampaignReport(campaign, sorted(last), null);
    }

    /** The same, with what the forge says of each pull request now; a repository it did not answer for has none. */
    public static CampaignReport of(String campaign, Map<RepoId, Journal.Entry> last, Map<RepoId, LiveStatus.Live> live) {
        return new CampaignReport(campaign, sorted(last), Map.copyOf(live));
    }

    private static List<Journal.Entry> sorted(Map<RepoId, Journal.Entry> last) {
        return last.values().stream().sorted((a, b) -> a.repo().compareTo(b.repo())).toList();
    }

    /** Merged over opened, of the pull requests the forge answered for; null when it was not asked. */
    public LiveStatus.MergeRate mergeRate() {
        return live == null ? null : LiveStatus.MergeRate.of(live);
    }

    /** How many repositories are in each state, in the states' order. */
    public Map<State, Integer> counts() {
        Map<State, Integer> counts = new EnumMap<>(State.class);
        rows.forEach(e -> counts.merge(e.state(), 1, Integer::sum));
        return counts;
    }

    /** For a terminal: a summary line, then one line per repository; forge-written text escaped. */
    public String text() {
        StringBuilder out = new StringBuilder("campaign " + Terminal.escape(campaign) + ": " + rows.size()
                + (rows.size() == 1 ? " repository" : " repositories") + (rows.isEmpty() ? "" : ", " + summary(counts())) + "\n");
        if (live != null) {
            out.append("merge rate: ").append(mergeRate().sentence()).append('\n');
        }
        for (Journal.Entry e : rows) {
            out.append(String.format("  %-11s %s", e.state().label(), e.repo()))
                    .append(e.url() == null ? "" : " " + Terminal.escape(e.url()))
                    .append(live == null || !live.containsKey(e.repo()) ? "" : " [" + liveText(live.get(e.repo())) + "]")
                    .append(e.findings() == null ? "" : " findings " + e.findings().before() + " -> " + e.findings().after())
                    .append(e.reason() == null ? "" : " (" + (notRetryable(e) ? "not retryable: " : "")
                            + Terminal.escape(e.reason()) + ")")
                    .append('\n');
        }
        return out.toString();
    }

    /** The per-state counts as a sentence, then a table with a row per repository. */
    public String markdown() {
        StringBuilder out = new StringBuilder("# Campaign " + cell(campaign) + "\n\n" + rows.size()
                + (rows.size() == 1 ? " repository" : " repositories") + (rows.isEmpty() ? "" : ": " + summary(counts())) + "\n\n");
        if (live != null) {
            out.append("Merge rate: ").append(mergeRate().sentence()).append(".\n\n");
            out.append("| Repository | State | Pull request | Pull request state | Checks | Findings before | Findings after"
                    + " | Reason |\n");
            out.append("|---|---|---|---|---|---|---|---|\n");
        } else {
            out.append("| Repository | State | Pull request | Findings before | Findings after | Reason |\n");
            out.append("|---|---|---|---|---|---|\n");
        }
        for (Journal.Entry e : rows) {
            out.append("| ").append(cell(e.repo().key()))
                    .append(" | ").append(e.state().label())
                    .append(" | ").append(e.url() == null ? "" : cell(e.url()));
            if (live != null) {
                LiveStatus.Live l = live.get(e.repo());
                out.append(" | ").append(l == null ? "" : stateLabel(l)).append(" | ").append(l == null || l.checks() == null
                        ? "" : l.checks().label());
            }
            out
                    .append(" | ").append(e.findings() == null ? "unknown" : e.findings().before())
                    .append(" | ").append(e.findings() == null ? "unknown" : e.findings().after())
                    .append(" | ").append(e.reason() == null ? "" : (notRetryable(e) ? "not retryable: " : "") + cell(e.reason()))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** One object: the campaign, the per-state counts and a row per repository; an unknown count is null. */
    public String json() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts().forEach((s, n) -> counts.put(s.label(), n));
        List<Map<String, Object>> repositories = new ArrayList<>();
        for (Journal.Entry e : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("repository", e.repo().key());
            row.put("state", e.state().label());
            row.put("url", e.url());
            row.put("findingsBefore", e.findings() == null ? null : e.findings().before());
            row.put("findingsAfter", e.findings() == null ? null : e.findings().after());
            row.put("retryable", e.state() == State.FAILED ? e.retryable() : null);
            row.put("reason", e.reason());
            if (live != null) {
                LiveStatus.Live l = live.get(e.repo());
                row.put("pullRequestState", l == null ? null : stateLabel(l));
                row.put("checks", l == null || l.checks() == null ? null : l.checks().label());
            }
            repositories.add(row);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("campaign", campaign);
        root.put("counts", counts);
        if (live != null) {
            LiveStatus.MergeRate rate = mergeRate();
            Map<String, Object> merge = new LinkedHashMap<>();
            merge.put("opened", rate.opened());
            merge.put("merged", rate.merged());
            merge.put("rate", rate.rate());
            root.put("mergeRate", merge);
        }
        root.put("repositories", repositories);
        return Json.write(root);
    }

    /** A header and a row per repository, per RFC 4180: CRLF line ends, fields quoted where they need it. */
    public String csv() {
        StringBuilder out = new StringBuilder(CSV_HEADER).append(live == null ? "" : ",pr_state,checks").append("\r\n");
        for (Journal.Entry e : rows) {
            out.append(String.join(",", csvField(e.repo().key()), e.state().label(), csvField(e.url()),
                    e.findings() == null ? "" : String.valueOf(e.findings().before()),
                    e.findings() == null ? "" : String.valueOf(e.findings().after()),
                    e.state() == State.FAILED ? String.valueOf(e.retryable()) : "", csvField(e.reason())));
            if (live != null) {
                LiveStatus.Live l = live.get(e.repo());
                out.append(',').append(l == null ? "" : stateLabel(l)).append(',')
                        .append(l == null || l.checks() == null ? "" : l.checks().label());
            }
            out.append("\r\n");
        }
        if (live != null) {
            // the merge rate is the campaign's, not a repository's: one last row, named so no repository can be
            LiveStatus.MergeRate rate = mergeRate();
            out.append("merge rate,").append(rate.merged()).append('/').append(rate.opened()).append(",,,,,")
                    .append(csvField(rate.sentence())).append(",,\r\n");
        }
        return out.toString();
    }

    /** {@code 2 done, 1 opted-out}. */
    public static String summary(Map<State, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((state, n) -> parts.add(n + " " + state.label()));
        return parts.isEmpty() ? "nothing to do" : String.join(", ", parts);
    }

    private static String stateLabel(LiveStatus.Live l) {
        return l.state().name().toLowerCase(Locale.ROOT);
    }

    /** {@code open, checks pending}, {@code merged}. */
    private static String liveText(LiveStatus.Live l) {
        return stateLabel(l) + (l.checks() == null ? "" : ", checks " + l.checks().label());
    }

    private static boolean notRetryable(Journal.Entry e) {
        return e.state() == State.FAILED && !e.retryable();
    }

    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /** A table cell: a pipe would end the cell and a line break the row; markup is shown as typed. */
    static String cell(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '|', '\\', '`', '*', '_', '[', ']', '<', '>' -> out.append('\\').append(c);
                case '\n', '\r', '\t' -> out.append(' ');
                default -> out.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return out.toString();
    }
}
