package dev.harden.rule;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code # harden:ignore rule-a,rule-b -- reason} comments, which exempt the block they stand in. */
final class InlineIgnore {
    private static final Pattern COMMENT = Pattern.compile("#\\s*harden:ignore\\s+([a-z0-9,\\s-]+?)(?:\\s+--\\s*(.*))?\\s*$");

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
