package dev.harden.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An image's filesystem with its layers stacked (later layers win, {@code .wh.} files delete,
 * {@code .wh..wh..opq} hides a folder's lower content): every path's type, owner and mode, and the
 * bytes of the few small files harden reads (user database, entrypoint scripts).
 */
final class ImageFiles {
    private static final long CONTENT_LIMIT = 256L << 10;
    private static final long CONTENT_BUDGET = 16L << 20;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final TreeMap<String, Tar.Entry> paths = new TreeMap<>();
    private final Map<String, byte[]> contents = new HashMap<>();
    private long captured;

    /** Adds one layer on top of those already applied; {@code wanted} names the files whose bytes to keep. */
    void apply(InputStream layer, Predicate<String> wanted) throws IOException {
        stack(read(layer, wanted));
    }

    /**
     * One layer read but not yet stacked: what it adds, deletes and hides. A saved image names its
     * layers' order only at its end, so its layers are read as they come and stacked then.
     */
    record Layer(List<Tar.Entry> added, Map<String, byte[]> addedContent, List<String> deleted, List<String> opaque) {
    }

    /** Reads one layer, keeping the bytes of the wanted files (they count against the budget from now on). */
    Layer read(InputStream layer, Predicate<String> wanted) throws IOException {
        List<Tar.Entry> added = new ArrayList<>();
        Map<String, byte[]> addedContent = new HashMap<>();
        List<String> deleted = new ArrayList<>();
        List<String> opaque = new ArrayList<>();
        Tar.read(layer, CONTENT_LIMIT, new Tar.Visitor() {
            @Override
            public boolean entry(Tar.Entry e) {
                String base = e.path().substring(e.path().lastIndexOf('/') + 1);
                String dir = e.path().contains("/") ? e.path().substring(0, e.path().lastIndexOf('/')) : "";
                if (base.equals(OPAQUE)) {
                    opaque.add(dir);
                    return false;
                }
                if (base.startsWith(WHITEOUT)) {
                    deleted.add((dir.isEmpty() ? "" : dir + "/") + base.substring(WHITEOUT.length()));
                    return false;
                }
                added.add(e);
                return wanted.test("/" + e.path()) && captured + e.size() <= CONTENT_BUDGET;
            }

            @Override
            public void content(Tar.Entry e, byte[] bytes) {
                byte[] old = addedContent.put(e.path(), bytes);
                captured += bytes.length - (old == null ? 0 : old.length);
            }
        });
        return new Layer(added, addedContent, deleted, opaque);
    }

    /** Puts a layer read by {@link #read} on top of those stacked so far. */
    void stack(Layer layer) {
        List<Tar.Entry> added = layer.added();
        Map<String, byte[]> addedContent = layer.addedContent();
        List<String> deleted = layer.deleted();
        List<String> opaque = layer.opaque();
        for (String d : deleted) {
            removeTree(d, true);
        }
        for (String d : opaque) {
            removeTree(d, false);
        }
        for (Tar.Entry e : added) {
            if (e.type() != Tar.Type.DIRECTORY) {
                removeTree(e.path(), false);
            }
            paths.put(e.path(), e);
            byte[] old = contents.remove(e.path());
            if (old != null) {
                captured -= old.length;
            }
            byte[] bytes = addedContent.get(e.path());
            if (bytes != null) {
                contents.put(e.path(), bytes);
            }
        }
    }

    private void removeTree(String path, boolean self) {
        if (self) {
            paths.remove(path);
            byte[] old = contents.remove(path);
            if (old != null) {
                captured -= old.length;
            }
        }
        NavigableMap<String, Tar.Entry> below = paths.subMap(path + "/", true, path + "0", false);
        for (String p : new ArrayList<>(below.keySet())) {
            paths.remove(p);
            byte[] old = contents.remove(p);
            if (old != null) {
                captured -= old.length;
            }
        }
    }

    /** The entry at an absolute path, symbolic links followed (a few hops, inside the image). */
    Optional<Tar.Entry> info(String absolute) {
        String p = Tar.normalise(absolute);
        for (int hops = 0; hops < 8; hops++) {
            Tar.Entry e = paths.get(p);
            if (e == null || e.type() != Tar.Type.SYMLINK) {
                return Optional.ofNullable(e);
            }
            String target = e.link();
            p = target.startsWith("/") ? Tar.normalise(target)
                    : Tar.normalise(java.nio.file.Path.of("/" + p).resolveSibling(target).normalize().toString());
        }
        return Optional.empty();
    }

    /** Where a symbolic link points, as written in the image (Docker images link their logs to /dev/stdout). */
    Optional<String> link(String absolute) {
        return Optional.ofNullable(paths.get(Tar.normalise(absolute))).filter(e -> e.type() == Tar.Type.SYMLINK).map(Tar.Entry::link);
    }

    /** The kept bytes of a file, links followed; empty when not kept or absent. */
    Optional<String> read(String absolute) {
        return info(absolute).map(e -> contents.get(e.path())).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Whether a folder has anything in it: a tmpfs over it would hide that. */
    boolean hasContent(String absoluteDir) {
        Optional<Tar.Entry> dir = info(absoluteDir);
        if (dir.isEmpty()) {
            return false;
        }
        String p = dir.get().path();
        String from = p.isEmpty() ? "" : p + "/";
        String next = paths.higherKey(from);
        return next != null && next.startsWith(from) && !next.equals(p);
    }

    /** The files (and links to files) directly in a folder, as absolute paths in path order. */
    List<String> filesIn(String absoluteDir) {
        String from = Tar.normalise(absoluteDir) + "/";
        List<String> out = new ArrayList<>();
        for (Tar.Entry e : paths.subMap(from, true, from.substring(0, from.length() - 1) + "0", false).values()) {
            if (e.type() != Tar.Type.DIRECTORY && e.path().indexOf('/', from.length()) < 0) {
                out.add("/" + e.path());
            }
        }
        return out;
    }

    /** Folders owned by a uid, outermost only, in path order. */
    List<String> foldersOwnedBy(int uid) {
        List<String> out = new ArrayList<>();
        String last = null;
        for (Tar.Entry e : paths.values()) {
            if (e.type() == Tar.Type.DIRECTORY && e.uid() == uid && !e.path().isEmpty()
                    && (last == null || !e.path().startsWith(last + "/"))) {
                out.add("/" + e.path());
                last = e.path();
            }
        }
        return out;
    }

    int size() {
        return paths.size();
    }
}
