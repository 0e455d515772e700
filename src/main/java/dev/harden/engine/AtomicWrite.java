package dev.harden.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a file so that it keeps its owner, group, mode (setuid, setgid and sticky bits included)
 * and hard links: a temporary file beside it renamed into place, or, where a rename would lose one
 * of those, the file written in place after an fsync'd backup beside it. A file its mode protects
 * is refused.
 */
public final class AtomicWrite {
    /** What harden's temporary files beside a file are called; a killed run leaves them behind. */
    public static final String TEMP_PREFIX = ".harden-tmp-";
    /** What the copy of a file written in place is called while the write is under way. */
    public static final String BACKUP_PREFIX = ".harden-backup-";
    private static final Duration ABANDONED = Duration.ofDays(1);
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** How a file was written. */
    public enum How {
        /** a new file renamed over the old one: readers see the old or the new content, never a mix */
        REPLACED,
        /** the file's own content overwritten (to keep its hard links or its owner), after a backup */
        IN_PLACE
    }

    /** A write harden will not do, with the reason and how to allow it. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private AtomicWrite() {
    }

    /**
     * Replaces a file's content only when it still holds {@code expected}, the bytes harden read
     * (compared by SHA-256), so an edit made meanwhile, while {@code fix --interactive} waited for an
     * answer or {@code --verify} started containers, is not overwritten.
     *
     * @return how it was written, or null, having written nothing, when the file changed since it was read
     */
    public static How writeIfUnchanged(Path file, byte[] expected, byte[] content) throws IOException {
        if (!unchanged(file, expected)) {
            return null;
        }
        return write(file, content);
    }

    /** Whether a file still holds {@code expected}, the bytes harden read (compared by SHA-256). */
    public static boolean unchanged(Path file, byte[] expected) throws IOException {
        return MessageDigest.isEqual(sha256(Files.readAllBytes(file)), sha256(expected));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Replaces an existing file's content (through a symbolic link, the file it names).
     *
     * @return whether the file was replaced by a rename or written in place
     * @throws Refused when the file's mode does not let its owner (or, for an ordinary user, us) write it
     */
    public static How write(Path file, byte[] content) throws IOException {
        Path target = file.toRealPath();
        if (!Files.isRegularFile(target, NOFOLLOW)) {
            throw new Refused("not a regular file; harden only writes regular files");
        }
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class, NOFOLLOW);
        if (view == null) {
            if (!Files.isWritable(target)) {
                throw new Refused("the file is read-only; make it writable to let harden fix it");
            }
            replace(target, content, null);
            return How.REPLACED;
        }
        PosixFileAttributes attributes = view.readAttributes();
        int mode = (Integer) Files.getAttribute(target, "unix:mode", NOFOLLOW) & 07777;
        int links = (Integer) Files.getAttribute(target, "unix:nlink", NOFOLLOW);
        // Root can write anything, so the file's mode decides: a file its owner may not write is read-only on purpose.
        if (!Files.isWritable(target) || isRoot() && (mode & 0200) == 0) {
            throw new Refused(String.format("the file is read-only (mode %04o); harden does not write a file its mode"
                    + " protects: make it writable (chmod u+w) to let harden fix it", mode));
        }
        if (links > 1 || !replace(target, content, new Identity(attributes, mode))) {
            inPlace(target, content, mode);
            return How.IN_PLACE;
        }
        return How.REPLACED;
    }

