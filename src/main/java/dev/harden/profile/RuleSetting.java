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

    public String param(String name) {
        Object v = params.get(name);
        return v == null ? "" : String.valueOf(v);
    }

    public long longParam(String name) {
        Object v = params.get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        return Long.parseLong(String.valueOf(v).trim());
    }
}
