package dev.harden.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Expands the paths a user names into the YAML and JSON files to read, and the ones that cannot be read. */
public final class Targets {
    /**
     * The only folders a search does not enter: version control, downloaded dependencies and Maven's
     * output. Hidden folders such as {@code .docker} and {@code .devcontainer} hold manifests too.
     */
    private static final Map<String, String> SKIPPED_DIRS = Map.ofEntries(
            Map.entry(".git", "version control"), Map.entry(".hg", "version control"),
            Map.entry(".svn", "version control"), Map.entry(".bzr", "version control"),
            Map.entry("node_modules", "dependencies"), Map.entry("bower_components", "dependencies"),
            Map.entry("vendor", "dependencies"), Map.entry(".venv", "dependencies"), Map.entry("venv", "dependencies"),
            Map.entry(".terraform", "dependencies"), Map.entry("target", "build output"));
    /** How much of a JSON file is read to decide whether it may be a manifest. */
    private static final int JSON_PEEK = 64 * 1024;

    /**
     * The files found and the paths that failed.
     *
     * @param files regular files, named directly or found under a directory, sorted per argument
     * @param problems {@code path: reason} for paths that do not exist or cannot be read
     * @param skipped the folders and files a search did not read, and why (for {@code --verbose})
     */
    public record Found(List<Path> files, List<String> problems, List<Skipped> skipped) {
        public Found {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * A folder or file a search passed by.
     *
     * @param path where it is
     * @param folder whether it is a folder (whose content was not searched)
     * @param reason why it was not read
     */
    public record Skipped(Path path, boolean folder, String reason) { }

    private Targets() {
    }

    public static Found expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isRegularFile(p)) {
                files.add(p);
            } else if (Files.isDirectory(p)) {
                List<Path> found = new ArrayList<>();
                List<Skipped> passed = new ArrayList<>();
                try {
                    Files.walkFileTree(p, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                            String why = dir.equals(p) ? null : SKIPPED_DIRS.get(name);
                            if (why != null) {
                                passed.add(new Skipped(dir, true, why));
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            String name = file.getFileName().toString();
                            String lower = name.toLowerCase(Locale.ROOT);
                            boolean yaml = lower.endsWith(".yml") || lower.endsWith(".yaml");
                            boolean json = lower.endsWith(".json");
                            if (attrs.isSymbolicLink() && (yaml || json || Files.isDirectory(file))) {
                                passed.add(new Skipped(file, Files.isDirectory(file), "symbolic link, not followed"));
                            } else if (!attrs.isRegularFile() || name.equals(".harden.yaml")) {
                                return FileVisitResult.CONTINUE;
                            } else if (yaml) {
                                found.add(file);
                            } else if (json) {
                                String why = jsonCandidate(file, name);
                                if (why == null) {
                                    found.add(file);
                                } else {
                                    passed.add(new Skipped(file, false, why));
                                }
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
                passed.sort(java.util.Comparator.comparing(Skipped::path));
                files.addAll(found);
                skipped.addAll(passed);
            } else if (Files.exists(p)) {
                problems.add(p + ": not a regular file or directory");
            } else {
                problems.add(p + ": no such file or directory");
            }
        }
        return new Found(files, problems, skipped);
    }

    /**
     * Null when a JSON file found by a search may be a manifest: named like a Compose file, or its
     * beginning names {@code apiVersion} and {@code kind}, or {@code services}; else why it is skipped.
     * Most JSON in a repository is package metadata or editor settings, not worth parsing.
     */
    static String jsonCandidate(Path file, String name) {
        if (dev.harden.manifest.Recognition.composeName(name)) {
            return null;
        }
        String head;
        try (InputStream in = Files.newInputStream(file)) {
            head = new String(in.readNBytes(JSON_PEEK), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "cannot read (" + reason(e) + ")";
        }
        return jsonCandidate(head);
    }

    /** The beginning of a JSON file's bytes, for {@link #searched}. */
    @FunctionalInterface
    public interface Head {
        byte[] read(int max) throws IOException;
    }

    /**
     * Whether a search of a folder reads the file at a path below it, as {@link #expand} would: a YAML
     * file, or a JSON file that may be a manifest, outside the folders a search does not enter; not
     * {@code .harden.yaml}, which is the repository's config.
     *
     * @param relative the path below the folder searched, with {@code /} separators
     * @param head the file's first bytes, asked for only for a JSON file
     */
    public static boolean searched(String relative, Head head) throws IOException {
        String[] parts = relative.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (SKIPPED_DIRS.containsKey(parts[i])) {
                return false;
            }
        }
        String name = parts[parts.length - 1];
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.equals(".harden.yaml")) {
            return false;
        }
        if (lower.endsWith(".yml") || lower.endsWith(".yaml")) {
            return true;
        }
        return lower.endsWith(".json") && (dev.harden.manifest.Recognition.composeName(name)
                || jsonCandidate(new String(head.read(JSON_PEEK), StandardCharsets.UTF_8)) == null);
    }

    private static String jsonCandidate(String head) {
        boolean kubernetes = head.contains("\"apiVersion\"") && head.contains("\"kind\"");
        return kubernetes || head.contains("\"services\"") ? null
                : "JSON without \"apiVersion\" and \"kind\" or \"services\", so not a manifest";
    }

    static String reason(IOException e) {
        String name = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
        return name.isBlank() ? String.valueOf(e.getMessage()) : name;
    }
}
