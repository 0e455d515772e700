package dev.harden.profile;

import dev.harden.report.Severity;
import java.util.Map;

/**
 * How a profile applies one rule.
 *
 * @param severity the severity findings get
 * @param fix whether {@code harden fix} changes the file for it
 * @param params the rule's parameters, defaults filled in
 */
public record RuleSetting(Severity severity, boolean fix, Map<String, Object> params) {
    public RuleSetting {
        // insertion order is the catalogue's order, which `harden rules ID` prints
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    /**
     * A parameter's value as text.
     *
     * @throws IllegalArgumentException when the rule declares no such parameter: a misspelt name in code
     */
    public String param(String name) {
        Object v = declared(name);
        return v == null ? "" : String.valueOf(v);
    }

    /** A whole-number parameter; throws like {@link #param} for an undeclared name. */
    public long longParam(String name) {
        Object v = declared(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        return Long.parseLong(String.valueOf(v).trim());
    }

    private Object declared(String name) {
        if (!params.containsKey(name)) {
            throw new IllegalArgumentException("no parameter '" + name + "' is declared for this rule in rules.yaml; it has "
                    + params.keySet());
        }
        return params.get(name);
    }
}
