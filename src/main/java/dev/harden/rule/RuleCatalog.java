package dev.harden.rule;

import dev.harden.report.Severity;
import dev.harden.yaml.DataValue;
import dev.harden.yaml.ShippedData;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every rule harden knows, read from {@code rules.yaml}, in the order rules run. */
public final class RuleCatalog {
    private static final String RESOURCE = "/dev/harden/rules.yaml";
    private static final Set<String> TOP_KEYS = Set.of("apiVersion", "kind", "rules");
    private static final Set<String> RULE_KEYS = Set.of("id", "title", "severity", "targets", "description",
            "remediation", "references", "params", "imageFacts");
    private static RuleCatalog builtIn;

    private final Map<String, RuleInfo> rules;

    private RuleCatalog(Map<String, RuleInfo> rules) {
        this.rules = rules;
    }

    public static synchronized RuleCatalog builtIn() {
        if (builtIn == null) {
            try {
                builtIn = DataValue.readPlainOr(ShippedData.read(RuleCatalog.class, RESOURCE), RuleCatalog::shippedYaml,
                        RuleCatalog::read);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (YamlException e) {
                throw new IllegalStateException("rules.yaml:" + e.getMessage(), e);
            }
        }
        return builtIn;
    }

    /** Reads a catalogue; an error names the line and column in {@code bytes}: {@code line:col: reason}. */
    static RuleCatalog parse(byte[] bytes) throws YamlException {
        return read(DataValue.parse(bytes));
    }

    private static RuleCatalog read(DataValue root) throws YamlException {
        root.keys(TOP_KEYS);
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        for (DataValue item : root.require("rules").items()) {
            item.keys(RULE_KEYS);
            DataValue id = item.require("id");
            DataValue severity = item.require("severity");
            Optional<DataValue> params = item.get("params");
            Optional<DataValue> references = item.get("references");
            RuleInfo info;
            try {
                info = new RuleInfo(id.text(), item.require("title").text(), severity(severity),
                        new LinkedHashSet<>(item.require("targets").texts()), item.require("description").text(),
                        item.require("remediation").text(), references.isPresent() ? references.get().texts() : List.of(),
                        params.isPresent() ? defaults(params.get()) : Map.of(), item.textOf("imageFacts").orElse(null));
            } catch (IllegalArgumentException e) {
                throw id.error(e.getMessage());
            }
            if (rules.put(info.id(), info) != null) {
                throw id.error("rule " + info.id() + " is listed twice in rules.yaml");
            }
        }
        return new RuleCatalog(rules);
    }

    private static Severity severity(DataValue v) throws YamlException {
        try {
            return Severity.parse(v.text());
        } catch (IllegalArgumentException e) {
            throw v.error(v.path() + " must be error, warning or note, not " + v.describe());
        }
    }

    private static Map<String, Object> defaults(DataValue params) throws YamlException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (DataValue.Entry e : params.entries()) {
            out.put(e.key().text(), e.value().plain());
        }
        return out;
    }

    private static byte[] shippedYaml() throws IOException {
        try (InputStream in = RuleCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    /**
     * {@code line:col: warning: unknown rule ...} for each misspelt rule id in a manifest's
     * {@code # harden:ignore} comments and ignore annotations, which would otherwise exempt nothing.
     */
    public List<String> unknownIgnores(String text) {
        return InlineIgnore.unknownRules(text, parameters().keySet());
    }

    public List<RuleInfo> all() {
        return new ArrayList<>(rules.values());
    }

    public Optional<RuleInfo> get(String id) {
        return Optional.ofNullable(rules.get(id));
    }

    /** Rule ids with their parameter defaults, as profiles are validated against. */
    public Map<String, Map<String, Object>> parameters() {
        if (parameters == null) {
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            rules.values().forEach(r -> out.put(r.id(), r.params()));
            parameters = java.util.Collections.unmodifiableMap(out);
        }
        return parameters;
    }

    private volatile Map<String, Map<String, Object>> parameters;
}
