package dev.harden.report;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.List;

/**
 * Unified diffs that {@code git apply} and {@code patch -p1} accept, computed line by line with
 * each line's own break, so CRLF files and a missing final newline come out right.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;

    /** One hunk: where it starts in both files, and its lines with their prefix. */
    public record Hunk(int oldStart, int oldCount, int newStart, int newCount, List<String> lines) {
        public String header() {
            return "@@ -" + range(oldStart, oldCount) + " +" + range(newStart, newCount) + " @@";
        }

        private static String range(int start, int count) {
            return count == 1 ? String.valueOf(start) : start + "," + count;
        }
    }

    private UnifiedDiff() {
    }

    /** A file's bytes as diffs and replacements show them: UTF-8, without the byte order mark a file may start with. */
    public static String text(byte[] bytes) {
        String s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** The diff of two texts under {@code a/path} and {@code b/path}; empty when they are equal. */
    public static String diff(String path, String before, String after) {
        List<Hunk> hunks = hunks(before, after);
        if (hunks.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        path = path.replace('\\', '/').replaceFirst("^/+", "");
        out.append("--- a/").append(path).append('\n').append("+++ b/").append(path).append('\n');
        for (Hunk h : hunks) {
            out.append(render(h));
        }
        return out.toString();
    }

    /** The diff that creates a file: {@code /dev/null} to {@code b/path}, as git writes it. */
    public static String created(String path, String content) {
        List<Hunk> hunks = hunks("", content);
        StringBuilder out = new StringBuilder();
        path = path.replace('\\', '/').replaceFirst("^/+", "");
        out.append("--- /dev/null\n").append("+++ b/").append(path).append('\n');
        for (Hunk h : hunks) {
            out.append(render(h));
        }
        return out.toString();
    }

    /** A hunk as diff text, with "\ No newline at end of file" where a line has no break. */
    public static String render(Hunk h) {
        StringBuilder out = new StringBuilder(h.header()).append('\n');
        for (String line : h.lines()) {
            out.append(line);
            if (!line.endsWith("\n")) {
                out.append("\n\\ No newline at end of file\n");
            }
        }
        return out.toString();
    }

    /** Splits text into lines that keep their line break. */
    public static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
            lines.add(text.substring(start, i + 1));
            start = i + 1;
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    public static List<Hunk> hunks(String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        Patch<String> patch = DiffUtils.diff(a, b);
        List<Hunk> hunks = new ArrayList<>();
        List<AbstractDelta<String>> deltas = patch.getDeltas();
        int i = 0;
        while (i < deltas.size()) {
            int j = i;
            while (j + 1 < deltas.size() && deltas.get(j + 1).getSource().getPosition()
                    - (deltas.get(j).getSource().getPosition() + deltas.get(j).getSource().size()) <= 2 * CONTEXT) {
                j++;
            }
            AbstractDelta<String> first = deltas.get(i);
            AbstractDelta<String> last = deltas.get(j);
            int oldFrom = Math.max(0, first.getSource().getPosition() - CONTEXT);
            int oldTo = Math.min(a.size(), last.getSource().getPosition() + last.getSource().size() + CONTEXT);
            int newFrom = first.getTarget().getPosition() - (first.getSource().getPosition() - oldFrom);
            List<String> lines = new ArrayList<>();
            int pos = oldFrom;
            int newCount = 0;
            for (int k = i; k <= j; k++) {
                AbstractDelta<String> d = deltas.get(k);
                for (; pos < d.getSource().getPosition(); pos++) {
                    lines.add(" " + a.get(pos));
                    newCount++;
                }
                for (String s : d.getSource().getLines()) {
                    lines.add("-" + s);
                }
                for (String s : d.getTarget().getLines()) {
                    lines.add("+" + s);
                    newCount++;
                }
                pos += d.getSource().size();
            }
            for (; pos < oldTo; pos++) {
                lines.add(" " + a.get(pos));
                newCount++;
            }
            int oldCount = oldTo - oldFrom;
            hunks.add(new Hunk(oldCount == 0 ? oldFrom : oldFrom + 1, oldCount, newCount == 0 ? newFrom : newFrom + 1,
                    newCount, lines));
            i = j + 1;
        }
        return hunks;
    }

    /** Applies the chosen hunks of before→after to before; the others are left out. */
    public static String applySome(String before, List<Hunk> hunks, List<Boolean> accepted) {
        List<String> a = lines(before);
        StringBuilder out = new StringBuilder();
        int pos = 0;
        for (int h = 0; h < hunks.size(); h++) {
            Hunk hunk = hunks.get(h);
            int start = hunk.oldCount() == 0 ? hunk.oldStart() : hunk.oldStart() - 1;
            for (; pos < start; pos++) {
                out.append(a.get(pos));
            }
            for (String line : hunk.lines()) {
                char kind = line.charAt(0);
                String content = line.substring(1);
                if (kind == ' ') {
                    out.append(content);
                    pos++;
                } else if (kind == '-') {
                    if (!accepted.get(h)) {
                        out.append(content);
                    }
                    pos++;
                } else if (accepted.get(h)) {
                    out.append(content);
                }
            }
        }
        for (; pos < a.size(); pos++) {
            out.append(a.get(pos));
        }
        return out.toString();
    }
}
