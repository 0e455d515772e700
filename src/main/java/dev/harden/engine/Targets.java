package dev.harden.engine;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Expands the paths a user names into the YAML files to read, and the ones that cannot be read. */
public final class Targets {
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "node_modules", "target", "vendor", ".terraform");

    /**
     * The files found and the paths that failed.
     *
     * @param files regular files, named directly or found under a directory, sorted per argument
     * @param problems {@code path: reason} for paths that do not exist or cannot be read
     */
    public record Found(List<Path> files, List<String> problems) { }

    private Targets() {
    }

    public static Found expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isRegularFile(p)) {
                files.add(p);
            } else if (Files.isDirectory(p)) {
                List<Path> found = new ArrayList<>();
                try {
                    Files.walkFileTree(p, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                            return !dir.equals(p) && (SKIPPED_DIRS.contains(name) || name.startsWith("."))
                                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            String name = file.getFileName().toString();
                            if (attrs.isRegularFile() && (name.endsWith(".yml") || name.endsWith(".yaml"))
                                    && !name.equals(".harden.yaml")) {
                                found.add(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            problems.add(file + ": cannot read (" + reason(e) + ")");
                            return FileVisitResult.CONTINUE;
                        }
                    });
                } catch (IOException e) {
                    problems.add(p + ": cannot read (" + reason(e) + ")");
                }
                found.sort(null);
                files.addAll(found);
            } else if (Files.exists(p)) {
                problems.add(p + ": not a regular file or directory");
            } else {
                problems.add(p + ": no such file or directory");
            }
        }
        return new Found(files, problems);
    }

    static String reason(IOException e) {
        String name = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
        return name.isBlank() ? String.valueOf(e.getMessage()) : name;
    }
}
