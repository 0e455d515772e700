package dev.harden.report;

/**
 * Text from manifests, repositories and forges made safe for a terminal: control characters (C0,
 * DEL, C1) and bidirectional overrides become visible {@code \}{@code uXXXX} escapes, so a service
 * name cannot move the cursor, ring the bell, rewrite a line or reorder what the user reads.
 */
public final class Terminal {
    private Terminal() {
    }

    /** The text with every character a terminal would act on, rather than show, escaped; null stays null. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (acts(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean acts(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
