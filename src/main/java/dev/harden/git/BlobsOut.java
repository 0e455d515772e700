package dev.harden.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Writes the wanted blobs of a commit's tree, byte for byte, into a folder laid out like the tree. */
final class BlobsOut {
    private BlobsOut() {
    }

    /**
     * @return how many files were written
     */
    static int write(Repository repository, String commit, Path into, Wanted wanted) throws IOException {
        int written = 0;
        try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader);
             TreeWalk tree = new TreeWalk(repository, reader)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            tree.addTree(c.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                // symbolic links and submodules (gitlinks) are not read: only regular files, executable or not
                if ((tree.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                    continue;
                }
                String path = tree.getPathString();
                ObjectId blob = tree.getObjectId(0);
                Path target = inside(into, path);
                if (target == null) {
                    continue;
                }
                long size = reader.getObjectSize(blob, Constants.OBJ_BLOB);
                if (!wanted.wants(new TreeFile(path, size, blob, reader))) {
                    continue;
                }
                write(reader, blob, target);
                written++;
            }
        }
        return written;
    }

    /** Writes one more file of the commit's tree, when it is a regular file there; false when it is not. */
    static boolean writeOne(Repository repository, String commit, Path into, String path) throws IOException {
        try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            Path target = inside(into, path);
            try (TreeWalk found = target == null ? null : TreeWalk.forPath(repository, reader, path, c.getTree())) {
                if (found == null || (found.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE
                        || Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
                write(reader, found.getObjectId(0), target);
                return true;
            }
        }
    }

    private static void write(ObjectReader reader, ObjectId blob, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        // CREATE_NEW: never through something already there, such as a link
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            reader.open(blob).copyTo(out);
        }
    }

    /** Where a tree path goes below the folder, or null for a path no checkout may write (such as {@code .git/config}). */
    private static Path inside(Path into, String path) {
        for (String part : path.split("/", -1)) {
            String lower = part.toLowerCase(Locale.ROOT);
            if (part.isEmpty() || part.equals(".") || part.equals("..") || lower.equals(".git") || part.contains("\\")) {
                return null;
            }
        }
        Path target = into.resolve(path).normalize();
        return target.startsWith(into) && !target.equals(into) ? target : null;
    }
}
