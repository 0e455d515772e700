package dev.harden.git;

import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;

/** A regular file of a fetched tree, offered to a {@link Wanted} before anything of it is written. */
public final class TreeFile {
    private final String path;
    private final long size;
    private final ObjectId blob;
    private final ObjectReader reader;

    TreeFile(String path, long size, ObjectId blob, ObjectReader reader) {
        this.path = path;
        this.size = size;
        this.blob = blob;
        this.reader = reader;
    }

    /** Its path in the repository, with {@code /} separators. */
    public String path() {
        return path;
    }

    /** The blob's size in bytes. */
    public long size() {
        return size;
    }

    /** The blob's first bytes, at most {@code max} of them, read from the object database. */
    public byte[] head(int max) throws IOException {
        try (InputStream in = reader.open(blob).openStream()) {
            return in.readNBytes(max);
        }
    }
}
