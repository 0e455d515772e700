package dev.harden.engine;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Writes a file in one step: a temporary file beside it, renamed into place, so no reader sees half of it. */
public final class AtomicWrite {
    private AtomicWrite() {
    }

    /** Replaces an existing file's content, keeping its permissions (through a symbolic link, the file it names). */
    public static void write(Path file, byte[] content) throws IOException {
        Path target = file.toRealPath();
        Path temp = temporary(target, content, target);
        try {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Replaces a file's content only when it still holds {@code expected}, the bytes harden read
     * (compared by SHA-256), so an edit made meanwhile, while {@code fix --interactive} waited for an
     * answer or {@code --verify} started containers, is not overwritten.
     *
     * @return false, having written nothing, when the file changed since it was read
     */
    public static boolean writeIfUnchanged(Path file, byte[] expected, byte[] content) throws IOException {
        if (!unchanged(file, expected)) {
            return false;
        }
        write(file, content);
        return true;
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
     * Creates a new file with the permissions of {@code like} (the file it is written next to); it
     * refuses ({@link java.nio.file.FileAlreadyExistsException}) to replace a file that exists.
     */
    public static void create(Path file, byte[] content, Path like) throws IOException {
        Path target = file.toAbsolutePath();
        Path temp = temporary(target, content, like);
        try {
            Files.move(temp, target); // no REPLACE_EXISTING: never over a file that appeared meanwhile
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path temporary(Path target, byte[] content, Path permissionsOf) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".harden.tmp");
        try {
            Files.write(temp, content);
            PosixFileAttributeView posix = Files.getFileAttributeView(permissionsOf, PosixFileAttributeView.class);
            if (posix != null) {
                Files.setPosixFilePermissions(temp, posix.readAttributes().permissions());
            }
            return temp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }
}
