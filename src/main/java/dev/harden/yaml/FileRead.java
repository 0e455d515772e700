package dev.harden.yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a file that harden is given or told about: only a regular file (never a FIFO, which would
 * block, a device such as /dev/zero, or a folder), and only when its size is within a limit, checked
 * before a byte is read.
 */
public final class FileRead {
    private FileRead() {
    }

    /** A file that is not read, with a reason that says what to do. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        Refused(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        /** Whether the file was refused for its size (rather than for what it is). */
        public boolean tooLarge() {
            return tooLarge;
        }
    }

    /**
     * The file's bytes.
     *
     * @throws Refused when it is not a regular file or is larger than {@code maxBytes}
     */
    public static byte[] read(Path file, long maxBytes) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new Refused("not a regular file (" + (attributes.isDirectory() ? "a folder" : "a FIFO, socket or device")
                    + "); harden reads regular files only", false);
        }
        if (attributes.size() > maxBytes) {
            throw tooLarge(attributes.size(), maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            // a file that grows while it is read is cut off one byte past the limit, not read whole
            byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > maxBytes) {
                throw tooLarge(bytes.length, maxBytes);
            }
            return bytes;
        }
    }

    private static Refused tooLarge(long size, long maxBytes) {
        return new Refused("file is " + size + " bytes, over the limit of " + maxBytes, true);
    }
}
