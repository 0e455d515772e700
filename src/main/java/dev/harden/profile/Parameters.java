package dev.harden.profile;

import dev.harden.yaml.DataValue;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values a profile may give a rule's parameters: the type of the default {@code rules.yaml}
 * declares, and only values the rules' code understands (a pids limit above 0, memory as a size).
 * Parameters are known by name across rules.
 */
final class Parameters {
    private static final Pattern SIZE = Pattern.compile("[0-9]+(\\.[0-9]+)?([bkmgBKMG]|[kmgKMG][bB]|[KMG]i)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@+-]*");
    /** Kubernetes quantities a profile leaves out on purpose (no CPU limit, say) are written empty. */
    private static final Set<String> MAY_BE_EMPTY = Set.of("cpuRequest", "cpuLimit", "memoryRequest", "memoryLimit",
            "ephemeralStorageRequest", "ephemeralStorageLimit");
    /** Parameters whose code acts on some words only and would treat any other as the first. */
    private static final Map<String, List<String>> WORDS = Map.of(
            "explicit", List.of("report", "override"),
            "pin", List.of("report", "tag", "digest"));

    private Parameters() {
    }

    /**
     * A rule's parameters as a profile sets them, each checked against the rule's declared defaults.
     *
     * @param given the {@code params} mapping
     * @param declared the rule's parameters with their defaults, from {@code rules.yaml}
     */
    static Map<String, Object> read(String rule, DataValue given, Map<String, Object> declared) throws YamlException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (DataValue.Entry e : given.entries()) {
            String key = e.key().text();
            if (!declared.containsKey(key)) {
                throw e.key().error("rule '" + rule + "' has no parameter '" + DataValue.printable(key) + "'"
                        + Suggest.didYouMean(key, declared.keySet())
                        + (declared.isEmpty() ? "; it takes none" : "; it takes " + declared.keySet()));
            }
            out.put(key, value(rule, key, e.value(), declared.get(key)));
        }
        return out;
    }

    /**
     * One value, of its default's type: a number, true or false, a list of names, or text. Where text
     * is declared a number is taken as written ({@code maxFile: 3}): YAML makes quoting it a trap.
     */
    private static Object value(String rule, String key, DataValue v, Object declared) throws YamlException {
        String prefix = "rule '" + rule + "': parameter '" + key + "' ";
        if (declared instanceof Number) {
            if (!(v.plain() instanceof Number n)) {
                throw v.error(prefix + "must be a number, not " + v.describe());
            }
            if (n.doubleValue() <= 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw v.error(prefix + "must be a whole number above 0, not " + v.describe());
            }
            return n;
        }
        if (declared instanceof Boolean) {
            if (!(v.plain() instanceof Boolean b)) {
                throw v.error(prefix + "must be true or false, not " + v.describe());
            }
            return b;
        }
        if (declared instanceof List<?>) {
            if (!v.isList()) {
                throw v.error(prefix + "must be a list, not " + v.describe());
            }
            List<String> names = new ArrayList<>();
            for (DataValue item : v.items()) {
                if (!item.isScalar() || !NAME.matcher(item.text()).matches()) {
                    throw item.error(prefix + "must list names made of letters, digits and ._:/@+-, not " + item.describe());
                }
                names.add(item.text());
            }
            return names;
        }
        if (v.isMapping() || v.isList()) {
            throw v.error(prefix + "must be a single value, not " + v.describe());
        }
        if (v.plain() instanceof Boolean b) {
            throw v.error(prefix + "must be text, not the boolean " + b);
        }
        String text = v.isNull() ? "" : v.text();
        String invalid = invalid(key, text, "".equals(declared) || MAY_BE_EMPTY.contains(key));
        if (invalid != null) {
            throw v.error(prefix + invalid + ", not " + (v.isNull() ? "nothing" : v.describe()));
        }
        return text;
    }

    /** Why a text value would write nonsense into a manifest (memory "lots"), or null when it is fine. */
    private static String invalid(String key, String text, boolean mayBeEmpty) {
        if (text.isEmpty()) {
            return mayBeEmpty ? null : "must not be empty";
        }
        if (WORDS.containsKey(key)) {
            List<String> words = WORDS.get(key);
            return words.contains(text) ? null : "must be " + String.join(", ", words.subList(0, words.size() - 1))
                    + " or " + words.get(words.size() - 1);
        }
        return switch (key) {
            case "memory", "memoryReservation", "tmpfsSize", "maxSize", "memoryRequest", "memoryLimit",
                 "ephemeralStorageRequest", "ephemeralStorageLimit" -> SIZE.matcher(text).matches()
                    && text.matches(".*[1-9].*") ? null : "must be a size such as 512M";
            case "cpus" -> text.matches("[0-9]+(\\.[0-9]+)?") && Double.parseDouble(text) > 0 ? null
                    : "must be a number of CPUs above 0 such as 1.0";
            case "cpuRequest", "cpuLimit" -> text.matches("[0-9]+(\\.[0-9]+)?m?") && text.matches(".*[1-9].*") ? null
                    : "must be a CPU quantity above 0 such as 100m or 1";
            case "maxFile" -> text.matches("[0-9]+") && text.matches(".*[1-9].*") ? null : "must be a whole number above 0";
            case "policy" -> text.matches("no|always|unless-stopped|on-failure(:[0-9]+)?") ? null
                    : "must be no, always, unless-stopped or on-failure";
            case "uid", "kubernetesUid" -> text.matches("[0-9]+(:[0-9]+)?") && !text.matches("0+(:.*)?") ? null
                    : "must be a numeric user id other than 0 (root), optionally with a group: 10001:10001";
            default -> NAME.matcher(text).matches() ? null : "must be made of letters, digits and ._:/@+-";
        };
    }
}
