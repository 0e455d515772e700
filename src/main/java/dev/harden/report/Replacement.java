package dev.harden.report;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import java.util.ArrayList;
import java.util.List;

/**
 * One piece of a fix: {@code length} characters of a file's text at {@code offset} (UTF-16 units of
 * the text without its byte order mark) replaced by {@code text}.
 *
 * @param file the file as reports name it; a file that does not exist yet is replaced from offset 0 of ""
 * @param offset where the replaced text starts
 * @param length how many characters are replaced (0 for an insertion)
 * @param text the new text
 */
public record Replacement(String file, int offset, int length, String text) {
    public Replacement {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length are not negative: " + offset + "," + length);
        }
    }

    /** The replacements that turn {@code before} into {@code after}, in text order and not overlapping. */
    public static List<Replacement> between(String file, String before, String after) {
        List<String> old = UnifiedDiff.lines(before);
        int[] starts = new int[old.size() + 1];
        for (int i = 0; i < old.size(); i++) {
            starts[i + 1] = starts[i] + old.get(i).length();
        }
        List<Replacement> out = new ArrayList<>();
        for (AbstractDelta<String> d : DiffUtils.diff(old, UnifiedDiff.lines(after)).getDeltas()) {
            int from = starts[d.getSource().getPosition()];
            int to = starts[d.getSource().getPosition() + d.getSource().size()];
            String deleted = before.substring(from, to);
            String inserted = String.join("", d.getTarget().getLines());
            int prefix = 0;
            int max = Math.min(deleted.length(), inserted.length());
            while (prefix < max && deleted.charAt(prefix) == inserted.charAt(prefix)) {
                prefix++;
            }
            int suffix = 0;
            while (suffix < max - prefix
                    && deleted.charAt(deleted.length() - 1 - suffix) == inserted.charAt(inserted.length() - 1 - suffix)) {
                suffix++;
            }
            out.add(new Replacement(file, from + prefix, deleted.length() - prefix - suffix,
                    inserted.substring(prefix, inserted.length() - suffix)));
        }
        return out;
    }
}
