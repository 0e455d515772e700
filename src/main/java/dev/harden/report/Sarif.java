package dev.harden.report;

import dev.harden.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SARIF 2.1.0 for code scanning: one run, the profile's rules with help, open and exempted findings
 * as results with a fingerprint that survives edits elsewhere in the file, and each fixable
 * finding's fix as the replacements {@code harden fix} would write.
 */
public final class Sarif {
    private static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    /** The partialFingerprints key; its value changes only with the rule, the file, the subject and the message. */
    static final String FINGERPRINT = "harden/v1";
    static final String SRCROOT = "%SRCROOT%";

    private Sarif() {
    }

    /**
     * What a SARIF log is made of besides the reports.
     *
     * @param rules the profile's rules, in catalogue order
     * @param levels each rule's severity in the profile
     * @param version harden's version
     * @param fixes the replacements that fix a finding, for fixable findings
     * @param uris each report's file name as a URI relative to the source root, or absent to use the name
     */
    public record Input(List<RuleDoc> rules, Map<String, Severity> levels, String version,
                        Map<Finding, List<Replacement>> fixes, Map<String, String> uris) {
        public Input {
            rules = List.copyOf(rules);
            levels = Map.copyOf(levels);
            fixes = Map.copyOf(fixes);
            uris = Map.copyOf(uris);
        }
    }

    public static String write(List<FileReport> files, Input in) {
        List<Object> ruleList = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (RuleDoc r : in.rules()) {
            index.put(r.id(), ruleList.size());
            ruleList.add(rule(r, in.levels().getOrDefault(r.id(), Severity.WARNING)));
        }
        Map<String, String> texts = new HashMap<>();
        for (FileReport f : files) {
            if (f.original() != null) {
                String s = new String(f.original(), StandardCharsets.UTF_8);
                texts.put(f.file(), s.startsWith("\uFEFF") ? s.substring(1) : s);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        List<Object> results = new ArrayList<>();
        for (FileReport f : files) {
            for (Finding x : f.findings()) {
                if (x.status() == Finding.Status.FIXED) {
                    continue;
                }
                String uri = uri(in, x.file());
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
                physical.put("artifactLocation", location(uri));
                physical.put("region", region);
                m.put("locations", List.of(Map.of("physicalLocation", physical)));
                String key = x.ruleId() + '\0' + uri + '\0' + (x.subject() == null ? "" : x.subject()) + '\0'
                        + x.message().replaceAll("[0-9]+", "#");
                int occurrence = seen.merge(key, 1, Integer::sum) - 1;
                m.put("partialFingerprints", Map.of(FINGERPRINT, sha256(key) + ":" + occurrence));
                if (x.exempted()) {
                    Map<String, Object> suppression = new LinkedHashMap<>();
                    suppression.put("kind", "external");
                    suppression.put("justification", x.reason() == null ? "exempted" : x.reason());
                    m.put("suppressions", List.of(suppression));
                }
                List<Replacement> fix = in.fixes().get(x);
                if (x.isOpen() && fix != null && !fix.isEmpty()) {
                    m.put("fixes", List.of(fix(x, fix, in, texts)));
                }
                results.add(m);
            }
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "harden");
        driver.put("version", in.version());
        driver.put("informationUri", "https://github.com/harden-dev/harden");
        driver.put("rules", ruleList);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("columnKind", "utf16CodeUnits");
        run.put("results", results);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", SCHEMA);
        root.put("version", "2.1.0");
        root.put("runs", List.of(run));
        return Json.write(root);
    }

    private static Map<String, Object> rule(RuleDoc r, Severity level) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", camel(r.id()));
        m.put("shortDescription", Map.of("text", r.title()));
        m.put("fullDescription", Map.of("text", r.description()));
        StringBuilder text = new StringBuilder(r.remediation());
        StringBuilder markdown = new StringBuilder("**").append(r.title()).append("**\n\n")
                .append(r.description()).append("\n\n").append(r.remediation());
        text.append("\n\nMore: ").append(r.helpUri());
        if (!r.references().isEmpty()) {
            markdown.append("\n\nReferences:\n");
            for (String ref : r.references()) {
                markdown.append("\n- ").append(ref.startsWith("http") ? "<" + ref + ">" : ref);
                text.append("\n- ").append(ref);
            }
        }
        markdown.append("\n\n[Rule documentation](").append(r.helpUri()).append(')');
        Map<String, Object> help = new LinkedHashMap<>();
        help.put("text", text.toString());
        help.put("markdown", markdown.toString());
        m.put("help", help);
        m.put("helpUri", r.helpUri());
        m.put("defaultConfiguration", Map.of("level", level.label()));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("tags", List.of("security"));
        properties.put("precision", "very-high");
        // GitHub ranks security alerts by this CVSS-like score: high, medium, low
        properties.put("security-severity", switch (level) {
            case ERROR -> "8.0";
            case WARNING -> "5.0";
            case NOTE -> "2.0";
        });
        m.put("properties", properties);
        return m;
    }

    private static Map<String, Object> fix(Finding x, List<Replacement> replacements, Input in, Map<String, String> texts) {
        Map<String, List<Object>> byFile = new LinkedHashMap<>();
        for (Replacement r : replacements) {
            String text = texts.getOrDefault(r.file(), "");
            Map<String, Object> region = region(text, r.offset(), r.length());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("deletedRegion", region);
            m.put("insertedContent", Map.of("text", r.text()));
            byFile.computeIfAbsent(r.file(), k -> new ArrayList<>()).add(m);
        }
        List<Object> changes = new ArrayList<>();
        byFile.forEach((file, list) -> {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("artifactLocation", location(uri(in, file)));
            change.put("replacements", list);
            changes.add(change);
        });
        Map<String, Object> fix = new LinkedHashMap<>();
        fix.put("description", Map.of("text", "harden fix: " + x.ruleId() + (x.subject() == null ? "" : " [" + x.subject() + "]")));
        fix.put("artifactChanges", changes);
        return fix;
    }

    /** A region by line and column (what viewers read) and by character offset (what is exact). */
    static Map<String, Object> region(String text, int offset, int length) {
        Map<String, Object> m = new LinkedHashMap<>();
        int[] start = lineColumn(text, offset);
        int[] end = lineColumn(text, offset + length);
        m.put("startLine", start[0]);
        m.put("startColumn", start[1]);
        m.put("endLine", end[0]);
        m.put("endColumn", end[1]);
        m.put("charOffset", offset);
        m.put("charLength", length);
        return m;
    }

    private static int[] lineColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
            line++;
            lineStart = i + 1;
        }
        return new int[] {line, offset - lineStart + 1};
    }

    private static String uri(Input in, String file) {
        return in.uris().getOrDefault(file, file.replace('\\', '/'));
    }

    private static Map<String, Object> location(String uri) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", uri);
        if (!uri.startsWith("file:")) {
            m.put("uriBaseId", SRCROOT);
        }
        return m;
    }

    private static String sha256(String s) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                out.append(String.format("%02x", hash[i]));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String camel(String id) {
        StringBuilder out = new StringBuilder();
        for (String part : id.split("-")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }
}
