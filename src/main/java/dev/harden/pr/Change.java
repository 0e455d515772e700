package dev.harden.pr;

import dev.harden.engine.Hardened;
import dev.harden.engine.FileHardener;
import dev.harden.engine.Pipeline;
import dev.harden.engine.Targets;
import dev.harden.report.FileReport;
import dev.harden.report.UnifiedDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fix changes in a repository, file by file, with every file's report.
 *
 * @param profile the profile's name
 * @param files the changed files, by repository path
 * @param reports every file's report, named by repository path
 * @param unreadable {@code path:line:col: reason} for files that could not be parsed
 */
public record Change(String profile, List<FileChange> files, List<FileReport> reports, List<String> unreadable) {
    /**
     * One changed or new file.
     *
     * @param path repository-relative, with {@code /}
     * @param original the bytes in the base commit, or null for a file the change creates
     * @param fixed the hardened bytes, or the new file's
     */
    public record FileChange(String path, byte[] original, byte[] fixed) {
        /** A file the change adds, such as the NetworkPolicies the strict profile writes next to manifests. */
        public boolean created() {
            return original == null;
        }
    }

    public Change {
        files = files.stream().sorted(Comparator.comparing(FileChange::path)).toList();
        reports = List.copyOf(reports);
        unreadable = List.copyOf(unreadable);
    }

    /**
     * Runs the fix over the targets, which must lie inside the working tree.
     *
     * @param hardener the profile's hardener
     * @param workTree the repository's root
     * @param targets files and folders to harden
     */
    public static Change compute(FileHardener hardener, Path workTree, List<Path> targets) throws PrException {
        return compute(hardener, workTree, targets, Map.of());
    }

    /**
     * Runs the fix over the targets, with files that are in the repository but were not read.
     *
     * @param notRead repository paths, to why they were not read: each under a target is reported as unreadable
     */
    static Change compute(FileHardener hardener, Path workTree, List<Path> targets, Map<String, String> notRead)
            throws PrException {
        Path root;
        try {
            root = workTree.toRealPath();
        } catch (IOException e) {
            throw new PrException("cannot read the working tree " + workTree + ": " + e.getMessage());
        }
        List<Path> absolute = new ArrayList<>();
        for (Path t : targets) {
            Path a = t.toAbsolutePath().normalize();
            if (!a.startsWith(root) && !a.startsWith(workTree.toAbsolutePath().normalize())) {
                throw new PrException(t + " is outside the repository at " + root + ": name paths inside it");
            }
            absolute.add(a);
        }
        Targets.Found found = Pipeline.find(absolute);
        if (!found.problems().isEmpty()) {
            throw new PrException(String.join("; ", found.problems()));
        }
        Pipeline pipeline = new Pipeline(hardener, true);
        List<FileChange> files = new ArrayList<>();
        List<FileReport> reports = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path file : found.files()) {
            Hardened hardened;
            try {
                Path real = file.toRealPath();
                if (!real.startsWith(root)) {
                    // A symlink out of the repository: committing through it would change another file.
                    continue;
                }
                hardened = pipeline.read(file, real, root.relativize(real).toString().replace('\\', '/'));
            } catch (IOException e) {
                FileReport failed = pipeline.unreadable(file, file.toString(),
                        "cannot read (" + e.getClass().getSimpleName() + ")").report();
                unreadable.add(failed.file() + ":" + failed.problem().text());
                continue;
            }
            FileReport report = hardened.report();
            if (report.outcome() == FileReport.Outcome.FAILED) {
                unreadable.add(report.file() + ":" + report.problem().text());
            }
            reports.add(report);
            if (report.changed()) {
                files.add(new FileChange(report.file(), report.original(), report.fixed()));
            }
            for (Hardened.Created created : hardened.created()) {
                Path beside = created.path().toAbsolutePath().normalize();
                if (!Files.exists(beside, LinkOption.NOFOLLOW_LINKS) && beside.startsWith(root)) {
                    files.add(new FileChange(root.relativize(beside).toString().replace('\\', '/'), null, created.content()));
                }
            }
        }
        Path tree = workTree.toAbsolutePath().normalize();
        for (Map.Entry<String, String> skipped : notRead.entrySet()) {
            Path file = tree.resolve(skipped.getKey());
            if (absolute.stream().anyMatch(file::startsWith)) {
                FileReport failed = pipeline.unreadable(file, skipped.getKey(), skipped.getValue()).report();
                unreadable.add(failed.file() + ":" + failed.problem().text());
                reports.add(failed);
            }
        }
        return new Change(hardener.profile().name(), files, reports, unreadable);
    }

    /**
     * The change with the lock file ({@code .harden.lock}) when this run pinned images or learned facts
     * it did not hold yet, so the pull request carries the digests it rests on and later runs give the
     * same bytes. {@code harden pr} and every repository of {@code harden bulk} add it this way.
     *
     * @param workTree the repository's root
     * @param lockFile where the lock file lies, or null for none
     * @param lock its new bytes, or null when the run changed nothing in it
     */
    public Change withLockFile(Path workTree, Path lockFile, byte[] lock) throws PrException {
        if (isEmpty() || lock == null || lockFile == null) {
            return this;
        }
        Path root;
        Path file = lockFile.toAbsolutePath().normalize();
        try {
            root = workTree.toRealPath();
            // a lock file that is a link could carry bytes from outside the repository into the commit
            if (Files.isSymbolicLink(file) || !file.getParent().toRealPath().startsWith(root)) {
                return this;
            }
            file = file.getParent().toRealPath().resolve(file.getFileName());
        } catch (IOException e) {
            return this;
        }
        String path = root.relativize(file).toString().replace('\\', '/');
        byte[] original;
        try {
            original = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new PrException(file + ": cannot read the lock file (" + e.getMessage() + ")");
        }
        List<FileChange> changed = new ArrayList<>(files);
        changed.removeIf(f -> f.path().equals(path));
        changed.add(new FileChange(path, original, lock));
        return new Change(profile, changed, reports, unreadable);
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    /** The new contents by path, as the commit needs them. */
    public Map<String, byte[]> contents() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach(f -> out.put(f.path(), f.fixed()));
        return out;
    }

    /**
     * A short hash of the profile and of every changed file's before and after: equal hashes mean the
     * same proposal, whatever else moved on the base branch.
     */
    public String hash() {
        try {
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            update(all, profile);
            for (FileChange f : files) {
                update(all, f.path());
                all.update(f.created() ? new byte[] {'+'} : MessageDigest.getInstance("SHA-256").digest(f.original()));
                all.update(MessageDigest.getInstance("SHA-256").digest(f.fixed()));
            }
            return HexFormat.of().formatHex(all.digest()).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static void update(MessageDigest d, String s) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
    }

    /** The change as a unified diff that {@code git apply} accepts. */
    public String patch() {
        StringBuilder out = new StringBuilder();
        for (FileChange f : files) {
            out.append(f.created() ? UnifiedDiff.created(f.path(), UnifiedDiff.text(f.fixed()))
                    : UnifiedDiff.diff(f.path(), UnifiedDiff.text(f.original()), UnifiedDiff.text(f.fixed())));
        }
        return out.toString();
    }
}
