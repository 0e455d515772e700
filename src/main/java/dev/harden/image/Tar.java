package dev.harden.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Reads the entries of an image layer: a tar stream (ustar, GNU long names, PAX headers), gzipped
 * or not. Only what harden needs: each entry's path, type, owner, mode and size, and the bytes of
 * the entries the caller asks for.
 */
final class Tar {
    /** What one entry is. */
    enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

    /**
     * One entry.
     *
     * @param path the path without a leading {@code ./} or {@code /}
     * @param link the target of a link, or empty
     */
    record Entry(String path, Type type, int uid, int gid, int mode, long size, String link) {
    }

    /** Decides, per entry, whether its bytes are wanted. */
    interface Visitor {
        /** Returns true to receive the content of this entry through {@link #content}. */
        boolean entry(Entry e);

        void content(Entry e, byte[] bytes);
    }

    /** Receives every entry with a stream of exactly its content; what it leaves unread is skipped. */
    interface Streams {
        void entry(Entry e, InputStream content) throws IOException;
    }

    private static final int BLOCK = 512;
    /** The most a PAX header or GNU long name may hold; real ones hold a few hundred bytes. */
    private static final int HEADER_LIMIT = 1 << 20;

    private Tar() {
    }

    /**
     * Reads every entry of a layer, gunzipping when it starts with gzip's magic number.
     *
     * @param contentLimit the largest entry whose content may be handed out
     */
    static void read(InputStream raw, long contentLimit, Visitor visitor) throws IOException {
        walk(raw, (e, content) -> {
            if (visitor.entry(e) && e.type() == Type.FILE && e.size() <= contentLimit) {
                visitor.content(e, content.readNBytes((int) e.size()));
            }
        });
    }

    /** Reads every entry of a tar stream (gunzipped when it starts with gzip's magic number), content streamed. */
    static void walk(InputStream raw, Streams streams) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        InputStream tar = b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
        byte[] header = new byte[BLOCK];
        String longName = null;
        String longLink = null;
        String paxPath = null;
        String paxLink = null;
        Long paxSize = null;
        Integer paxUid = null;
        Integer paxGid = null;
        while (true) {
            if (tar.readNBytes(header, 0, BLOCK) < BLOCK || allZero(header)) {
                return;
            }
            if (!checksumOk(header)) {
                throw new IOException("not a tar layer (bad header checksum)");
            }
            char flag = (char) header[156];
            long size = number(header, 124, 12);
            if (size < 0) {
                throw new IOException("not a tar layer (bad size)");
            }
            if (paxSize != null && flag != 'x' && flag != 'g' && flag != 'L' && flag != 'K') {
                size = paxSize;
            }
            if (flag == 'L' || flag == 'K' || flag == 'x' || flag == 'g') {
                if (size > HEADER_LIMIT) {
                    throw new IOException("not a tar layer (a " + size + "-byte extended header)");
                }
                byte[] data = tar.readNBytes((int) size);
                skip(tar, padding(size));
                String text = new String(data, StandardCharsets.UTF_8);
                if (flag == 'L') {
                    longName = cString(text);
                } else if (flag == 'K') {
                    longLink = cString(text);
                } else if (flag == 'x') {
                    for (String[] kv : pax(text)) {
                        switch (kv[0]) {
                            case "path" -> paxPath = kv[1];
                            case "linkpath" -> paxLink = kv[1];
                            case "size" -> paxSize = parseLong(kv[1]);
                            case "uid" -> paxUid = (int) Math.min(Integer.MAX_VALUE, parseLong(kv[1]));
                            case "gid" -> paxGid = (int) Math.min(Integer.MAX_VALUE, parseLong(kv[1]));
                            default -> { }
                        }
                    }
                }
                continue;
            }
            String name = longName != null ? longName : paxPath != null ? paxPath : ustarName(header);
            String link = longLink != null ? longLink : paxLink != null ? paxLink : string(header, 157, 100);
            int uid = paxUid != null ? paxUid : (int) Math.min(Integer.MAX_VALUE, number(header, 108, 8));
            int gid = paxGid != null ? paxGid : (int) Math.min(Integer.MAX_VALUE, number(header, 116, 8));
            int mode = (int) (number(header, 100, 8) & 07777);
            longName = longLink = paxPath = paxLink = null;
            paxSize = null;
            paxUid = paxGid = null;
            Type type = switch (flag) {
                case '0', '\0', '7' -> Type.FILE;
                case '5' -> Type.DIRECTORY;
                case '2' -> Type.SYMLINK;
                case '1' -> Type.HARDLINK;
                default -> Type.OTHER;
            };
            long dataSize = type == Type.FILE || type == Type.OTHER ? size : 0;
            Entry e = new Entry(normalise(name), type, uid, gid, mode, dataSize, link);
            Bounded content = new Bounded(tar, dataSize);
            streams.entry(e, content);
            skip(tar, content.left + padding(dataSize));
        }
    }

    /** One entry's content: reads stop at its end, and closing it leaves the archive open. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("not a tar layer (it ends inside an entry)");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("not a tar layer (it ends inside an entry)");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() {
            // the archive goes on after this entry
        }
    }

    static String normalise(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("./") ? 2 : 1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.equals(".") ? "" : n;
    }

    private static String ustarName(byte[] h) {
        String name = string(h, 0, 100);
        String magic = string(h, 257, 5);
        String prefix = magic.equals("ustar") ? string(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static java.util.List<String[]> pax(String text) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int space = text.indexOf(' ', i);
            int eq = space < 0 ? -1 : text.indexOf('=', space);
            int nl = eq < 0 ? -1 : text.indexOf('\n', eq);
            if (space < 0 || eq < 0 || nl < 0) {
                break;
            }
            out.add(new String[] {text.substring(space + 1, eq), text.substring(eq + 1, nl)});
            i = nl + 1;
        }
        return out;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    private static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    /** An octal field, or GNU's base-256 form for values too large for octal. */
    private static long number(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    return -1;
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = off; i < off + len; i++) {
            int c = h[i];
            if (c == 0 || c == ' ') {
                if (v > 0) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7' || v > (Long.MAX_VALUE >> 3)) {
                return -1;
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private static boolean checksumOk(byte[] h) {
        long want = number(h, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        return want == sum;
    }

    private static boolean allZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("not a tar layer (it ends inside an entry)");
                }
                s = 1;
            }
            left -= s;
        }
    }
}