    /**
     * Creates a new file with the owner, group and permissions of {@code like} (the file it is
     * written next to; never its setuid, setgid or sticky bits); it refuses
     * ({@link java.nio.file.FileAlreadyExistsException}) to replace a file that exists.
     */
    public static void create(Path file, byte[] content, Path like) throws IOException {
        Path target = file.toAbsolutePath();
        Path temp = temporary(target);
        try {
            fill(temp, content);
            PosixFileAttributeView posix = like == null ? null : Files.getFileAttributeView(like, PosixFileAttributeView.class);
            if (posix != null) {
                PosixFileAttributes a = posix.readAttributes();
                try {
                    Files.getFileAttributeView(temp, PosixFileAttributeView.class).setOwner(a.owner());
                    Files.getFileAttributeView(temp, PosixFileAttributeView.class).setGroup(a.group());
                } catch (IOException e) {
                    // an ordinary user's new file is theirs
                }
                Files.setPosixFilePermissions(temp, a.permissions());
            }
            Files.move(temp, target); // no REPLACE_EXISTING: never over a file that appeared meanwhile
            syncFolder(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Removes the temporary files a killed run left in a folder (older than {@code runStart}, from a
     * process that is gone or a day old) and lists the backups such a run left, which may hold the
     * only good copy of a file and so are kept.
     *
     * @return the backups left behind, for the user to look at
     */
    public static List<Path> removeStale(Path folder, Instant runStart) {
        List<Path> backups = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, ".harden-*")) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                boolean temp = name.startsWith(TEMP_PREFIX);
                if (!temp && !name.startsWith(BACKUP_PREFIX) || !Files.isRegularFile(p, NOFOLLOW) || !abandoned(p, name, runStart)) {
                    continue;
                }
                if (temp) {
                    Files.deleteIfExists(p);
                } else {
                    backups.add(p);
                }
            }
        } catch (IOException e) {
            // cleaning up is a courtesy: a folder we cannot list is reported when we write to it
        }
        return backups;
    }

    private static boolean abandoned(Path p, String name, Instant runStart) throws IOException {
        FileTime modified = Files.getLastModifiedTime(p, NOFOLLOW);
        if (!modified.toInstant().isBefore(runStart)) {
            return false;
        }
        if (modified.toInstant().isBefore(runStart.minus(ABANDONED))) {
            return true;
        }
        String rest = name.substring(name.startsWith(TEMP_PREFIX) ? TEMP_PREFIX.length() : BACKUP_PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            long pid = Long.parseLong(rest.substring(0, Math.max(0, dash)));
            return ProcessHandle.of(pid).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The owner, group and mode a file has, to give its replacement. */
    private record Identity(PosixFileAttributes attributes, int mode) { }

    /**
     * Writes a temporary file with the target's owner, group and mode and renames it over the
     * target; false (target untouched) when the temporary file cannot get all three.
     */
    private static boolean replace(Path target, byte[] content, Identity identity) throws IOException {
        Path temp = temporary(target);
        try {
            fill(temp, content);
            if (identity != null && !copyIdentity(temp, identity)) {
                return false;
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncFolder(target.getParent());
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean copyIdentity(Path temp, Identity identity) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class, NOFOLLOW);
        try {
            PosixFileAttributes now = view.readAttributes();
            if (!now.owner().equals(identity.attributes().owner())) {
                view.setOwner(identity.attributes().owner());
            }
            if (!now.group().equals(identity.attributes().group())) {
                view.setGroup(identity.attributes().group());
            }
            // after chown, which clears the setuid and setgid bits
            Files.setAttribute(temp, "unix:mode", identity.mode(), NOFOLLOW);
        } catch (IOException | UnsupportedOperationException e) {
            return false; // an ordinary user cannot give a file away: write in place instead
        }
        PosixFileAttributes after = view.readAttributes();
        int mode = (Integer) Files.getAttribute(temp, "unix:mode", NOFOLLOW) & 07777;
        return after.owner().equals(identity.attributes().owner()) && after.group().equals(identity.attributes().group())
                && mode == identity.mode();
    }

    /**
     * Overwrites the file's own bytes, so its inode (links, owner, group) stays; a copy beside it,
     * synced to disk first, puts the old content back if the write fails and survives a crash.
     */
    private static void inPlace(Path target, byte[] content, int mode) throws IOException {
        byte[] old = Files.readAllBytes(target);
        Path backup = named(target, BACKUP_PREFIX);
        fill(backup, old);
        syncFolder(target.getParent());
        try {
            overwrite(target, content);
        } catch (IOException e) {
            try {
                overwrite(target, old);
            } catch (IOException again) {
                e.addSuppressed(again);
                throw new IOException(e.getMessage() + "; the old content is in " + backup, e);
            }
            Files.deleteIfExists(backup);
            throw e;
        }
        // a write by an ordinary user clears setuid and setgid: the owner may set them again
        if (((Integer) Files.getAttribute(target, "unix:mode", NOFOLLOW) & 07777) != mode) {
            Files.setAttribute(target, "unix:mode", mode, NOFOLLOW);
        }
        Files.deleteIfExists(backup);
    }

    private static void overwrite(Path target, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ch.write(buffer, buffer.position());
            }
            ch.truncate(content.length);
            ch.force(true);
        }
    }

    private static Path temporary(Path target) throws IOException {
        return named(target, TEMP_PREFIX);
    }

    /** A new empty file beside the target, readable only by us, named {@code PREFIXpid-random-name}. */
    private static Path named(Path target, String prefix) throws IOException {
        String name = target.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        // the name must stay within the file system's 255 bytes however long the target's is
        String shown = name.length() > 60 ? name.substring(0, 60) : name;
        return Files.createTempFile(target.getParent(), prefix + ProcessHandle.current().pid() + "-", "-" + shown);
    }

    private static void fill(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Makes a rename in a folder durable; not every file system lets a folder be synced, which is fine. */
    private static void syncFolder(Path folder) {
        if (folder == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
