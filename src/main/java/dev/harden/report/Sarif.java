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
        List<SarifLog.Rule> rules = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (RuleDoc r : in.rules()) {
            index.put(r.id(), rules.size());
            rules.add(rule(r, in.levels().getOrDefault(r.id(), Severity.WARNING)));
        }
        Map<String, String> texts = new HashMap<>();
        for (FileReport f : files) {
            if (f.original() != null) {
                String s = new String(f.original(), StandardCharsets.UTF_8);
                texts.put(f.file(), s.startsWith("\uFEFF") ? s.substring(1) : s);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        List<SarifLog.Result> results = new ArrayList<>();
        for (FileReport f : files) {
            for (Finding x : f.findings()) {
                if (x.status() == Finding.Status.FIXED) {
                    continue;
                }
                String uri = uri(in, x.file());
                String key = x.ruleId() + '\0' + uri + '\0' + (x.subject() == null ? "" : x.subject()) + '\0'
                        + x.message().replaceAll("[0-9]+", "#");
                int occurrence = seen.merge(key, 1, Integer::sum) - 1;
                List<SarifLog.Suppression> suppressions = x.exempted()
                        ? List.of(new SarifLog.Suppression("external", x.reason() == null ? "exempted" : x.reason()))
                        : null;
                List<Replacement> fix = in.fixes().get(x);
                List<SarifLog.Fix> fixes = x.isOpen() && fix != null && !fix.isEmpty() ? List.of(fix(x, fix, in, texts)) : null;
                results.add(new SarifLog.Result(x.ruleId(), index.get(x.ruleId()), x.severity().label(),
                        new SarifLog.Message((x.subject() == null ? "" : x.subject() + ": ") + x.message()),
                        List.of(new SarifLog.Location(new SarifLog.PhysicalLocation(location(uri),
                                new SarifLog.Region(x.line(), x.column())))),
                        Map.of(FINGERPRINT, sha256(key) + ":" + occurrence), suppressions, fixes));
            }
        }
        SarifLog.Driver driver = new SarifLog.Driver("harden", in.version(), "https://github.com/harden-dev/harden", rules);
        SarifLog.Run run = new SarifLog.Run(new SarifLog.Tool(driver), "utf16CodeUnits", results);
        return Json.writeWithoutNulls(new SarifLog(SCHEMA, "2.1.0", List.of(run)));
    }

    private static SarifLog.Rule rule(RuleDoc r, Severity level) {
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
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("tags", List.of("security"));
        properties.put("precision", "very-high");
        // GitHub ranks security alerts by this CVSS-like score: high, medium, low
        properties.put("security-severity", switch (level) {
            case ERROR -> "8.0";
            case WARNING -> "5.0";
            case NOTE -> "2.0";
        });
        return new SarifLog.Rule(r.id(), camel(r.id()), new SarifLog.Message(r.title()), new SarifLog.Message(r.description()),
                new SarifLog.Help(text.toString(), markdown.toString()), r.helpUri(),
                new SarifLog.Configuration(level.label()), properties);
    }

    private static SarifLog.Fix fix(Finding x, List<Replacement> replacements, Input in, Map<String, String> texts) {
        Map<String, List<SarifLog.Replacement>> byFile = new LinkedHashMap<>();
        for (Replacement r : replacements) {
            String text = texts.getOrDefault(r.file(), "");
            byFile.computeIfAbsent(r.file(), k -> new ArrayList<>())
                    .add(new SarifLog.Replacement(region(text, r.offset(), r.length()), new SarifLog.Message(r.text())));
        }
        List<SarifLog.ArtifactChange> changes = new ArrayList<>();
        byFile.forEach((file, list) -> changes.add(new SarifLog.ArtifactChange(location(uri(in, file)), list)));
        return new SarifLog.Fix(new SarifLog.Message("harden fix: " + x.ruleId() + (x.subject() == null ? "" : " [" + x.subject() + "]")),
                changes);
    }

    /** A region by line and column (what viewers read) and by character offset (what is exact). */
    static SarifLog.Region region(String text, int offset, int length) {
        int[] start = lineColumn(text, offset);
        int[] end = lineColumn(text, offset + length);
        return new SarifLog.Region(start[0], start[1], end[0], end[1], offset, length);
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

    private static SarifLog.ArtifactLocation location(String uri) {
        return new SarifLog.ArtifactLocation(uri, uri.startsWith("file:") ? null : SRCROOT);
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
