package dev.harden.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Findings rendered as text for people, JSON for scripts and SARIF for code-scanning tools. */
public final class Reports {
    private static final String SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private Reports() {
    }

    /** One line per finding: {@code file:line:col: severity rule-id [subject] message}. */
    public static String text(List<FileReport> files, boolean colour, boolean showFixed) {
        StringBuilder out = new StringBuilder();
        for (FileReport f : files) {
            List<Finding> sorted = new ArrayList<>(f.findings());
            sorted.sort(java.util.Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
            for (Finding x : sorted) {
                if (x.status() == Finding.Status.FIXED && !showFixed) {
                    continue;
                }
                String label = switch (x.status()) {
                    case FIXED -> paint(colour, "32", "fixed");
                    case EXEMPTED -> paint(colour, "2", "exempted");
                    default -> paint(colour, x.severity() == Severity.ERROR ? "31" : x.severity() == Severity.WARNING ? "33" : "36",
                            x.severity().label());
                };
                // File names, service names, messages and reasons come from the manifests: shown, never obeyed.
                out.append(Terminal.escape(x.file())).append(':').append(x.line()).append(':').append(x.column()).append(": ")
                        .append(label).append(' ').append(paint(colour, "1", Terminal.escape(x.ruleId())))
                        .append(x.subject() == null ? "" : " [" + Terminal.escape(x.subject()) + "]")
                        .append(' ').append(Terminal.escape(x.message()));
                if (x.status() == Finding.Status.EXEMPTED && x.reason() != null) {
                    out.append(" (exempted: ").append(Terminal.escape(x.reason())).append(')');
                } else if (x.isOpen() && x.fixable()) {
                    out.append(" (fixable)");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String paint(boolean colour, String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }

    /** JSON: per file its kind and problem, per finding the fields scripts need. */
    public static String json(List<FileReport> files, String profile, String version) {
        List<Object> fileList = new ArrayList<>();
        List<Object> findings = new ArrayList<>();
        for (FileReport f : files) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("file", f.file());
            fm.put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
            fm.put("changed", f.changed());
            fm.put("problem", f.problem());
            fileList.add(fm);
            for (Finding x : f.findings()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", x.file());
                m.put("line", x.line());
                m.put("column", x.column());
                m.put("ruleId", x.ruleId());
                m.put("severity", x.severity().label());
                m.put("message", x.message());
                m.put("subject", x.subject());
                m.put("fixable", x.fixable());
                m.put("status", x.status().name().toLowerCase(java.util.Locale.ROOT));
                m.put("exempted", x.exempted());
                m.put("reason", x.reason());
                findings.add(m);
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "harden");
        root.put("version", version);
        root.put("profile", profile);
        root.put("files", fileList);
        root.put("findings", findings);
        return Json.write(root);
    }

    /** SARIF 2.1.0 with one run; exempted findings carry an external suppression with the reason. */
    public static String sarif(List<FileReport> files, List<RuleDoc> rules, Map<String, Severity> levels, String version) {
        List<Object> ruleList = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (RuleDoc r : rules) {
            index.put(r.id(), ruleList.size());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("name", camel(r.id()));
            m.put("shortDescription", Map.of("text", r.title()));
            m.put("fullDescription", Map.of("text", r.description()));
            Map<String, Object> help = new LinkedHashMap<>();
            help.put("text", r.remediation());
            help.put("markdown", r.remediation());
            m.put("help", help);
            m.put("helpUri", r.helpUri());
            m.put("defaultConfiguration", Map.of("level", levels.getOrDefault(r.id(), Severity.WARNING).label()));
            ruleList.add(m);
        }
        List<Object> results = new ArrayList<>();
        for (FileReport f : files) {
            for (Finding x : f.findings()) {
                if (x.status() == Finding.Status.FIXED) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ruleId", x.ruleId());
                if (index.containsKey(x.ruleId())) {
                    m.put("ruleIndex", index.get(x.ruleId()));
                }
                m.put("level", x.severity().label());
                m.put("message", Map.of("text", (x.subject() == null ? "" : x.subject() + ": ") + x.message()));
                Map<String, Object> region = new LinkedHashMap<>();
                region.put("startLine", x.line());
                region.put("startColumn", x.column());
                Map<String, Object> physical = new LinkedHashMap<>();
                physical.put("artifactLocation", Map.of("uri", x.file().replace('\\', '/')));
                physical.put("region", region);
                m.put("locations", List.of(Map.of("physicalLocation", physical)));
                if (x.exempted()) {
                    Map<String, Object> suppression = new LinkedHashMap<>();
                    suppression.put("kind", "external");
                    suppression.put("justification", x.reason() == null ? "exempted" : x.reason());
                    m.put("suppressions", List.of(suppression));
                }
                results.add(m);
            }
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "harden");
        driver.put("version", version);
        driver.put("informationUri", "https://github.com/harden-dev/harden");
        driver.put("rules", ruleList);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", SARIF_SCHEMA);
        root.put("version", "2.1.0");
        root.put("runs", List.of(run));
        return Json.write(root);
    }

    private static String camel(String id) {
        StringBuilder out = new StringBuilder();
        for (String part : id.split("-")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }
}
