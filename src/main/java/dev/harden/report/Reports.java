package dev.harden.report;

import dev.harden.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Findings rendered as text for people and JSON for scripts (SARIF is {@link Sarif}). */
public final class Reports {
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

    /** JSON: per file its kind (or skipped, failed) and problem, per finding the fields scripts need. */
    public static String json(List<FileReport> files, String profile, String version) {
        List<Object> fileList = new ArrayList<>();
        List<Object> findings = new ArrayList<>();
        for (FileReport f : files) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("file", f.file());
            fm.put("kind", (f.checked() ? f.kind().name() : f.outcome().name()).toLowerCase(java.util.Locale.ROOT));
            fm.put("changed", f.changed());
            fm.put("problem", f.problem() == null ? null : f.problem().text());
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
}
