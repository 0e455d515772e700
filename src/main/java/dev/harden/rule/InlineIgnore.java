package dev.harden.rule;

import dev.harden.profile.Suggest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code # harden:ignore rule-a,rule-b -- reason} comments, which exempt the block they stand in. */
final class InlineIgnore {
    private static final Pattern COMMENT = Pattern.compile("#\\s*harden:ignore\\s+([a-z0-9,\\s-]+?)(?:\\s+--\\s*(.*))?\\s*$");
    /** The annotation as a line of a block mapping, its value plain or quoted. */
    private static final Pattern ANNOTATION = Pattern.compile("^\\s*[\"']?" + Pattern.quote(RuleRunner.IGNORE_ANNOTATION)
            + "[\"']?\\s*:\\s*[\"']?([a-z0-9,\\s-]+?)[\"']?\\s*(?:#.*)?$");

    private InlineIgnore() {
    }

    /** The reason a block's text gives for ignoring a rule, or null when it does not. */
    static String reason(String block, String ruleId) {
        if (!block.contains("harden:ignore")) {
            return null;
        }
        for (String line : block.split("\n")) {
            Matcher m = COMMENT.matcher(line.stripTrailing());
            if (m.find() && names(m.group(1), ruleId)) {
                String reason = m.group(2);
                return reason == null || reason.isBlank() ? "exempted inline (no reason given)" : reason.trim();
            }
        }
        return null;
    }

    /**
     * {@code line:col: warning: unknown rule ...} for each id in a {@code # harden:ignore} comment or an ignore
     * annotation of the text that is not a rule (nor {@code all}), once per id.
     */
    static List<String> unknownRules(String text, Collection<String> known) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (Pattern p : List.of(COMMENT, ANNOTATION)) {
                Matcher m = p.matcher(lines[i].stripTrailing());
                if (!m.find()) {
                    continue;
                }
                String where = p == COMMENT ? "'# harden:ignore'" : "annotation " + RuleRunner.IGNORE_ANNOTATION;
                int column = m.start(1);
                for (String id : m.group(1).split("[,\\s]+")) {
                    int at = lines[i].indexOf(id, column);
                    if (!id.isEmpty() && !id.equals("all") && !known.contains(id) && seen.add(id)) {
                        out.add((i + 1) + ":" + (at + 1) + ": warning: " + Suggest.unknownRule(id, where, known));
                    }
                }
            }
        }
        return out;
    }

    /** Whether a comma or space separated list of rule ids names a rule, or {@code all}. */
    static boolean names(String list, String ruleId) {
        for (String id : list.split("[,\\s]+")) {
            if (id.equals(ruleId) || id.equals("all")) {
                return true;
            }
        }
        return false;
    }
}
