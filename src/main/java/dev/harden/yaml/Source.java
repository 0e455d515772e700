package dev.harden.yaml;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A file's text as decoded from UTF-8, without its byte order mark, and the conventions it follows
 * (line breaks, final newline) so that written text can follow them too.
 */
final class Source {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    final String text;
    final boolean bom;
    private String lineBreak;
    private final int[] codePointToChar;
    private int[] lineStarts;

    private Source(String text, boolean bom) {
        this(text, bom, true);
    }

    private Source(String text, boolean bom, boolean mayHaveSurrogates) {
        this.text = text;
        this.bom = bom;
        this.codePointToChar = mayHaveSurrogates ? codePointTable(text) : null;
    }

    /** The file's own line break: CRLF when most of its lines end so, else LF. */
    String lineBreak() {
        if (lineBreak == null) {
            lineBreak = majorityLineBreak(text);
        }
        return lineBreak;
    }

    /** Whether a line break stands between two offsets. */
    boolean breakBetween(int from, int to) {
        int nl = text.indexOf('\n', from);
        return nl >= 0 && nl < to;
    }

    static Source of(String text) {
        return new Source(text, false);
    }

    static Source decode(byte[] bytes, Limits limits) throws YamlException {
        if (bytes.length > limits.maxBytes()) {
            throw new YamlException(YamlException.Kind.LIMIT, 1, 1, "file is " + bytes.length
                    + " bytes, over the limit of " + limits.maxBytes() + " (raise it with --max-file-size)");
        }
        boolean bom = bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
        int offset = bom ? 3 : 0;
        refuseLoneCarriageReturns(bytes, offset);
        if (isAscii(bytes, offset)) {
            // most manifests are plain ASCII, which is valid UTF-8 as it stands
            return new Source(new String(bytes, offset, bytes.length - offset, StandardCharsets.US_ASCII), bom, false);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        var result = decoder.decode(in, out, true);
        if (result.isError()) {
            int bad = in.position();
            String before = new String(bytes, offset, bad - offset, StandardCharsets.UTF_8);
            int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
            int column = before.length() - (before.lastIndexOf('\n') + 1) + 1;
            throw new YamlException(YamlException.Kind.ENCODING, line, column,
                    String.format("invalid UTF-8 byte 0x%02X; harden reads UTF-8 only", bytes[bad] & 0xFF));
        }
        try {
            decoder.flush(out);
        } catch (RuntimeException e) {
            throw new YamlException(YamlException.Kind.ENCODING, 1, 1, "invalid UTF-8: " + e.getMessage());
        }
        out.flip();
        return new Source(out.toString(), bom);
    }

    /**
     * YAML reads a CR alone as a line break, and harden's positions count LF: rather than misplace
     * every finding and edit, a file with old Mac line endings is refused with one clear message.
     */
    private static void refuseLoneCarriageReturns(byte[] bytes, int from) throws YamlException {
        int line = 1;
        int lineStart = from;
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            } else if (bytes[i] == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n')) {
                throw new YamlException(YamlException.Kind.SYNTAX, line, i - lineStart + 1,
                        "lone CR line endings are not supported; convert the file to LF (or CRLF) line endings");
            }
        }
    }

    private static boolean isAscii(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    byte[] encode(String newText) {
        byte[] body = newText.getBytes(StandardCharsets.UTF_8);
        if (!bom) {
            return body;
        }
        byte[] all = new byte[body.length + 3];
        System.arraycopy(BOM, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        return all;
    }

    /** Converts a parser index (code points) to an offset into {@link #text} (UTF-16 chars). */
    int offset(int codePointIndex) {
        if (codePointToChar == null) {
            return Math.min(codePointIndex, text.length());
        }
        return codePointToChar[Math.min(codePointIndex, codePointToChar.length - 1)];
    }

    boolean endsWithLineBreak() {
        return text.endsWith("\n");
    }

    int lineStart(int offset) {
        return text.lastIndexOf('\n', offset - 1) + 1;
    }

    /** Offset of the line break ending the line that holds {@code offset}, or the text length. */
    int lineEnd(int offset) {
        int nl = text.indexOf('\n', offset);
        if (nl < 0) {
            return text.length();
        }
        return nl > 0 && text.charAt(nl - 1) == '\r' ? nl - 1 : nl;
    }

    /** Offset just past the line break ending the line that holds {@code offset}, or the text length. */
    int nextLineStart(int offset) {
        int nl = text.indexOf('\n', offset);
        return nl < 0 ? text.length() : nl + 1;
    }

    int column(int offset) {
        return offset - lineStart(offset);
    }

    /** 1-based line of an offset, by binary search over the line starts. */
    int lineNumber(int offset) {
        int[] starts = lineStarts();
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }

    private int[] lineStarts() {
        if (lineStarts == null) {
            int count = 1;
            for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
                count++;
            }
            int[] starts = new int[count];
            int k = 1;
            for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
                starts[k++] = i + 1;
            }
            lineStarts = starts;
        }
        return lineStarts;
    }

    private static String majorityLineBreak(String text) {
        int crlf = 0;
        int lf = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            if (i > 0 && text.charAt(i - 1) == '\r') {
                crlf++;
            } else {
                lf++;
            }
        }
        return crlf > lf ? "\r\n" : "\n";
    }

    private static int[] codePointTable(String text) {
        int count = text.codePointCount(0, text.length());
        if (count == text.length()) {
            return null;
        }
        int[] table = new int[count + 1];
        int cp = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            table[cp++] = i;
        }
        table[count] = text.length();
        return table;
    }
}
