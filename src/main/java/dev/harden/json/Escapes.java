package dev.harden.json;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * The escapes harden has always written: {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t},
 * every other control character as a backslash, {@code u} and four lower-case hex digits; everything else as itself.
 */
final class Escapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final int[] ASCII = ascii();

    private static int[] ascii() {
        int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
        for (int c = 0; c < 0x20; c++) {
            if (c != '\n' && c != '\r' && c != '\t') {
                codes[c] = CharacterEscapes.ESCAPE_CUSTOM;
            }
        }
        return codes;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
        return c < 0x20 ? new SerializedString(String.format("\\u%04x", c)) : null;
    }
}
