package dev.harden.rule;

import dev.harden.report.Severity;
import dev.harden.yaml.Plain;
import dev.harden.yaml.ShippedData;
import dev.harden.yaml.YamlException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every rule harden knows, read from {@code rules.yaml}, in the order rules run. */
public final class RuleCatalog {
    private static final String RESOURCE = "/dev/harden/rules.yaml";
    private static RuleCatalog builtIn;

    private final Map<String, RuleInfo> rules;

    private RuleCatalog(Map<String, RuleInfo> rules) {
        this.rules = rules;
    }

    public static synchronized RuleCatalog builtIn() {
        if (builtIn == null) {
            try {
                builtIn = of(ShippedData.read(RuleCatalog.class, RESOURCE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (YamlException e) {
                throw new IllegalStateException("rules.yaml:" + e.getMessage(), e);
            }
        }
        return builtIn;
    }

    static RuleCatalog parse(byte[] bytes) throws YamlException {
        return of(Plain.firstDocument(bytes));
    }

    @SuppressWarnings("unchecked")
    private static RuleCatalog of(Object plain) {
        Map<String, Object> root = (Map<String, Object>) plain;
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        for (Object o : (List<Object>) root.get("rules")) {
            Map<String, Object> m = (Map<String, Object>) o;
            Map<String, Object> params = m.get("params") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
            RuleInfo info = new RuleInfo((String) m.get("id"), (String) m.get("title"),
                    Severity.parse((String) m.get("severity")), new LinkedHashSet<>((List<String>) m.get("targets")),
                    (String) m.get("description"), (String) m.get("remediation"),
                    (List<String>) m.getOrDefault("references", List.of()), params,
                    (String) m.get("imageFacts"));
            if (rules.put(info.id(), info) != null) {
                throw new IllegalStateException("rule " + info.id() + " is listed twice in rules.yaml");
            }
        }
        return new RuleCatalog(rules);
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
